use uuid::Uuid;

use super::{
    at_account,
    audit::{audit, Change},
    bump_account, current_row,
    live::{LiveEvent, LiveKind},
    must_exist, new_id, now, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{Employee, Interaction, InteractionInput, InteractionPatch, Person},
    Error, Result,
};

/// `Err` unless the interaction's opportunity (if any) exists at its account.
macro_rules! check_opportunity {
    ($store:expr, $tx:ident, $i:expr) => {
        async {
            if let Some(o) = $i.opportunity_id {
                at_account!(
                    $store,
                    $tx,
                    "opportunity",
                    "opportunity",
                    o,
                    "opportunityId",
                    $i.account_id,
                    "the opportunity is at another account"
                )?;
            }
            Ok::<(), Error>(())
        }
        .await
    };
}

/// Writes both sides' participants, checking each exists (people at the account);
/// a `Result`.
macro_rules! write_participants {
    ($store:expr, $tx:ident, $id:expr, $i:expr) => {
        async {
            for (n, e) in $i.employee_ids.iter().enumerate() {
                must_exist!($tx, "employee", "employee", *e, format!("employeeIds[{n}]"))?;
                sqlx::query("insert into interaction_employee (interaction_id, employee_id, account_id) values ($1, $2, $3)")
                    .bind($id)
                    .bind(*e)
                    .bind($i.account_id)
                    .execute(&mut *$tx)
                    .await?;
            }
            for (n, p) in $i.person_ids.iter().enumerate() {
                at_account!(
                    $store,
                    $tx,
                    "person",
                    "person",
                    *p,
                    format!("personIds[{n}]"),
                    $i.account_id,
                    "this person works at another account than the interaction's"
                )?;
                sqlx::query("insert into interaction_person (interaction_id, person_id, account_id) values ($1, $2, $3)")
                    .bind($id)
                    .bind(*p)
                    .bind($i.account_id)
                    .execute(&mut *$tx)
                    .await?;
            }
            Ok::<(), Error>(())
        }
        .await
    };
}

impl Store {
    pub async fn interaction(&self, id: Uuid) -> Result<Option<Interaction>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, Interaction>(
            "select * from interaction where interaction_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(self.visible(found))
    }

