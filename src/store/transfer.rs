//! Writing an export back: every row by id, insert or update, in one transaction.

use super::{bump_org, relationships::ends_key, write_tx, Store};
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

/// Upserts every row of one list; `extra` binds derived columns after the row's own.
macro_rules! put {
    ($tx:ident, $rows:expr, $ty:ty, $list:literal) => {
        put!($tx, $rows, $ty, $list, [], |_row| []);
    };
    ($tx:ident, $rows:expr, $ty:ty, $list:literal, [$($col:literal),*], |$row:ident| [$($extra:expr),*]) => {{
        let sql = <$ty>::upsert(&[$($col),*]);
        for (i, $row) in $rows.iter().enumerate() {
            $row.bind(sqlx::query(&sql))
                $(.bind($extra))*
                .execute(&mut *$tx)
                .await
                .map_err(|e| row_error(e, $list, i))?;
        }
    }};
}

impl Store {
    /// Writes an export's rows; a refused row rolls everything back.
    pub async fn restore(&self, data: &Export) -> Result<()> {
        write_tx!(self, tx => {
            put!(tx, data.employees, EmployeeRow, "employees");
            put!(tx, data.competitors, CompetitorRow, "competitors", ["name_key"], |r| [normalise_organisation(&r.name)]);
            put!(tx, data.support_resources, SupportResourceRow, "supportResources");
            put!(tx, data.accounts, AccountRow, "accounts", ["name_key"], |r| [normalise_organisation(&r.name)]);
            put!(tx, data.people, PersonRow, "people");
            put!(tx, data.positions, PositionRow, "positions");
            put!(tx, data.reporting_lines, ReportingLineRow, "reportingLines");
            put!(tx, data.opportunities, OpportunityRow, "opportunities");
            put!(tx, data.stage_changes, StageChangeRow, "stageChanges");
            put!(tx, data.opportunity_competitors, OpportunityCompetitorRow, "opportunityCompetitors");
            put!(tx, data.team_members, TeamMemberRow, "teamMembers");
            put!(tx, data.decision_chain_members, ChainMemberRow, "decisionChainMembers");
            put!(tx, data.relationships, RelationshipRow, "relationships", ["ends_key"], |r| [
                ends(r).map(|e| ends_key(&e)).unwrap_or_default()
            ]);
            put!(tx, data.assessments, AssessmentRow, "assessments");
            put!(tx, data.interactions, InteractionRow, "interactions");
            put!(tx, data.interaction_employees, InteractionEmployeeRow, "interactionEmployees");
            put!(tx, data.interaction_people, InteractionPersonRow, "interactionPeople");
            put!(tx, data.support_requests, SupportRequestRow, "supportRequests");
            put!(tx, data.win_step_ticks, WinStepTickRow, "winStepTicks");
            put!(tx, data.qualification_answers, AnswerRow, "qualificationAnswers");
            put!(tx, data.plan_item_ticks, PlanItemTickRow, "planItemTicks");
            put!(tx, data.forecast_snapshots, ForecastSnapshotRow, "forecastSnapshots");
            // Every cached graph and norm is stale now.
            sqlx::query("update account set version = version + 1")
                .execute(&mut *tx)
                .await?;
            bump_org!(tx);
        });
        Ok(())
    }
}
