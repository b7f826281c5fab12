//! Deleting and restoring records. A deletion takes the record and everything
//! that hangs on it out of the live tables in one transaction and keeps those
//! rows, in guanxi's own export format, in `deleted_record` until the deletion
//! window (30 days unless the server is told otherwise) has passed; then they are
//! purged. Reads, scores, paths, reports and exports need no filter: what is
//! deleted is not in the tables they read. A restore writes the rows back,
//! parents first.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    bump_account, bump_org, new_id, now, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{ImprovementPoint, Interaction, Opportunity, Person, Relationship},
    store::tables::{
        AnswerRow, AssessmentRow, ChainMemberRow, ExternalIdRow, ForecastSnapshotRow,
        ImprovementPointRow, InteractionEmployeeRow, InteractionPersonRow, InteractionRow,
        OpportunityCompetitorRow, OpportunityRow, PersonRow, PositionRow, RelationshipRow,
        ReportingLineRow, StageChangeRow, SupportRequestRow, TeamMemberRow, WinStepTickRow,
    },
    store::Export,
    Error, Result,
};

/// How long deleted records stay restorable unless `--keep-deleted` says otherwise.
pub const DEFAULT_DELETION_WINDOW: std::time::Duration =
    std::time::Duration::from_secs(30 * 24 * 3600);

/// What can be deleted and restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletable {
    Person,
    Relationship,
    Interaction,
    ImprovementPoint,
    Opportunity,
}

