//! Getting business data out of (and, later, into) guanxi in its own JSON format:
//! a faithful dump of every entity, table by table, in a stable order, so two
//! exports of the same data are identical and an import can restore them.

pub mod import;
pub mod tables;

pub use import::{import, ImportReport};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{store::Store, Result};
use tables::*;

/// The format name written into every export; bumped when the shape changes.
pub const FORMAT: &str = "guanxi/1";

/// Everything an export holds. Organisation-wide records (employees, competitors,
/// support resources, ties between employees) come whole; account-scoped ones only
/// for the account asked for, when one is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Export {
    pub format: String,
    /// The methodology version the exporting server ran (vocabulary ids in the
    /// records are that methodology's).
    pub methodology_version: String,
    /// The one account exported, or null for everything.
    pub account: Option<Uuid>,
    pub employees: Vec<EmployeeRow>,
    pub competitors: Vec<CompetitorRow>,
    pub support_resources: Vec<SupportResourceRow>,
    pub accounts: Vec<AccountRow>,
    pub people: Vec<PersonRow>,
    pub positions: Vec<PositionRow>,
    pub reporting_lines: Vec<ReportingLineRow>,
    pub opportunities: Vec<OpportunityRow>,
    pub stage_changes: Vec<StageChangeRow>,
    pub opportunity_competitors: Vec<OpportunityCompetitorRow>,
    pub team_members: Vec<TeamMemberRow>,
    pub decision_chain_members: Vec<ChainMemberRow>,
    pub relationships: Vec<RelationshipRow>,
    pub assessments: Vec<AssessmentRow>,
    pub interactions: Vec<InteractionRow>,
    pub interaction_employees: Vec<InteractionEmployeeRow>,
    pub interaction_people: Vec<InteractionPersonRow>,
    pub support_requests: Vec<SupportRequestRow>,
    pub win_step_ticks: Vec<WinStepTickRow>,
    pub qualification_answers: Vec<AnswerRow>,
    pub plan_item_ticks: Vec<PlanItemTickRow>,
    pub forecast_snapshots: Vec<ForecastSnapshotRow>,
}

impl Export {
    /// Rows per table, for summaries and checks.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            (EmployeeRow::TABLE, self.employees.len()),
            (CompetitorRow::TABLE, self.competitors.len()),
            (SupportResourceRow::TABLE, self.support_resources.len()),
            (AccountRow::TABLE, self.accounts.len()),
            (PersonRow::TABLE, self.people.len()),
            (PositionRow::TABLE, self.positions.len()),
            (ReportingLineRow::TABLE, self.reporting_lines.len()),
            (OpportunityRow::TABLE, self.opportunities.len()),
            (StageChangeRow::TABLE, self.stage_changes.len()),
            (
                OpportunityCompetitorRow::TABLE,
                self.opportunity_competitors.len(),
            ),
            (TeamMemberRow::TABLE, self.team_members.len()),
            (ChainMemberRow::TABLE, self.decision_chain_members.len()),
            (RelationshipRow::TABLE, self.relationships.len()),
            (AssessmentRow::TABLE, self.assessments.len()),
            (InteractionRow::TABLE, self.interactions.len()),
            (
                InteractionEmployeeRow::TABLE,
                self.interaction_employees.len(),
            ),
            (InteractionPersonRow::TABLE, self.interaction_people.len()),
            (SupportRequestRow::TABLE, self.support_requests.len()),
            (WinStepTickRow::TABLE, self.win_step_ticks.len()),
            (AnswerRow::TABLE, self.qualification_answers.len()),
            (PlanItemTickRow::TABLE, self.plan_item_ticks.len()),
            (ForecastSnapshotRow::TABLE, self.forecast_snapshots.len()),
        ]
    }
}

/// Reads every business record (of one account, when given) into an [`Export`].
/// Fails with `NOT_FOUND` for an account that does not exist.
pub async fn export(store: &Store, account: Option<Uuid>) -> Result<Export> {
    if let Some(a) = account {
        if store.account(a).await?.is_none() {
            return Err(crate::Error::not_found("account", a));
        }
    }
    let scoped = account.is_some();
    Ok(Export {
        format: FORMAT.to_owned(),
        methodology_version: store.methodology().version.clone(),
        account,
        employees: store.dump(&EmployeeRow::select(false), None).await?,
        competitors: store.dump(&CompetitorRow::select(false), None).await?,
        support_resources: store.dump(&SupportResourceRow::select(false), None).await?,
        accounts: store.dump(&AccountRow::select(scoped), account).await?,
        people: store.dump(&PersonRow::select(scoped), account).await?,
        positions: store.dump(&PositionRow::select(scoped), account).await?,
        reporting_lines: store
            .dump(&ReportingLineRow::select(scoped), account)
            .await?,
        opportunities: store.dump(&OpportunityRow::select(scoped), account).await?,
        stage_changes: store.dump(&StageChangeRow::select(scoped), account).await?,
        opportunity_competitors: store
            .dump(&OpportunityCompetitorRow::select(scoped), account)
            .await?,
        team_members: store.dump(&TeamMemberRow::select(scoped), account).await?,
        decision_chain_members: store.dump(&ChainMemberRow::select(scoped), account).await?,
        relationships: store
            .dump(&RelationshipRow::select(scoped), account)
            .await?,
        assessments: store.dump(&AssessmentRow::select(scoped), account).await?,
        interactions: store.dump(&InteractionRow::select(scoped), account).await?,
        interaction_employees: store
            .dump(&InteractionEmployeeRow::select(scoped), account)
            .await?,
        interaction_people: store
            .dump(&InteractionPersonRow::select(scoped), account)
            .await?,
        support_requests: store
            .dump(&SupportRequestRow::select(scoped), account)
            .await?,
        win_step_ticks: store.dump(&WinStepTickRow::select(scoped), account).await?,
        qualification_answers: store.dump(&AnswerRow::select(scoped), account).await?,
        plan_item_ticks: store
            .dump(&PlanItemTickRow::select(scoped), account)
            .await?,
        forecast_snapshots: store
            .dump(&ForecastSnapshotRow::select(scoped), account)
            .await?,
    })
}
