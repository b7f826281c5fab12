use uuid::Uuid;

use super::{
    account_of, at_account,
    audit::{audit, Change},
    bump_account, bump_org, check_revision, current_row, must_exist, new_id, now, revised,
    with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{
        DecisionChainMember, MemberInput, Opportunity, OpportunityInput, OpportunityPatch, Outcome,
        StageChange, TeamMember, ValidMember,
    },
    Error, Result,
};

/// Replaces an opportunity's team inside the current transaction.
macro_rules! replace_team {
    ($tx:ident, $opportunity:expr, $account:expr, $team:expr) => {{
        sqlx::query("delete from opportunity_team_member where opportunity_id = $1")
            .bind($opportunity)
            .execute(&mut *$tx)
            .await?;
        for (i, m) in $team.iter().enumerate() {
            must_exist!($tx, "employee", "employee", m.employee_id, format!("team[{i}].employeeId"))?;
            sqlx::query(
                "insert into opportunity_team_member (opportunity_id, employee_id, account_id, role)
                 values ($1, $2, $3, $4)",
            )
            .bind($opportunity)
            .bind(m.employee_id)
            .bind($account)
            .bind(&m.role)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Adds a line to an opportunity's history, in the transaction.
macro_rules! record_stage_change {
    ($tx:ident, $opportunity:expr, $account:expr, $o:expr, $version:expr, $at:expr) => {
        sqlx::query(
            "insert into stage_change (stage_change_id, opportunity_id, account_id, stage, outcome,
                    entered_on, changed_by, methodology_version, recorded_at, override_reason)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind($opportunity)
        .bind($account)
        .bind(&$o.stage)
        .bind($o.outcome.as_str())
        .bind($o.changed_on)
        .bind($o.changed_by)
        .bind(&$version)
        .bind($at)
        .bind(&$o.override_reason)
        .execute(&mut *$tx)
        .await?;
    };
}

/// Puts competitors in play on an opportunity, checking each exists.
macro_rules! add_competitors {
    ($tx:ident, $opportunity:expr, $account:expr, $competitors:expr) => {
        for (i, c) in $competitors.enumerate() {
            must_exist!($tx, "competitor", "competitor", *c, format!("competitorIds[{i}]"))?;
            sqlx::query(
                "insert into opportunity_competitor (opportunity_id, competitor_id, account_id) values ($1, $2, $3)",
            )
            .bind($opportunity)
            .bind(*c)
            .bind($account)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

/// An opportunity's decision chain as it stands in the transaction.
macro_rules! chain_in {
    ($tx:ident, $opportunity:expr) => {
        sqlx::query_as::<_, DecisionChainMember>(
            "select * from decision_chain_member where opportunity_id = $1 order by person_id",
        )
        .bind($opportunity)
        .fetch_all(&mut *$tx)
        .await?
    };
}

impl Store {
    /// Our employees working a deal, by name.
    pub async fn opportunity_team(&self, opportunity_id: Uuid) -> Result<Vec<TeamMember>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, TeamMember>(
            "select t.opportunity_id, t.employee_id, t.role from opportunity_team_member t
             join employee e on e.employee_id = t.employee_id
             where t.opportunity_id = $1 order by e.name, t.employee_id",
        )
        .bind(opportunity_id)
        .fetch_all(pool)
        .await?))
    }

    pub async fn opportunity(&self, id: Uuid) -> Result<Option<Opportunity>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, Opportunity>(
            "select * from opportunity where opportunity_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(self.visible(found))
    }

    pub async fn opportunity_required(&self, id: Uuid) -> Result<Opportunity> {
        self.opportunity(id)
            .await?
            .ok_or_else(|| Error::not_found("opportunity", id))
    }

    pub async fn opportunities_of_account(&self, account_id: Uuid) -> Result<Vec<Opportunity>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Opportunity>(
            "select * from opportunity where account_id = $1 order by created_at, opportunity_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    pub async fn stage_history(&self, opportunity_id: Uuid) -> Result<Vec<StageChange>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, StageChange>(
            "select * from stage_change where opportunity_id = $1 order by entered_on, recorded_at",
        )
        .bind(opportunity_id)
        .fetch_all(pool)
        .await?))
    }

    pub async fn decision_chain(&self, opportunity_id: Uuid) -> Result<Vec<DecisionChainMember>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, DecisionChainMember>(
            "select m.* from decision_chain_member m join person p on p.person_id = m.person_id
             where m.opportunity_id = $1 order by p.name, m.member_id",
        )
        .bind(opportunity_id)
        .fetch_all(pool)
        .await?))
    }

    /// Creates an opportunity with its first stage in the history.
    #[tracing::instrument(skip(self))]
    pub async fn create_opportunity(&self, input: &OpportunityInput) -> Result<Opportunity> {
        let o = input.validate(&self.methodology)?;
        let id = new_id();
        let at = now();
        let version = self.methodology.version.clone();
        self.reach_field("account", o.account_id, "accountId")?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            must_exist!(tx, "account", "account", o.account_id, "accountId")?;
            if let Some(owner) = o.owner_id {
                must_exist!(tx, "employee", "employee", owner, "ownerId")?;
            }
            if let Some(by) = o.changed_by {
                must_exist!(tx, "employee", "employee", by, "changedBy")?;
            }
            sqlx::query(
                "insert into opportunity (opportunity_id, account_id, name, amount_minor, currency, stage,
                        expected_sign_date, outcome, owner_id, note, methodology_version, created_at, updated_at,
                        budget_status, budget_amount_minor, budget_confirmed_on, compelling_event, compelling_event_by)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17)",
            )
            .bind(id)
            .bind(o.account_id)
            .bind(o.name.as_ref())
            .bind(o.amount.minor())
            .bind(&o.currency)
            .bind(&o.stage)
            .bind(o.expected_sign_date)
            .bind(o.outcome.as_str())
            .bind(o.owner_id)
            .bind(&o.note)
            .bind(&version)
            .bind(at)
            .bind(o.budget_status.as_str())
            .bind(o.budget_amount.map(|a| a.minor()))
            .bind(o.budget_confirmed_on)
            .bind(&o.compelling_event)
            .bind(o.compelling_event_by)
            .execute(&mut *tx)
            .await?;
            record_stage_change!(tx, id, o.account_id, o, version, at);
            add_competitors!(tx, id, o.account_id, o.competitor_ids.iter().flatten());
            if let Some(team) = &o.team {
                replace_team!(tx, id, o.account_id, team);
            }
            bump_account!(tx, self.reach("account", o.account_id, o.account_id)?);
            if o.outcome != Outcome::Open {
                // History changed: every account's stall norms may move.
                bump_org!(tx);
            }
            let after = current_row!(self, tx, Opportunity, "opportunity", "opportunity", id);
            audit!(self, tx, Change::new("create opportunity", "opportunity", id).account(o.account_id).after(&after));
        });
        self.opportunity_required(id).await
    }

    /// Changes an opportunity; a new stage or outcome adds a line to its history.
    #[tracing::instrument(skip(self))]
    pub async fn update_opportunity(
        &self,
        id: Uuid,
        patch: OpportunityPatch,
    ) -> Result<Opportunity> {
        let version = self.methodology.version.clone();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, Opportunity, "opportunity", "opportunity", id);
            check_revision(&current, expected, "opportunity", id)?;
            let o = current.patched(patch).validate(&self.methodology)?;
            if let Some(owner) = o.owner_id {
                must_exist!(tx, "employee", "employee", owner, "ownerId")?;
            }
            if let Some(by) = o.changed_by {
                must_exist!(tx, "employee", "employee", by, "changedBy")?;
            }
            let moved = o.stage != current.stage || o.outcome.as_str() != current.outcome;
            if moved {
                let last: Option<time::Date> = sqlx::query_scalar(
                    "select max(entered_on) from stage_change where opportunity_id = $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                if let Some(last) = last {
                    if o.changed_on < last {
                        return Err(Error::invalid(
                            "changedOn",
                            format!("the history already has a change on {last}; a later change cannot be dated earlier"),
                        ));
                    }
                }
            }
            let done = sqlx::query(
                "update opportunity set revision = revision + 1, name = $2, amount_minor = $3, currency = $4, stage = $5,
                        expected_sign_date = $6, outcome = $7, owner_id = $8, note = $9,
                        methodology_version = $10, updated_at = $11,
                        budget_status = $13, budget_amount_minor = $14, budget_confirmed_on = $15,
                        compelling_event = $16, compelling_event_by = $17
                 where opportunity_id = $1 and revision = $12",
            )
            .bind(id)
            .bind(o.name.as_ref())
            .bind(o.amount.minor())
            .bind(&o.currency)
            .bind(&o.stage)
            .bind(o.expected_sign_date)
            .bind(o.outcome.as_str())
            .bind(o.owner_id)
            .bind(&o.note)
            .bind(if moved { &version } else { &current.methodology_version })
            .bind(now())
            .bind(current.revision)
            .bind(o.budget_status.as_str())
            .bind(o.budget_amount.map(|a| a.minor()))
            .bind(o.budget_confirmed_on)
            .bind(&o.compelling_event)
            .bind(o.compelling_event_by)
            .execute(&mut *tx)
            .await?;
            revised!(self, tx, done, Opportunity, "opportunity", "opportunity", id, expected.unwrap_or(current.revision))?;
            if moved {
                record_stage_change!(tx, id, current.account_id, o, version, now());
            }
            if let Some(competitors) = &o.competitor_ids {
                sqlx::query("delete from opportunity_competitor where opportunity_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                add_competitors!(tx, id, current.account_id, competitors.iter());
            }
            if let Some(team) = &o.team {
                replace_team!(tx, id, current.account_id, team);
            }
            bump_account!(tx, self.reach("account", current.account_id, current.account_id)?);
            if moved && (o.outcome != Outcome::Open || current.outcome != Outcome::Open.as_str()) {
                // A deal closed or reopened: every account's stall norms may move.
                bump_org!(tx);
            }
            let after = current_row!(self, tx, Opportunity, "opportunity", "opportunity", id);
            audit!(self, tx, Change::new("update opportunity", "opportunity", id)
                .account(current.account_id)
                .before(&current)
                .after(&after));
        });
        self.opportunity_required(id).await
    }

    /// Adds people to an opportunity's decision chain or changes their part, all
    /// rows or none. With `replace`, people not listed leave the chain.
    #[tracing::instrument(skip(self, members), fields(rows = members.len()))]
    pub async fn set_decision_chain(
        &self,
        opportunity_id: Uuid,
        members: &[MemberInput],
        replace: bool,
    ) -> Result<Vec<DecisionChainMember>> {
        let valid = members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                m.validate(&self.methodology)
                    .map_err(|e| e.in_field(&format!("members[{i}]")))
            })
            .collect::<Result<Vec<ValidMember>>>()?;
        let mut seen = std::collections::HashSet::new();
        for (i, m) in valid.iter().enumerate() {
            if !seen.insert(m.person_id) {
                return Err(Error::invalid(
                    format!("members[{i}].personId"),
                    "this person is listed twice; give each person one role",
                ));
            }
        }
        if let Some(second) = valid.iter().enumerate().filter(|(_, m)| m.primary).nth(1) {
            return Err(Error::invalid(
                format!("members[{}].primary", second.0),
                "a deal has one primary contact; another member is marked primary",
            ));
        }
        let at = now();
        let granted = self.grant(Need::Write)?;
        let (account_id, people) = write_tx!(granted, self, tx => {
            let account_id = account_of!(self, tx, "opportunity", "opportunity", opportunity_id, "opportunityId")?;
            let before = chain_in!(tx, opportunity_id);
            // A new primary contact takes over from the one before.
            if valid.iter().any(|m| m.primary) {
                sqlx::query("update decision_chain_member set is_primary = $1 where opportunity_id = $2")
                    .bind(false)
                    .bind(opportunity_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if replace {
                sqlx::query("delete from decision_chain_member where opportunity_id = $1")
                    .bind(opportunity_id)
                    .execute(&mut *tx)
                    .await?;
            }
            for (i, m) in valid.iter().enumerate() {
                at_account!(
                    self,
                    tx,
                    "person",
                    "person",
                    m.person_id,
                    format!("members[{i}].personId"),
                    account_id,
                    "this person works at another account than the opportunity's"
                )?;
                if let Some(c) = m.favoured_competitor_id {
                    must_exist!(tx, "competitor", "competitor", c, format!("members[{i}].favouredCompetitorId"))?;
                }
                sqlx::query(
                    "delete from decision_chain_member where opportunity_id = $1 and person_id = $2",
                )
                .bind(opportunity_id)
                .bind(m.person_id)
                .execute(&mut *tx)
                .await?;
                // A member listed again with the same judgement keeps when and by
                // whom it was made; a changed one is recorded as judged now.
                let kept = before.iter().find(|b| {
                    b.person_id == m.person_id
                        && b.is_primary == m.primary
                        && b.buying_role == m.buying_role
                        && b.influence == m.influence.map(|i| i.value())
                        && b.attitude == m.attitude.value()
                        && b.favoured_competitor_id == m.favoured_competitor_id
                        && b.note == m.note
                });
                let (when, by, source) = match kept {
                    Some(b) => (b.updated_at, b.recorded_by.clone(), b.source.clone()),
                    None => (at, Some(self.author().1), "judgement".to_owned()),
                };
                sqlx::query(
                    "insert into decision_chain_member (member_id, opportunity_id, account_id, person_id, buying_role,
                            influence, attitude, favoured_competitor_id, note, updated_at, recorded_by, source, is_primary)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(new_id())
                .bind(opportunity_id)
                .bind(account_id)
                .bind(m.person_id)
                .bind(&m.buying_role)
                .bind(m.influence.map(|i| i.value()))
                .bind(m.attitude.value())
                .bind(m.favoured_competitor_id)
                .bind(&m.note)
                .bind(when)
                .bind(by)
                .bind(source)
                .bind(m.primary)
                .execute(&mut *tx)
                .await?;
            }
            bump_account!(tx, self.reach("account", account_id, account_id)?);
            let after = chain_in!(tx, opportunity_id);
            let people: Vec<Uuid> = valid.iter().map(|m| m.person_id).collect();
            audit!(self, tx, Change::new("set decision chain", "opportunity", opportunity_id)
                .account(account_id)
                .people(before.iter().chain(&after).map(|m| m.person_id))
                .before(&before)
                .after(&after));
            (account_id, people)
        });
        self.announce_plan(account_id, opportunity_id, people).await;
        self.decision_chain(opportunity_id).await
    }

    /// Takes a person out of an opportunity's decision chain.
    pub async fn remove_decision_chain_member(
        &self,
        opportunity_id: Uuid,
        person_id: Uuid,
    ) -> Result<()> {
        let granted = self.grant(Need::Write)?;
        let account_id = write_tx!(granted, self, tx => {
            let before = chain_in!(tx, opportunity_id);
            let account_id: Option<Uuid> = sqlx::query_scalar(
                "select account_id from decision_chain_member where opportunity_id = $1 and person_id = $2",
            )
            .bind(opportunity_id)
            .bind(person_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(account_id) = account_id.filter(|a| self.scope().allows(*a)) else {
                return Err(Error::not_found(
                    "decision-chain member",
                    format!("person {person_id} in opportunity {opportunity_id}"),
                ));
            };
            sqlx::query("delete from decision_chain_member where opportunity_id = $1 and person_id = $2")
                .bind(opportunity_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            bump_account!(tx, self.reach("account", account_id, account_id)?);
            let after = chain_in!(tx, opportunity_id);
            audit!(self, tx, Change::new("remove decision-chain member", "opportunity", opportunity_id)
                .account(account_id)
                .people([person_id])
                .before(&before)
                .after(&after));
            account_id
        });
        self.announce_plan(account_id, opportunity_id, vec![person_id])
            .await;
        Ok(())
    }
}