impl Deletable {
    pub fn as_str(self) -> &'static str {
        match self {
            Deletable::Person => "person",
            Deletable::Relationship => "relationship",
            Deletable::Interaction => "interaction",
            Deletable::ImprovementPoint => "improvement_point",
            Deletable::Opportunity => "opportunity",
        }
    }

    /// As error messages and the audit trail name it.
    pub fn noun(self) -> &'static str {
        match self {
            Deletable::Person => "person",
            Deletable::Relationship => "relationship",
            Deletable::Interaction => "interaction",
            Deletable::ImprovementPoint => "improvement point",
            Deletable::Opportunity => "opportunity",
        }
    }

    fn parse(s: &str) -> Option<Deletable> {
        [
            Deletable::Person,
            Deletable::Relationship,
            Deletable::Interaction,
            Deletable::ImprovementPoint,
            Deletable::Opportunity,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// A deleted record, restorable until `purge_after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedRecord {
    pub entity: Deletable,
    pub record_id: Uuid,
    pub account_id: Option<Uuid>,
    /// What it was, as people name it (a person's name, a deal's, a tie's ends).
    pub label: String,
    pub deleted_at: OffsetDateTime,
    pub deleted_by: String,
    pub purge_after: OffsetDateTime,
    /// Rows taken out with it, per table.
    pub rows: Vec<(&'static str, usize)>,
}

#[derive(sqlx::FromRow)]
struct DeletedRow {
    deleted_record_id: Uuid,
    entity: String,
    record_id: Uuid,
    account_id: Option<Uuid>,
    label: String,
    deleted_at: OffsetDateTime,
    deleted_by: String,
    /// Unix seconds, so both backends compare them as numbers.
    purge_after: i64,
    rows_json: String,
}

/// What a deletion took out, to be put back.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Taken {
    rows: Export,
    /// Interactions a deleted deal was unlinked from (they stay, at the account).
    #[serde(default)]
    relink_interactions: Vec<Uuid>,
}

impl Taken {
    fn counts(&self) -> Vec<(&'static str, usize)> {
        let mut out = Vec::new();
        macro_rules! count {
            ($($field:ident: $row:ty = $list:literal),+ $(,)?) => {
                $(if !self.rows.$field.is_empty() {
                    out.push(($list, self.rows.$field.len()));
                })+
            };
        }
        super::each_list!(count);
        if !self.relink_interactions.is_empty() {
            out.push(("unlinkedInteractions", self.relink_interactions.len()));
        }
        out
    }
}

/// Rows of `$row` the statement selects (`$1` the id), for the bin.
macro_rules! take {
    ($tx:ident, $row:ty, $sql:expr, $id:expr) => {
        sqlx::query_as::<_, $row>($sql)
            .bind($id)
            .fetch_all(&mut *$tx)
            .await?
    };
}

/// Runs each statement with `$1` bound to the id, in order (children first).
macro_rules! remove {
    ($tx:ident, $id:expr, [$($sql:expr),+ $(,)?]) => {{
        $(sqlx::query($sql).bind($id).execute(&mut *$tx).await?;)+
    }};
}

/// Keeps what was taken in the bin, and purges what is past its window.
macro_rules! keep {
    ($store:expr, $tx:ident, $entity:expr, $id:expr, $account:expr, $label:expr, $taken:expr) => {{
        let at = now();
        let until = (at + $store.deletion_window()).unix_timestamp();
        let json = serde_json::to_string(&$taken).map_err(|e| Error::Internal(e.into()))?;
        sqlx::query("delete from deleted_record where purge_after < $1")
            .bind(at.unix_timestamp())
            .execute(&mut *$tx)
            .await?;
        sqlx::query(
            "insert into deleted_record (deleted_record_id, entity, record_id, account_id, label,
                    deleted_at, deleted_by, purge_after, rows_json)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind($entity.as_str())
        .bind($id)
        .bind($account)
        .bind($label)
        .bind(at)
        .bind($store.author().1)
        .bind(until)
        .bind(json)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// The insert-or-update of one row of `R`.
fn upsert_one<R: super::tables::Table>(_: &R) -> String {
    R::upsert(1)
}

/// Writes the rows back, in the order given (referenced tables first).
macro_rules! put_back {
    ($tx:ident, $rows:expr, [$($field:ident),+ $(,)?]) => {{
        $(for r in &$rows.$field {
            let sql = upsert_one(r);
            r.bind_all(sqlx::query(&sql)).execute(&mut *$tx).await?;
        })+
    }};
}

const PERSON_TIES: &str =
    "select relationship_id from relationship where person_id = $1 or other_person_id = $1";

impl Store {
    /// How long a deleted record stays restorable.
    pub fn deletion_window(&self) -> time::Duration {
        let secs = self
            .deletion_window
            .load(std::sync::atomic::Ordering::Relaxed);
        time::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// Sets how long deleted records stay restorable (`--keep-deleted`).
    pub fn set_deletion_window(&self, window: std::time::Duration) {
        self.deletion_window
            .store(window.as_secs(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Deletes a customer person with their ties (and those ties' assessments),
    /// positions, reporting lines both ways, places in decision chains and
    /// presence at interactions (the interactions stay).
    #[tracing::instrument(skip(self))]
    pub async fn delete_person(&self, id: Uuid) -> Result<Person> {
        let person = self
            .person(id)
            .await?
            .ok_or_else(|| Error::not_found("person", id))?;
        let ties_sql = format!("relationship_id in ({PERSON_TIES})");
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            bump_account!(tx, self.reach("account", person.account_id, person.account_id)?);
            let mut t = Taken { rows: Export::empty(&self.methodology.version), ..Taken::default() };
            t.rows.people = take!(tx, PersonRow, "select * from person where person_id = $1", id);
            if t.rows.people.is_empty() {
                return Err(Error::not_found("person", id));
            }
            t.rows.positions = take!(tx, PositionRow, "select * from position where person_id = $1", id);
            t.rows.reporting_lines = take!(tx, ReportingLineRow, "select * from reporting_line where person_id = $1 or manager_id = $1", id);
            t.rows.decision_chain_members = take!(tx, ChainMemberRow, "select * from decision_chain_member where person_id = $1", id);
            t.rows.relationships = take!(tx, RelationshipRow, &format!("select * from relationship where {ties_sql}"), id);
            t.rows.assessments = take!(tx, AssessmentRow, &format!("select * from assessment where {ties_sql}"), id);
            t.rows.interaction_people = take!(tx, InteractionPersonRow, "select * from interaction_person where person_id = $1", id);
            t.rows.external_ids = take!(tx, ExternalIdRow, &format!("select * from external_id where record_id = $1 or record_id in ({PERSON_TIES})"), id);
            remove!(tx, id, [
                &format!("delete from external_id where record_id = $1 or record_id in ({PERSON_TIES})"),
                "delete from interaction_person where person_id = $1",
                "delete from decision_chain_member where person_id = $1",
                &format!("delete from assessment where {ties_sql}"),
                "delete from relationship where person_id = $1 or other_person_id = $1",
                "delete from reporting_line where person_id = $1 or manager_id = $1",
                "delete from position where person_id = $1",
                "delete from person where person_id = $1",
            ]);
            keep!(self, tx, Deletable::Person, id, Some(person.account_id), &person.name, t);
            audit!(self, tx, Change::new("delete person", "person", id)
                .account(person.account_id)
                .people([id])
                .before(&person)
                .after(&serde_json::json!({ "deleted": t.counts().into_iter().collect::<std::collections::BTreeMap<_, _>>() })));
        });
        Ok(person)
    }

    /// Deletes a tie with its assessments.
    #[tracing::instrument(skip(self))]
    pub async fn delete_relationship(&self, id: Uuid) -> Result<Relationship> {
        let tie = self
            .relationship(id)
            .await?
            .ok_or_else(|| Error::not_found("relationship", id))?;
        let label = self.tie_label(id).await?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            match tie.account_id {
                Some(a) => { bump_account!(tx, self.reach("account", a, a)?); }
                None => {
                    self.org_write("deleting a tie between two of our employees")?;
                    bump_org!(tx);
                }
            }
            let mut t = Taken { rows: Export::empty(&self.methodology.version), ..Taken::default() };
            t.rows.relationships = take!(tx, RelationshipRow, "select * from relationship where relationship_id = $1", id);
            if t.rows.relationships.is_empty() {
                return Err(Error::not_found("relationship", id));
            }
            t.rows.assessments = take!(tx, AssessmentRow, "select * from assessment where relationship_id = $1", id);
            t.rows.external_ids = take!(tx, ExternalIdRow, "select * from external_id where record_id = $1", id);
            remove!(tx, id, [
                "delete from external_id where record_id = $1",
                "delete from assessment where relationship_id = $1",
                "delete from relationship where relationship_id = $1",
            ]);
            keep!(self, tx, Deletable::Relationship, id, tie.account_id, &label, t);
            let people: Vec<Uuid> = tie.person_id.into_iter().chain(tie.other_person_id).collect();
            audit!(self, tx, Change::new("delete relationship", "relationship", id)
                .account(tie.account_id)
                .people(people)
                .before(&tie));
        });
        Ok(tie)
    }

    /// Deletes an interaction with its participants on both sides.
    #[tracing::instrument(skip(self))]
    pub async fn delete_interaction(&self, id: Uuid) -> Result<Interaction> {
        let interaction = self
            .interaction(id)
            .await?
            .ok_or_else(|| Error::not_found("interaction", id))?;
        let people: Vec<Uuid> = self
            .interaction_people(id)
            .await?
            .iter()
            .map(|p| p.person_id)
            .collect();
        let label = format!(
            "{} {}{}",
            interaction.kind,
            interaction.occurred_on,
            interaction
                .subject
                .as_deref()
                .map(|s| format!(" · {s}"))
                .unwrap_or_default()
        );
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            bump_account!(tx, self.reach("account", interaction.account_id, interaction.account_id)?);
            let mut t = Taken { rows: Export::empty(&self.methodology.version), ..Taken::default() };
            t.rows.interactions = take!(tx, InteractionRow, "select * from interaction where interaction_id = $1", id);
            if t.rows.interactions.is_empty() {
                return Err(Error::not_found("interaction", id));
            }
            t.rows.interaction_employees = take!(tx, InteractionEmployeeRow, "select * from interaction_employee where interaction_id = $1", id);
            t.rows.interaction_people = take!(tx, InteractionPersonRow, "select * from interaction_person where interaction_id = $1", id);
            t.rows.external_ids = take!(tx, ExternalIdRow, "select * from external_id where record_id = $1", id);
            remove!(tx, id, [
                "delete from external_id where record_id = $1",
                "delete from interaction_employee where interaction_id = $1",
                "delete from interaction_person where interaction_id = $1",
                "delete from interaction where interaction_id = $1",
            ]);
            keep!(self, tx, Deletable::Interaction, id, Some(interaction.account_id), &label, t);
            audit!(self, tx, Change::new("delete interaction", "interaction", id)
                .account(interaction.account_id)
                .people(people.clone())
                .before(&interaction));
        });
        Ok(interaction)
    }

    /// Deletes an improvement point. Coaches may, as they set them.
    #[tracing::instrument(skip(self))]
    pub async fn delete_improvement_point(&self, id: Uuid) -> Result<ImprovementPoint> {
        let point = self
            .improvement_point(id)
            .await?
            .ok_or_else(|| Error::not_found("improvement point", id))?;
        let label: String = point.text.chars().take(120).collect();
        let granted = self.grant(Need::Coaching)?;
        write_tx!(granted, self, tx => {
            bump_account!(tx, self.reach("account", point.account_id, point.account_id)?);
            let mut t = Taken { rows: Export::empty(&self.methodology.version), ..Taken::default() };
            t.rows.improvement_points = take!(tx, ImprovementPointRow, "select * from improvement_point where improvement_point_id = $1", id);
            if t.rows.improvement_points.is_empty() {
                return Err(Error::not_found("improvement point", id));
            }
            t.rows.external_ids = take!(tx, ExternalIdRow, "select * from external_id where record_id = $1", id);
            remove!(tx, id, [
                "delete from external_id where record_id = $1",
                "delete from improvement_point where improvement_point_id = $1",
            ]);
            keep!(self, tx, Deletable::ImprovementPoint, id, Some(point.account_id), &label, t);
            audit!(self, tx, Change::new("delete improvement point", "improvement point", id)
                .account(point.account_id)
                .before(&point));
        });
        Ok(point)
    }

    /// Deletes a deal with its history: stage changes, competitors, team, decision
    /// chain, win-step ticks, answers, support requests, forecast snapshots and
    /// its improvement points. Its interactions stay at the account, unlinked.
    #[tracing::instrument(skip(self))]
    pub async fn delete_opportunity(&self, id: Uuid) -> Result<Opportunity> {
        let deal = self
            .opportunity(id)
            .await?
            .ok_or_else(|| Error::not_found("opportunity", id))?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            bump_account!(tx, self.reach("account", deal.account_id, deal.account_id)?);
            let mut t = Taken { rows: Export::empty(&self.methodology.version), ..Taken::default() };
            t.rows.opportunities = take!(tx, OpportunityRow, "select * from opportunity where opportunity_id = $1", id);
            if t.rows.opportunities.is_empty() {
                return Err(Error::not_found("opportunity", id));
            }
            t.rows.stage_changes = take!(tx, StageChangeRow, "select * from stage_change where opportunity_id = $1", id);
            t.rows.opportunity_competitors = take!(tx, OpportunityCompetitorRow, "select * from opportunity_competitor where opportunity_id = $1", id);
            t.rows.team_members = take!(tx, TeamMemberRow, "select * from opportunity_team_member where opportunity_id = $1", id);
            t.rows.decision_chain_members = take!(tx, ChainMemberRow, "select * from decision_chain_member where opportunity_id = $1", id);
            t.rows.win_step_ticks = take!(tx, WinStepTickRow, "select * from win_step_tick where opportunity_id = $1", id);
            t.rows.qualification_answers = take!(tx, AnswerRow, "select * from qualification_answer where opportunity_id = $1", id);
            t.rows.support_requests = take!(tx, SupportRequestRow, "select * from support_request where opportunity_id = $1", id);
            t.rows.forecast_snapshots = take!(tx, ForecastSnapshotRow, "select * from forecast_snapshot where opportunity_id = $1", id);
            t.rows.improvement_points = take!(tx, ImprovementPointRow, "select * from improvement_point where opportunity_id = $1", id);
            t.rows.external_ids = take!(tx, ExternalIdRow, "select * from external_id where record_id = $1", id);
            t.relink_interactions = sqlx::query_scalar("select interaction_id from interaction where opportunity_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            remove!(tx, id, [
                "update interaction set opportunity_id = null where opportunity_id = $1",
                "delete from external_id where record_id = $1",
                "delete from improvement_point where opportunity_id = $1",
                "delete from forecast_snapshot where opportunity_id = $1",
                "delete from support_request where opportunity_id = $1",
                "delete from qualification_answer where opportunity_id = $1",
                "delete from win_step_tick where opportunity_id = $1",
                "delete from decision_chain_member where opportunity_id = $1",
                "delete from opportunity_team_member where opportunity_id = $1",
                "delete from opportunity_competitor where opportunity_id = $1",
                "delete from stage_change where opportunity_id = $1",
                "delete from opportunity where opportunity_id = $1",
            ]);
            keep!(self, tx, Deletable::Opportunity, id, Some(deal.account_id), &deal.name, t);
            audit!(self, tx, Change::new("delete opportunity", "opportunity", id)
                .account(deal.account_id)
                .before(&deal));
        });
        Ok(deal)
    }

    /// Puts a deleted record back with everything taken out with it. Refused
    /// (`NOT_FOUND`) once purged; `CONFLICT` when something recorded since
    /// clashes (the same tie recorded again) or what it hangs on is itself
    /// deleted (restore the person before their tie).
    #[tracing::instrument(skip(self))]
    pub async fn restore(&self, entity: Deletable, id: Uuid) -> Result<()> {
        let noun = entity.noun();
        let coaching = entity == Deletable::ImprovementPoint;
        let granted = self.grant(if coaching {
            Need::Coaching
        } else {
            Need::Write
        })?;
        let restored = async {
            write_tx!(granted, self, tx => {
                let found = sqlx::query_as::<_, DeletedRow>(
                    "select * from deleted_record where entity = $1 and record_id = $2 and purge_after >= $3
                     order by deleted_at desc limit 1",
                )
                .bind(entity.as_str())
                .bind(id)
                .bind(now().unix_timestamp())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(found) = found else {
                    return Err(Error::NotFound { entity: noun, id: format!("{id} (among deleted records: never deleted, restored already, or purged)") });
                };
                match found.account_id {
                    Some(a) => { bump_account!(tx, self.reach("account", a, a)?); }
                    None => {
                        self.org_write("restoring a tie between two of our employees")?;
                        bump_org!(tx);
                    }
                }
                // A record entered again under the same id since (a re-import)
                // is not overwritten with the old one.
                let table = match entity {
                    Deletable::Person => "person",
                    Deletable::Relationship => "relationship",
                    Deletable::Interaction => "interaction",
                    Deletable::ImprovementPoint => "improvement_point",
                    Deletable::Opportunity => "opportunity",
                };
                let again: i64 = sqlx::query_scalar(&format!("select count(*) from {table} where {table}_id = $1"))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                if again > 0 {
                    return Err(Error::Conflict(format!("a {noun} with this id was entered again since it was deleted")));
                }
                let taken: Taken = serde_json::from_str(&found.rows_json)
                    .map_err(|e| Error::Internal(anyhow::anyhow!("deleted record {}: {e}", found.deleted_record_id)))?;
                put_back!(tx, taken.rows, [
                    people, positions, reporting_lines, opportunities, stage_changes,
                    opportunity_competitors, team_members, decision_chain_members, relationships,
                    assessments, interactions, interaction_employees, interaction_people,
                    support_requests, win_step_ticks, qualification_answers, forecast_snapshots,
                    improvement_points, external_ids,
                ]);
                for interaction in &taken.relink_interactions {
                    sqlx::query("update interaction set opportunity_id = $2 where interaction_id = $1 and opportunity_id is null")
                        .bind(interaction)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("delete from deleted_record where deleted_record_id = $1")
                    .bind(found.deleted_record_id)
                    .execute(&mut *tx)
                    .await?;
                let action = match entity {
                    Deletable::Person => "restore person",
                    Deletable::Relationship => "restore relationship",
                    Deletable::Interaction => "restore interaction",
                    Deletable::ImprovementPoint => "restore improvement point",
                    Deletable::Opportunity => "restore opportunity",
                };
                let people: Vec<Uuid> = match entity {
                    Deletable::Person => vec![id],
                    _ => Vec::new(),
                };
                audit!(self, tx, Change::new(action, noun, id)
                    .account(found.account_id)
                    .people(people)
                    .after(&serde_json::json!({ "restored": taken.counts().into_iter().collect::<std::collections::BTreeMap<_, _>>(), "deletedAt": found.deleted_at, "deletedBy": found.deleted_by })));
            });
            Ok(())
        }
        .await;
        restored.map_err(|e| match e {
            Error::Conflict(why) => Error::Conflict(format!(
                "the {noun} cannot be restored: {why}; a record it hangs on may be deleted too (restore that first), or the same record was entered again since"
            )),
            other => other,
        })
    }

    /// Deleted records still restorable, newest first: of one account, or (for
    /// callers who reach every account) all.
    pub async fn deleted_records(&self, account: Option<Uuid>) -> Result<Vec<DeletedRecord>> {
        if let Some(a) = account {
            if !self.scope().allows(a) {
                return Ok(Vec::new());
            }
        }
        let rows = with_pool!(self, pool => sqlx::query_as::<_, DeletedRow>(
            "select * from deleted_record where ($1 is null or account_id = $1) and purge_after >= $2
             order by deleted_at desc, deleted_record_id",
        )
        .bind(account)
        .bind(now().unix_timestamp())
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .filter(|r| self.scope().allows_opt(r.account_id))
            .filter_map(|r| {
                let taken: Taken = serde_json::from_str(&r.rows_json).ok()?;
                Some(DeletedRecord {
                    entity: Deletable::parse(&r.entity)?,
                    record_id: r.record_id,
                    account_id: r.account_id,
                    label: r.label,
                    deleted_at: r.deleted_at,
                    deleted_by: r.deleted_by,
                    purge_after: OffsetDateTime::from_unix_timestamp(r.purge_after)
                        .unwrap_or(r.deleted_at),
                    rows: taken.counts(),
                })
            })
            .collect())
    }

    /// Removes for good the deleted records past their window; how many.
    pub async fn purge_deleted(&self) -> Result<u64> {
        let n = with_pool!(self, pool => sqlx::query("delete from deleted_record where purge_after < $1")
            .bind(now().unix_timestamp())
            .execute(pool)
            .await?
            .rows_affected());
        if n > 0 {
            tracing::info!(
                purged = n,
                "deleted records past their window removed for good"
            );
        }
        Ok(n)
    }

    /// Everything stored about one customer person, in guanxi's export format,
    /// for an access request (PIPL art. 45, GDPR art. 15 and 20): their record,
    /// positions, reporting lines, decision-chain places, ties with every
    /// assessment, the interactions they attended, their external ids.
    /// Administrators and the command line only.
    pub async fn personal_data(&self, id: Uuid) -> Result<Export> {
        if self
            .actor()
            .is_some_and(|p| p.role != crate::domain::Role::Admin)
        {
            return Err(Error::Forbidden(
                "a person's data is handed out by administrators".into(),
            ));
        }
        let person = self
            .person(id)
            .await?
            .ok_or_else(|| Error::not_found("person", id))?;
        let ties_sql = format!("relationship_id in ({PERSON_TIES})");
        let mut e = Export::empty(&self.methodology.version);
        e.account = Some(person.account_id);
        with_pool!(self, pool => {
            let tx = pool;
            macro_rules! read {
                ($row:ty, $sql:expr) => {
                    sqlx::query_as::<_, $row>($sql).bind(id).fetch_all(tx).await?
                };
            }
            e.people = read!(PersonRow, "select * from person where person_id = $1");
            e.positions = read!(PositionRow, "select * from position where person_id = $1");
            e.reporting_lines = read!(ReportingLineRow, "select * from reporting_line where person_id = $1 or manager_id = $1");
            e.decision_chain_members = read!(ChainMemberRow, "select * from decision_chain_member where person_id = $1");
            e.relationships = read!(RelationshipRow, &format!("select * from relationship where {ties_sql}"));
            e.assessments = read!(AssessmentRow, &format!("select * from assessment where {ties_sql}"));
            e.interaction_people = read!(InteractionPersonRow, "select * from interaction_person where person_id = $1");
            e.interactions = read!(InteractionRow, "select * from interaction where interaction_id in (select interaction_id from interaction_person where person_id = $1)");
            e.external_ids = read!(ExternalIdRow, "select * from external_id where record_id = $1");
        });
        Ok(e)
    }

    /// A tie as people name it: its two ends.
    async fn tie_label(&self, id: Uuid) -> Result<String> {
        let label: Option<String> = with_pool!(self, pool => sqlx::query_scalar(
            "select coalesce((select name from employee where employee_id = r.employee_id),
                             (select name from competitor where competitor_id = r.competitor_id),
                             (select name from person where person_id = r.person_id), '?')
                    || ' – ' ||
                    coalesce((select name from person where person_id = r.other_person_id),
                             (select name from employee where employee_id = r.other_employee_id),
                             (select name from person where person_id = r.person_id), '?')
             from relationship r where relationship_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(label.unwrap_or_default())
    }
}
