use time::Date;
use uuid::Uuid;

use super::{
    at_account,
    audit::{audit, Change},
    bump_account, check_revision, current_row, must_exist, new_id, now, revised, with_pool,
    write_tx, Need, Store,
};
use crate::{
    domain::{
        today, LineKind, Person, PersonInput, PersonPatch, Position, ReportingLine,
        ReportingLineInput, ValidPerson,
    },
    Error, Result,
};

/// A person's columns as of a date: their position then overrides where they sat.
const PERSON_AS_OF: &str = "select p.person_id, pos.account_id, p.name, pos.title, pos.department,
        pos.level, p.email, p.phone, p.created_at, p.updated_at, p.revision
   from person p join position pos on pos.person_id = p.person_id
  where pos.account_id = $1 and pos.valid_from <= $2 and (pos.valid_to is null or pos.valid_to > $2)
  order by p.name, p.person_id";

/// Reporting lines valid on a date; intervals are half-open, `[valid_from, valid_to)`.
const LINES_VALID_ON: &str = "valid_from <= $2 and (valid_to is null or valid_to > $2)";

/// Opens a position for a validated person from `since`, in the transaction.
macro_rules! open_position {
    ($tx:ident, $person:expr, $p:expr) => {
        sqlx::query(
            "insert into position (position_id, person_id, account_id, title, department, level, valid_from)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind($person)
        .bind($p.account_id)
        .bind(&$p.title)
        .bind(&$p.department)
        .bind(&$p.level)
        .bind($p.since)
        .execute(&mut *$tx)
        .await?;
    };
}

impl Store {
    /// The account's people now, or as the org chart stood on `as_of`.
    #[tracing::instrument(skip(self))]
    pub async fn people_of_account(
        &self,
        account_id: Uuid,
        as_of: Option<Date>,
    ) -> Result<Vec<Person>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(match as_of {
            None => sqlx::query_as::<_, Person>(
                "select * from person where account_id = $1 order by name, person_id",
            )
            .bind(account_id)
            .fetch_all(pool)
            .await?,
            Some(d) => sqlx::query_as::<_, Person>(PERSON_AS_OF)
                .bind(account_id)
                .bind(d)
                .fetch_all(pool)
                .await?,
        }))
    }

    pub async fn person(&self, id: Uuid) -> Result<Option<Person>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, Person>("select * from person where person_id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?);
        Ok(self.visible(found))
    }

    pub async fn person_required(&self, id: Uuid) -> Result<Person> {
        self.person(id)
            .await?
            .ok_or_else(|| Error::not_found("person", id))
    }

    pub async fn positions_of_person(&self, person_id: Uuid) -> Result<Vec<Position>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Position>(
            "select * from position where person_id = $1 order by valid_from, position_id",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    /// Every position held at the account, past and present: who joined and who
    /// left, and when.
    pub async fn positions_of_account(&self, account_id: Uuid) -> Result<Vec<Position>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Position>(
            "select * from position where account_id = $1 order by valid_from, position_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    /// The name of someone who held a position at the account, wherever they work
    /// now: a planning meeting names who left.
    pub async fn former_person_name(
        &self,
        person_id: Uuid,
        account_id: Uuid,
    ) -> Result<Option<String>> {
        if !self.scope().allows(account_id) {
            return Ok(None);
        }
        with_pool!(self, pool => Ok(sqlx::query_scalar::<_, String>(
            "select name from person where person_id = $1
             and exists (select 1 from position where person_id = $1 and account_id = $2)",
        )
        .bind(person_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await?))
    }

    /// Reporting lines of the account valid on `as_of` (today if `None`).
    pub async fn reporting_lines_of_account(
        &self,
        account_id: Uuid,
        as_of: Option<Date>,
    ) -> Result<Vec<ReportingLine>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "select * from reporting_line where account_id = $1 and {LINES_VALID_ON}
             order by person_id, kind desc, valid_from"
        );
        with_pool!(self, pool => Ok(sqlx::query_as::<_, ReportingLine>(&sql)
            .bind(account_id)
            .bind(as_of.unwrap_or_else(today))
            .fetch_all(pool)
            .await?))
    }

    /// Lines where the person reports to someone (`up`) or someone reports to them.
    pub async fn reporting_lines_of_person(
        &self,
        person_id: Uuid,
        up: bool,
        as_of: Option<Date>,
    ) -> Result<Vec<ReportingLine>> {
        let column = if up { "person_id" } else { "manager_id" };
        let sql = format!(
            "select * from reporting_line where {column} = $1 and {LINES_VALID_ON}
             order by kind desc, valid_from"
        );
        with_pool!(self, pool => Ok(sqlx::query_as::<_, ReportingLine>(&sql)
            .bind(person_id)
            .bind(as_of.unwrap_or_else(today))
            .fetch_all(pool)
            .await?))
        .map(|found| self.in_scope(found))
    }

    /// Every reporting line the account ever had, oldest first: what changed in
    /// its org chart between two days.
    pub async fn reporting_line_history_of_account(
        &self,
        account_id: Uuid,
    ) -> Result<Vec<ReportingLine>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, ReportingLine>(
            "select * from reporting_line where account_id = $1
             order by person_id, kind, valid_from, reporting_line_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    /// Every reporting line a person ever had, for history views.
    pub async fn reporting_line_history(&self, person_id: Uuid) -> Result<Vec<ReportingLine>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, ReportingLine>(
            "select * from reporting_line where person_id = $1 order by valid_from, kind desc",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    #[tracing::instrument(skip(self))]
    pub async fn create_person(&self, input: &PersonInput) -> Result<Person> {
        let ids = self.create_people(std::slice::from_ref(input)).await?;
        let person = self.person_required(ids[0]).await?;
        self.announce_account(person.account_id, person.person_id, vec![person.person_id])
            .await;
        Ok(person)
    }

    /// Creates several people at once: all of them, or none if any row is bad. Rows
    /// may name earlier rows' people as managers only by id after creation, so
    /// reports-to within the batch is set with `set_reporting_line` afterwards.
    #[tracing::instrument(skip(self, inputs), fields(rows = inputs.len()))]
    pub async fn create_people(&self, inputs: &[PersonInput]) -> Result<Vec<Uuid>> {
        let valid = inputs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.validate(&self.methodology)
                    .map_err(|e| e.in_field(&format!("people[{i}]")))
            })
            .collect::<Result<Vec<ValidPerson>>>()?;
        let at = now();
        let mut ids = Vec::with_capacity(valid.len());
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            for (i, p) in valid.iter().enumerate() {
                let field = format!("people[{i}].accountId");
                self.reach_field("account", p.account_id, &field)?;
                must_exist!(tx, "account", "account", p.account_id, field)?;
                let id = new_id();
                sqlx::query(
                    "insert into person (person_id, account_id, name, title, department, level, email,
                                         phone, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(id)
                .bind(p.account_id)
                .bind(p.name.as_ref())
                .bind(&p.title)
                .bind(&p.department)
                .bind(&p.level)
                .bind(p.email.as_ref().map(|e| e.as_ref().to_owned()))
                .bind(p.phone.as_ref().map(|e| e.as_ref().to_owned()))
                .bind(at)
                .execute(&mut *tx)
                .await?;
                open_position!(tx, id, p);
                if let Some(manager) = p.reports_to {
                    at_account!(
                        self,
                        tx,
                        "person",
                        "person",
                        manager,
                        format!("people[{i}].reportsToId"),
                        p.account_id,
                        "the manager works at another account"
                    )?;
                    sqlx::query(
                        "insert into reporting_line (reporting_line_id, account_id, person_id, manager_id, kind, valid_from)
                         values ($1, $2, $3, $4, 'solid', $5)",
                    )
                    .bind(new_id())
                    .bind(p.account_id)
                    .bind(id)
                    .bind(manager)
                    .bind(p.since)
                    .execute(&mut *tx)
                    .await?;
                }
                bump_account!(tx, self.reach("account", p.account_id, p.account_id)?);
                let after = current_row!(self, tx, Person, "person", "person", id);
                audit!(self, tx, Change::new("create person", "person", id).account(p.account_id).people([id]).after(&after));
                ids.push(id);
            }
        });
        Ok(ids)
    }

    /// Changes a person. A change of account, title, department or level closes the
    /// current position on `since` and opens a new one; a move to another account
    /// also ends the person's reporting lines at the old one. Relationships and
    /// decision-chain roles stay with the account where they happened.
    #[tracing::instrument(skip(self))]
    pub async fn update_person(&self, id: Uuid, patch: PersonPatch) -> Result<Person> {
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, Person, "person", "person", id);
            check_revision(&current, expected, "person", id)?;
            let p = current.patched(patch).validate(&self.methodology)?;
            if p.account_id != current.account_id {
                self.reach_field("account", p.account_id, "accountId")?;
                must_exist!(tx, "account", "account", p.account_id, "accountId")?;
            }
            let done = sqlx::query(
                "update person set revision = revision + 1, account_id = $2, name = $3, title = $4, department = $5, level = $6,
                        email = $7, phone = $8, updated_at = $9
                 where person_id = $1 and revision = $10",
            )
            .bind(id)
            .bind(p.account_id)
            .bind(p.name.as_ref())
            .bind(&p.title)
            .bind(&p.department)
            .bind(&p.level)
            .bind(p.email.as_ref().map(|e| e.as_ref().to_owned()))
            .bind(p.phone.as_ref().map(|e| e.as_ref().to_owned()))
            .bind(now())
            .bind(current.revision)
            .execute(&mut *tx)
            .await?;
            revised!(self, tx, done, Person, "person", "person", id, expected.unwrap_or(current.revision))?;
            if current.position_changes(&p) {
                let open_since: Option<Date> = sqlx::query_scalar(
                    "select valid_from from position where person_id = $1 and valid_to is null",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(from) = open_since {
                    if p.since < from {
                        return Err(Error::invalid(
                            "since",
                            format!("the change cannot take effect before the current position began ({from})"),
                        ));
                    }
                }
                sqlx::query("update position set valid_to = $2 where person_id = $1 and valid_to is null")
                    .bind(id)
                    .bind(p.since)
                    .execute(&mut *tx)
                    .await?;
                open_position!(tx, id, p);
            }
            if p.account_id != current.account_id {
                sqlx::query(
                    "update reporting_line set valid_to = $2
                     where (person_id = $1 or manager_id = $1) and valid_to is null and valid_from <= $2",
                )
                .bind(id)
                .bind(p.since)
                .execute(&mut *tx)
                .await?;
                // Our ties and the competitors' go with them: at the new account
                // they are a door. Ties with former colleagues stay where they
                // are, and now cross accounts.
                sqlx::query(
                    "update assessment set account_id = $2 where relationship_id in (
                         select relationship_id from relationship
                         where person_id = $1 and (employee_id is not null or competitor_id is not null))",
                )
                .bind(id)
                .bind(p.account_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "update relationship set account_id = $2
                     where person_id = $1 and (employee_id is not null or competitor_id is not null)",
                )
                .bind(id)
                .bind(p.account_id)
                .execute(&mut *tx)
                .await?;
                bump_account!(tx, self.reach("account", p.account_id, p.account_id)?);
            }
            bump_account!(tx, self.reach("account", current.account_id, current.account_id)?);
            let after = current_row!(self, tx, Person, "person", "person", id);
            audit!(self, tx, Change::new("update person", "person", id).account(current.account_id).people([id]).before(&current).after(&after));
        });
        self.person_required(id).await
    }

    /// Adds a reporting line. A new solid line ends the person's current solid line
    /// on its start date (one solid manager at a time); dotted lines accumulate.
    /// Refuses lines across accounts and solid lines that would close a loop.
    #[tracing::instrument(skip(self))]
    pub async fn set_reporting_line(&self, input: &ReportingLineInput) -> Result<ReportingLine> {
        let line = input.validate()?;
        let id = new_id();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let person = current_row!(self, tx, Person, "person", "person", line.person_id);
            let manager = sqlx::query_as::<_, Person>("select * from person where person_id = $1")
                .bind(line.manager_id)
                .fetch_optional(&mut *tx)
                .await?
                .filter(|m| self.scope().allows(m.account_id))
                .ok_or_else(|| Error::not_found("person", format!("{} (in managerId)", line.manager_id)))?;
            if person.account_id != manager.account_id {
                return Err(Error::invalid("managerId", "the manager works at another account"));
            }
            if line.kind == LineKind::Solid {
                // Walk up from the manager along solid lines; meeting the person means a loop.
                let mut cursor = line.manager_id;
                for _ in 0..10_000 {
                    if cursor == line.person_id {
                        return Err(Error::Conflict(format!(
                            "{} already reports (directly or not) to {}; a solid line back would make a loop",
                            manager.name, person.name
                        )));
                    }
                    let up: Option<Uuid> = sqlx::query_scalar(
                        "select manager_id from reporting_line
                         where person_id = $1 and kind = 'solid' and valid_from <= $2
                           and (valid_to is null or valid_to > $2)",
                    )
                    .bind(cursor)
                    .bind(line.valid_from)
                    .fetch_optional(&mut *tx)
                    .await?;
                    match up {
                        Some(next) => cursor = next,
                        None => break,
                    }
                }
                sqlx::query(
                    "update reporting_line set valid_to = $2
                     where person_id = $1 and kind = 'solid' and valid_to is null and valid_from <= $2",
                )
                .bind(line.person_id)
                .bind(line.valid_from)
                .execute(&mut *tx)
                .await?;
            } else {
                let dup: i64 = sqlx::query_scalar(
                    "select count(*) from reporting_line
                     where person_id = $1 and manager_id = $2 and kind = 'dotted' and valid_to is null",
                )
                .bind(line.person_id)
                .bind(line.manager_id)
                .fetch_one(&mut *tx)
                .await?;
                if dup > 0 {
                    return Err(Error::Conflict(format!(
                        "{} already has a dotted line to {}",
                        person.name, manager.name
                    )));
                }
            }
            sqlx::query(
                "insert into reporting_line (reporting_line_id, account_id, person_id, manager_id, kind, valid_from, valid_to)
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(person.account_id)
            .bind(line.person_id)
            .bind(line.manager_id)
            .bind(line.kind.as_str())
            .bind(line.valid_from)
            .bind(line.valid_to)
            .execute(&mut *tx)
            .await?;
            bump_account!(tx, self.reach("account", person.account_id, person.account_id)?);
            let after = current_row!(self, tx, ReportingLine, "reporting_line", "reporting line", id);
            audit!(self, tx, Change::new("set reporting line", "reporting line", id)
                .account(person.account_id)
                .people([line.person_id, line.manager_id])
                .after(&after));
        });
        self.reporting_line_required(id).await
    }

    /// Ends a reporting line on `valid_to` (today if `None`).
    pub async fn end_reporting_line(
        &self,
        id: Uuid,
        valid_to: Option<Date>,
    ) -> Result<ReportingLine> {
        let end = valid_to.unwrap_or_else(today);
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let line = sqlx::query_as::<_, ReportingLine>(
                "select * from reporting_line where reporting_line_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .filter(|l| self.scope().allows(l.account_id))
            .ok_or_else(|| Error::not_found("reporting line", id))?;
            if end < line.valid_from {
                return Err(Error::invalid(
                    "validTo",
                    format!("the line began on {}; it cannot end before that", line.valid_from),
                ));
            }
            sqlx::query("update reporting_line set valid_to = $2 where reporting_line_id = $1")
                .bind(id)
                .bind(end)
                .execute(&mut *tx)
                .await?;
            bump_account!(tx, self.reach("account", line.account_id, line.account_id)?);
            let after = current_row!(self, tx, ReportingLine, "reporting_line", "reporting line", id);
            audit!(self, tx, Change::new("end reporting line", "reporting line", id)
                .account(line.account_id)
                .people([line.person_id, line.manager_id])
                .before(&line)
                .after(&after));
        });
        self.reporting_line_required(id).await
    }

    async fn reporting_line_required(&self, id: Uuid) -> Result<ReportingLine> {
        with_pool!(self, pool => sqlx::query_as::<_, ReportingLine>(
            "select * from reporting_line where reporting_line_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .filter(|l| self.scope().allows(l.account_id))
        .ok_or_else(|| Error::not_found("reporting line", id)))
    }
}
