//! Win steps of the current stage, and what stands between a deal and the next stage.

use crate::{
    graph::{data::OpportunityNode, AccountGraph},
    methodology::{Condition, Methodology, StepKind, WinStep},
};

use super::facts::Facts;

/// Where a win step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Someone ticked it.
    Done,
    /// Its condition holds on the facts.
    Satisfied,
    Missing,
}

#[derive(Debug, Clone)]
pub struct StepReport<'m> {
    pub step: &'m WinStep,
    pub status: StepStatus,
    /// The facts an automatic step read, with their values.
    pub evidence: Vec<(String, String)>,
}

/// A checklist entry's status: ticked beats everything; otherwise an automatic
/// entry is satisfied when its condition holds. Returns the facts it read.
pub fn check(
    ticked: bool,
    condition: Option<&Condition>,
    facts: &Facts,
) -> (StepStatus, Vec<(String, String)>) {
    let evidence = condition
        .map(|c| facts.evidence(&c.facts()))
        .unwrap_or_default();
    let status = if ticked {
        StepStatus::Done
    } else if condition.is_some_and(|c| c.holds(&facts.context)) {
        StepStatus::Satisfied
    } else {
        StepStatus::Missing
    };
    (status, evidence)
}

/// The current stage's win steps with their status.
pub fn win_steps<'m>(
    graph: &AccountGraph,
    m: &'m Methodology,
    o: &OpportunityNode,
    facts: &Facts,
) -> Vec<StepReport<'m>> {
    let Some(process) = m.process_for(&o.methodology_version).get(&o.stage) else {
        return Vec::new();
    };
    process
        .win_steps
        .iter()
        .map(|step| {
            let ticked = graph.win_steps.iter().any(|t| {
                t.opportunity == o.id && t.stage == o.stage && t.step == step.id && t.done
            });
            let condition = match &step.kind {
                StepKind::Manual => None,
                StepKind::Auto(c) => Some(c),
            };
            let (status, evidence) = check(ticked, condition, facts);
            StepReport {
                step,
                status,
                evidence,
            }
        })
        .collect()
}

/// Why a deal may not leave its stage yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    /// `exit_criterion` or `win_step`.
    pub kind: &'static str,
    pub id: String,
    pub label: String,
    pub label_zh: String,
}

/// Exit criteria that do not hold and required win steps still missing.
pub fn advance_blockers(
    m: &Methodology,
    o: &OpportunityNode,
    facts: &Facts,
    steps: &[StepReport],
) -> Vec<Blocker> {
    let mut out = Vec::new();
    if let Some(process) = m.process_for(&o.methodology_version).get(&o.stage) {
        for c in &process.exit_criteria {
            if !c.condition.holds(&facts.context) {
                out.push(Blocker {
                    kind: "exit_criterion",
                    id: c.id.clone(),
                    label: c.label.clone(),
                    label_zh: c.label_zh.clone(),
                });
            }
        }
    }
    for s in steps
        .iter()
        .filter(|s| s.step.required && s.status == StepStatus::Missing)
    {
        out.push(Blocker {
            kind: "win_step",
            id: s.step.id.clone(),
            label: s.step.label.clone(),
            label_zh: s.step.label_zh.clone(),
        });
    }
    out
}
