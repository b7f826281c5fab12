//! Per-stage win steps and exit criteria, from `stages.toml`.

use std::collections::HashMap;

use serde::Deserialize;

use super::{
    condition::Condition,
    error::Problems,
    facts::OPPORTUNITY_FACTS,
    vocabulary::{is_identifier, Stage},
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_zh: Option<String>,
    pub condition: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWinStep {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_zh: Option<String>,
    /// `manual` or `auto`.
    pub kind: String,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub required: bool,
}

/// A criterion a deal must meet to leave its stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ExitCriterion {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub condition: Condition,
}

/// How a win step is satisfied.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A person ticks it.
    Manual,
    /// Its condition holds on the opportunity's facts.
    Auto(Condition),
}

#[derive(Debug, Clone, PartialEq)]
pub struct WinStep {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub kind: StepKind,
    pub required: bool,
}

/// The rules of one stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StageProcess {
    pub exit_criteria: Vec<ExitCriterion>,
    pub win_steps: Vec<WinStep>,
}

/// Compiles every stage's criteria and steps; problems name the stage and item.
pub(crate) fn compile(
    stages: &[Stage],
    file: &str,
    problems: &mut Problems,
) -> HashMap<String, StageProcess> {
    let mut out = HashMap::new();
    for (i, stage) in stages.iter().enumerate() {
        let mut process = StageProcess::default();
        let mut seen = std::collections::HashSet::new();
        for (j, c) in stage.exit_criteria.iter().enumerate() {
            let item = format!("stages[{i}].exit_criteria[{j}]");
            if !is_identifier(&c.id) || !seen.insert(c.id.clone()) {
                problems.push(
                    file,
                    format!("{item}.id"),
                    format!("'{}' is not a unique id", c.id),
                );
            }
            if let Some(condition) = Condition::compile(
                &c.condition,
                OPPORTUNITY_FACTS,
                file,
                &format!("{item}.condition"),
                problems,
            ) {
                process.exit_criteria.push(ExitCriterion {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    label_zh: c.label_zh.clone().unwrap_or_else(|| c.label.clone()),
                    condition,
                });
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (j, w) in stage.win_steps.iter().enumerate() {
            let item = format!("stages[{i}].win_steps[{j}]");
            if !is_identifier(&w.id) {
                problems.push(
                    file,
                    format!("{item}.id"),
                    format!("'{}' is not a valid id", w.id),
                );
            }
            if !seen.insert(w.id.clone()) {
                problems.push(
                    file,
                    format!("{item}.id"),
                    format!("duplicate win step '{}' in stage {}", w.id, stage.id),
                );
            }
            if w.label.trim().is_empty() {
                problems.push(file, format!("{item}.label"), "must not be empty");
            }
            let kind = match (w.kind.as_str(), &w.condition) {
                ("manual", None) => Some(StepKind::Manual),
                ("manual", Some(_)) => {
                    problems.push(
                        file,
                        format!("{item}.condition"),
                        "a manual step has no condition",
                    );
                    None
                }
                ("auto", Some(c)) => Condition::compile(
                    c,
                    OPPORTUNITY_FACTS,
                    file,
                    &format!("{item}.condition"),
                    problems,
                )
                .map(StepKind::Auto),
                ("auto", None) => {
                    problems.push(
                        file,
                        format!("{item}.condition"),
                        "an auto step needs a condition",
                    );
                    None
                }
                (other, _) => {
                    problems.push(
                        file,
                        format!("{item}.kind"),
                        format!("'{other}' is neither manual nor auto"),
                    );
                    None
                }
            };
            if let Some(kind) = kind {
                process.win_steps.push(WinStep {
                    id: w.id.clone(),
                    label: w.label.clone(),
                    label_zh: w.label_zh.clone().unwrap_or_else(|| w.label.clone()),
                    kind,
                    required: w.required,
                });
            }
        }
        out.insert(stage.id.clone(), process);
    }
    out
}
