//! Guanxi's own interchange document: every business record, table by table, in
//! a stable order, so two exports of the same data are identical and an import can
//! restore them. The store reads it under the caller's access (whole database for
//! an administrator, one account otherwise); formats that read other systems'
//! files live in `crate::transfer` and build one of these.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{tables::*, Store};
use crate::Result;

/// The format name written into every export; bumped when the shape changes.
pub const FORMAT: &str = "guanxi/1";

/// Everything an export holds. Organisation-wide records (employees, competitors,
/// support resources, ties between employees) come whole; account-scoped ones only
/// for the account asked for, when one is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub improvement_points: Vec<ImprovementPointRow>,
    /// External systems' ids for records an import matched by name or e-mail.
    #[serde(default)]
    pub external_ids: Vec<ExternalIdRow>,
}

/// Calls `$m! { field: Row = "listName", ... }` with every list of an [`Export`], in
/// the order an import writes them (a row's references come before it).
macro_rules! each_list {
    ($m:ident) => {
        $m! {
            employees: EmployeeRow = "employees",
            competitors: CompetitorRow = "competitors",
            support_resources: SupportResourceRow = "supportResources",
            accounts: AccountRow = "accounts",
            people: PersonRow = "people",
            positions: PositionRow = "positions",
            reporting_lines: ReportingLineRow = "reportingLines",
            opportunities: OpportunityRow = "opportunities",
            stage_changes: StageChangeRow = "stageChanges",
            opportunity_competitors: OpportunityCompetitorRow = "opportunityCompetitors",
            team_members: TeamMemberRow = "teamMembers",
            decision_chain_members: ChainMemberRow = "decisionChainMembers",
            relationships: RelationshipRow = "relationships",
            assessments: AssessmentRow = "assessments",
            interactions: InteractionRow = "interactions",
            interaction_employees: InteractionEmployeeRow = "interactionEmployees",
            interaction_people: InteractionPersonRow = "interactionPeople",
            support_requests: SupportRequestRow = "supportRequests",
            win_step_ticks: WinStepTickRow = "winStepTicks",
            qualification_answers: AnswerRow = "qualificationAnswers",
            plan_item_ticks: PlanItemTickRow = "planItemTicks",
            forecast_snapshots: ForecastSnapshotRow = "forecastSnapshots",
            improvement_points: ImprovementPointRow = "improvementPoints",
            external_ids: ExternalIdRow = "externalIds",
        }
    };
}
pub(crate) use each_list;

impl Export {
    /// An empty document in the current format, for importers that build one.
    pub fn empty(methodology_version: &str) -> Self {
        Export {
            format: FORMAT.to_owned(),
            methodology_version: methodology_version.to_owned(),
            ..Default::default()
        }
    }

    /// Rows per table, for summaries and checks.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        macro_rules! count {
            ($($field:ident: $row:ty = $list:literal),+ $(,)?) => {
                vec![$((<$row>::TABLE, self.$field.len())),+]
            };
        }
        each_list!(count)
    }

    /// Drops the rows named by `(list, index)`; says, for each list that lost
    /// rows, the original index of every row kept.
    pub fn without(
        &mut self,
        drop: &std::collections::HashSet<(&'static str, usize)>,
    ) -> Vec<(&'static str, Vec<usize>)> {
        let mut kept = Vec::new();
        macro_rules! retain {
            ($($field:ident: $row:ty = $list:literal),+ $(,)?) => {
                $(
                    if drop.iter().any(|(list, _)| *list == $list) {
                        let mut i = 0;
                        let mut original = Vec::new();
                        self.$field.retain(|_| {
                            i += 1;
                            let keep = !drop.contains(&($list, i - 1));
                            if keep {
                                original.push(i - 1);
                            }
                            keep
                        });
                        kept.push(($list, original));
                    }
                )+
            };
        }
        each_list!(retain);
        kept
    }
}

impl Store {
    /// Reads every business record (of one account, when given) into an [`Export`].
    /// Fails with `FORBIDDEN` for a whole-database export without an
    /// administrator, and with `NOT_FOUND` for an account that does not exist.
    pub async fn export(&self, account: Option<Uuid>) -> Result<Export> {
        if account.is_none() && !self.scope().is_all() {
            return Err(crate::Error::Forbidden(
                "a whole-database export needs an administrator; export one of your accounts"
                    .into(),
            ));
        }
        if let Some(a) = account {
            if self.account(a).await?.is_none() {
                return Err(crate::Error::not_found("account", a));
            }
        }
        let scoped = account.is_some();
        Ok(Export {
            format: FORMAT.to_owned(),
            methodology_version: self.methodology().version.clone(),
            account,
            employees: self.dump(&EmployeeRow::select(false), None).await?,
            competitors: self.dump(&CompetitorRow::select(false), None).await?,
            support_resources: self.dump(&SupportResourceRow::select(false), None).await?,
            accounts: self.dump(&AccountRow::select(scoped), account).await?,
            people: self.dump(&PersonRow::select(scoped), account).await?,
            positions: self.dump(&PositionRow::select(scoped), account).await?,
            reporting_lines: self
                .dump(&ReportingLineRow::select(scoped), account)
                .await?,
            opportunities: self.dump(&OpportunityRow::select(scoped), account).await?,
            stage_changes: self.dump(&StageChangeRow::select(scoped), account).await?,
            opportunity_competitors: self
                .dump(&OpportunityCompetitorRow::select(scoped), account)
                .await?,
            team_members: self.dump(&TeamMemberRow::select(scoped), account).await?,
            decision_chain_members: self.dump(&ChainMemberRow::select(scoped), account).await?,
            relationships: self.dump(&RelationshipRow::select(scoped), account).await?,
            assessments: self.dump(&AssessmentRow::select(scoped), account).await?,
            interactions: self.dump(&InteractionRow::select(scoped), account).await?,
            interaction_employees: self
                .dump(&InteractionEmployeeRow::select(scoped), account)
                .await?,
            interaction_people: self
                .dump(&InteractionPersonRow::select(scoped), account)
                .await?,
            support_requests: self
                .dump(&SupportRequestRow::select(scoped), account)
                .await?,
            win_step_ticks: self.dump(&WinStepTickRow::select(scoped), account).await?,
            qualification_answers: self.dump(&AnswerRow::select(scoped), account).await?,
            plan_item_ticks: self.dump(&PlanItemTickRow::select(scoped), account).await?,
            forecast_snapshots: self
                .dump(&ForecastSnapshotRow::select(scoped), account)
                .await?,
            improvement_points: self
                .dump(&ImprovementPointRow::select(scoped), account)
                .await?,
            external_ids: self.dump(&ExternalIdRow::select(scoped), account).await?,
        })
    }
}