    /// An account's interactions, newest first, optionally only since a date.
    pub async fn interactions_of_account(
        &self,
        account_id: Uuid,
        since: Option<time::Date>,
        limit: i64,
    ) -> Result<Vec<Interaction>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        // Year 1 rather than `Date::MIN`: PostgreSQL's date range starts at 4713 BC
        // and refuses the latter.
        let since = since.unwrap_or_else(|| {
            time::Date::from_calendar_date(1, time::Month::January, 1).unwrap_or(time::Date::MIN)
        });
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Interaction>(
            "select * from interaction where account_id = $1 and occurred_on >= $2
             order by occurred_on desc, interaction_id desc limit $3",
        )
        .bind(account_id)
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// Interactions a person or employee took part in, newest first.
    pub async fn interactions_of_participant(
        &self,
        person_id: Option<Uuid>,
        employee_id: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Interaction>> {
        let (table, column, id) = match (person_id, employee_id) {
            (Some(p), _) => ("interaction_person", "person_id", p),
            (None, Some(e)) => ("interaction_employee", "employee_id", e),
            (None, None) => return Ok(Vec::new()),
        };
        let sql = format!(
            "select i.* from interaction i join {table} x on x.interaction_id = i.interaction_id
             where x.{column} = $1 order by i.occurred_on desc, i.interaction_id desc limit $2"
        );
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Interaction>(&sql)
            .bind(id)
            .bind(limit)
            .fetch_all(pool)
            .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn interactions_of_opportunity(
        &self,
        opportunity_id: Uuid,
        limit: i64,
    ) -> Result<Vec<Interaction>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Interaction>(
            "select * from interaction where opportunity_id = $1
             order by occurred_on desc, interaction_id desc limit $2",
        )
        .bind(opportunity_id)
        .bind(limit)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn interaction_people(&self, interaction_id: Uuid) -> Result<Vec<Person>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Person>(
            "select p.* from person p join interaction_person x on x.person_id = p.person_id
             where x.interaction_id = $1 order by p.name",
        )
        .bind(interaction_id)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn interaction_employees(&self, interaction_id: Uuid) -> Result<Vec<Employee>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Employee>(
            "select e.* from employee e join interaction_employee x on x.employee_id = e.employee_id
             where x.interaction_id = $1 order by e.name",
        )
        .bind(interaction_id)
        .fetch_all(pool)
        .await?))
    }

    /// Records an interaction with its participants. Customer participants must be
    /// at the interaction's account; a linked opportunity must be there too.
    #[tracing::instrument(skip(self))]
    pub async fn record_interaction(&self, input: &InteractionInput) -> Result<Interaction> {
        let i = input.validate(&self.methodology)?;
        self.reach_field("account", i.account_id, "accountId")?;
        let id = new_id();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            must_exist!(tx, "account", "account", i.account_id, "accountId")?;
            check_opportunity!(self, tx, i)?;
            sqlx::query(
                "insert into interaction (interaction_id, account_id, opportunity_id, kind, occurred_on, subject, note, created_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(i.account_id)
            .bind(i.opportunity_id)
            .bind(&i.kind)
            .bind(i.occurred_on)
            .bind(&i.subject)
            .bind(&i.note)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            write_participants!(self, tx, id, i)?;
            bump_account!(tx, self.reach("account", i.account_id, i.account_id)?);
            let after = current_row!(self, tx, Interaction, "interaction", "interaction", id);
            audit!(self, tx, Change::new("record interaction", "interaction", id)
                .account(i.account_id)
                .people(i.person_ids.iter().copied())
                .after(&with_participants(&after, &i.employee_ids, &i.person_ids)));
        });
        self.announce_interaction(id, &i).await;
        self.interaction(id)
            .await?
            .ok_or_else(|| Error::not_found("interaction", id))
    }

    /// Corrects an interaction: kind, date, notes, the opportunity it served, or its
    /// participants (lists given replace the current ones).
    #[tracing::instrument(skip(self))]
    pub async fn update_interaction(
        &self,
        id: Uuid,
        patch: InteractionPatch,
    ) -> Result<Interaction> {
        let granted = self.grant(Need::Write)?;
        let i = write_tx!(granted, self, tx => {
            let current = current_row!(self, tx, Interaction, "interaction", "interaction", id);
            let employees: Vec<Uuid> = sqlx::query_scalar("select employee_id from interaction_employee where interaction_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let people: Vec<Uuid> = sqlx::query_scalar("select person_id from interaction_person where interaction_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let before = with_participants(&current, &employees, &people);
            let people_before = people.clone();
            let i = current.patched(patch, employees, people).validate(&self.methodology)?;
            check_opportunity!(self, tx, i)?;
            sqlx::query(
                "update interaction set opportunity_id = $2, kind = $3, occurred_on = $4, subject = $5, note = $6
                 where interaction_id = $1",
            )
            .bind(id)
            .bind(i.opportunity_id)
            .bind(&i.kind)
            .bind(i.occurred_on)
            .bind(&i.subject)
            .bind(&i.note)
            .execute(&mut *tx)
            .await?;
            sqlx::query("delete from interaction_employee where interaction_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("delete from interaction_person where interaction_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            write_participants!(self, tx, id, i)?;
            bump_account!(tx, self.reach("account", i.account_id, i.account_id)?);
            let after = current_row!(self, tx, Interaction, "interaction", "interaction", id);
            audit!(self, tx, Change::new("update interaction", "interaction", id)
                .account(i.account_id)
                .people(people_before.into_iter().chain(i.person_ids.iter().copied()))
                .before(&before)
                .after(&with_participants(&after, &i.employee_ids, &i.person_ids)));
            i
        });
        self.announce_interaction(id, &i).await;
        self.interaction(id)
            .await?
            .ok_or_else(|| Error::not_found("interaction", id))
    }
}

/// An interaction with who took part, as the audit trail keeps it.
fn with_participants(i: &Interaction, employees: &[Uuid], people: &[Uuid]) -> serde_json::Value {
    serde_json::json!({ "interaction": i, "employeeIds": employees, "personIds": people })
}

impl Store {
    /// Tells the screens watching the account that an interaction was recorded or
    /// corrected.
    async fn announce_interaction(&self, id: Uuid, i: &crate::domain::ValidInteraction) {
        self.announce(LiveEvent {
            kind: LiveKind::Interaction,
            account_id: i.account_id,
            opportunity_id: i.opportunity_id,
            record_id: id,
            person_ids: i.person_ids.clone(),
            employee_ids: i.employee_ids.clone(),
            author: self.author_name(),
        })
        .await;
    }
}
