//! Writing an export back: every row by id, insert or update, in one transaction.

use uuid::Uuid;

use super::{bump_org, relationships::ends_key, with_pool, write_tx, Store};
use crate::{
    domain::normalise_organisation,
    transfer::{import::ends, tables::*, Export},
    Error, Result,
};

/// A database refusal of one row, named by its place in the file.
fn row_error(e: sqlx::Error, list: &str, i: usize) -> Error {
    let path = format!("{list}[{i}]");
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            sqlx::error::ErrorKind::ForeignKeyViolation => Error::invalid(
                path,
                "refers to a record that is neither in the file nor in the database",
            ),
            sqlx::error::ErrorKind::UniqueViolation => Error::Conflict(format!(
                "{path} clashes with a different record already stored (same name, e-mail or ends)"
            )),
            sqlx::error::ErrorKind::CheckViolation | sqlx::error::ErrorKind::NotNullViolation => {
                Error::invalid(
                    path,
                    "breaks a rule of the data model (a range or a required value)",
                )
            }
            _ => Error::Storage(e),
        },
        _ => Error::Storage(e),
    }
}

/// Upserts every row of one list that is new or differs from the stored one;
/// `extra` binds derived columns after the row's own. Counts what it found.
macro_rules! put {
    ($tx:ident, $changes:ident, $rows:expr, $ty:ty, $list:literal) => {
        put!($tx, $changes, $rows, $ty, $list, [], |_row| []);
    };
    ($tx:ident, $changes:ident, $rows:expr, $ty:ty, $list:literal, [$($col:literal),*], |$row:ident| [$($extra:expr),*]) => {{
        let sql = <$ty>::upsert(&[$($col),*]);
        let find = <$ty>::select_by_key();
        let mut change = TableChange { table: <$ty>::TABLE, ..Default::default() };
        for (i, $row) in $rows.iter().enumerate() {
            let stored: Option<$ty> = $row
                .bind_key(sqlx::query_as::<_, $ty>(&find))
                .fetch_optional(&mut *$tx)
                .await
                .map_err(|e| row_error(e, $list, i))?;
            match stored {
                Some(s) if s == *$row => {
                    change.unchanged += 1;
                    continue;
                }
                Some(_) => change.changed += 1,
                None => change.new += 1,
            }
            $row.bind(sqlx::query(&sql))
                $(.bind($extra))*
                .execute(&mut *$tx)
                .await
                .map_err(|e| row_error(e, $list, i))?;
        }
        $changes.push(change);
    }};
}

/// What an import found in one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableChange {
    pub table: &'static str,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl Store {
    /// Rows of one table for an export: `sql` selects them (with `$1` the account
    /// when `account` is given).
    pub async fn dump<T>(&self, sql: &str, account: Option<Uuid>) -> Result<Vec<T>>
    where
        T: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        with_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, T>(sql);
            if let Some(a) = account {
                q = q.bind(a);
            }
            Ok(q.fetch_all(pool).await?)
        })
    }

    /// Writes an export's rows that are new or changed; a refused row rolls
    /// everything back, and so does `dry_run` after counting.
    pub async fn restore(&self, data: &Export, dry_run: bool) -> Result<Vec<TableChange>> {
        let mut changes: Vec<TableChange> = Vec::new();
        write_tx!(self, tx => {
            put!(tx, changes, data.employees, EmployeeRow, "employees");
            put!(tx, changes, data.competitors, CompetitorRow, "competitors", ["name_key"], |r| [normalise_organisation(&r.name)]);
            put!(tx, changes, data.support_resources, SupportResourceRow, "supportResources");
            put!(tx, changes, data.accounts, AccountRow, "accounts", ["name_key"], |r| [normalise_organisation(&r.name)]);
            put!(tx, changes, data.people, PersonRow, "people");
            put!(tx, changes, data.positions, PositionRow, "positions");
            put!(tx, changes, data.reporting_lines, ReportingLineRow, "reportingLines");
            put!(tx, changes, data.opportunities, OpportunityRow, "opportunities");
            put!(tx, changes, data.stage_changes, StageChangeRow, "stageChanges");
            put!(tx, changes, data.opportunity_competitors, OpportunityCompetitorRow, "opportunityCompetitors");
            put!(tx, changes, data.team_members, TeamMemberRow, "teamMembers");
            put!(tx, changes, data.decision_chain_members, ChainMemberRow, "decisionChainMembers");
            put!(tx, changes, data.relationships, RelationshipRow, "relationships", ["ends_key"], |r| [
                ends(r).map(|e| ends_key(&e)).unwrap_or_default()
            ]);
            put!(tx, changes, data.assessments, AssessmentRow, "assessments");
            put!(tx, changes, data.interactions, InteractionRow, "interactions");
            put!(tx, changes, data.interaction_employees, InteractionEmployeeRow, "interactionEmployees");
            put!(tx, changes, data.interaction_people, InteractionPersonRow, "interactionPeople");
            put!(tx, changes, data.support_requests, SupportRequestRow, "supportRequests");
            put!(tx, changes, data.win_step_ticks, WinStepTickRow, "winStepTicks");
            put!(tx, changes, data.qualification_answers, AnswerRow, "qualificationAnswers");
            put!(tx, changes, data.plan_item_ticks, PlanItemTickRow, "planItemTicks");
            put!(tx, changes, data.forecast_snapshots, ForecastSnapshotRow, "forecastSnapshots");
            if dry_run {
                // Dropping the transaction undoes everything counted above.
                return Ok(changes);
            }
            if changes.iter().any(|c| c.new + c.changed > 0) {
                // Every cached graph and norm may be stale now.
                sqlx::query("update account set version = version + 1")
                    .execute(&mut *tx)
                    .await?;
                bump_org!(tx);
            }
        });
        Ok(changes)
    }
}
