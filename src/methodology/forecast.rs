//! Forecast parameters from `forecast.toml`: how the stage probability is adjusted by
//! the relationship and qualification picture, the categories, and what history
//! counts as usual.

use serde::Deserialize;

use super::{condition::Condition, error::Problems, facts::OPPORTUNITY_FACTS};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawForecast {
    probability: ProbabilityModel,
    categories: Vec<RawCategory>,
    patterns: PatternSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: String,
    label: String,
    #[serde(default)]
    label_zh: Option<String>,
    condition: String,
    #[serde(default)]
    gates: Vec<RawGate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    id: String,
    label: String,
    #[serde(default)]
    label_zh: Option<String>,
    condition: String,
}

/// What a deal must also show to be forecast in a category: a commit needs an
/// owner who is with us, a decision maker on our side, the stage's criteria met…
/// A deal whose probability qualifies but fails a gate falls to the next
/// category, and the forecast names the gate.
#[derive(Debug, Clone)]
pub struct Gate {
    pub id: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub condition: Condition,
}

/// Weights of the opportunity scores in the relationship picture R.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipPicture {
    pub key_person: f64,
    pub decision_chain: f64,
    pub competitor: f64,
    pub our_company: f64,
}

impl RelationshipPicture {
    pub fn parts(&self) -> [(&'static str, f64); 4] {
        [
            ("key_person", self.key_person),
            ("decision_chain", self.decision_chain),
            ("competitor", self.competitor),
            ("our_company", self.our_company),
        ]
    }
}

/// Health parts (scoring.toml `[health]`) the process picture may weigh: those
/// the relationship picture (four opportunity scores) and the qualification
/// picture (the four questions) do not already count.
pub const PROCESS_PARTS: &[&str] = &["employee", "win_steps", "stage_time", "contact"];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbabilityModel {
    pub relationship_weight: f64,
    pub qualification_weight: f64,
    /// Weight of the process picture P; 0 (the default, for methodologies written
    /// before it) leaves the probability to stage, relationships and qualification.
    #[serde(default)]
    pub process_weight: f64,
    pub floor: f64,
    pub ceiling: f64,
    pub relationship: RelationshipPicture,
    /// The process picture P: weights of the health parts that the relationship
    /// and qualification pictures do not already hold (win steps, time in stage,
    /// recent contact, depth of our bench), so a deal's health moves its
    /// probability and the two cannot tell different stories.
    #[serde(default)]
    pub process: std::collections::BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSettings {
    pub min_history: usize,
    pub coverage_bands: Vec<f64>,
    /// Recorded forecasts of closed deals the calibration needs before its
    /// Brier score is a judgement of the forecast rather than noise.
    #[serde(default = "ten")]
    pub min_calibration: usize,
}

fn ten() -> usize {
    10
}

/// A forecast category and when it applies.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub condition: Condition,
    /// All must hold, beside the condition.
    pub gates: Vec<Gate>,
}

#[derive(Debug, Clone)]
pub struct ForecastRules {
    pub probability: ProbabilityModel,
    pub categories: Vec<Category>,
    pub patterns: PatternSettings,
}

pub(crate) fn compile_forecast(
    raw: RawForecast,
    file: &str,
    problems: &mut Problems,
) -> ForecastRules {
    let p = &raw.probability;
    for (name, value) in [
        ("probability.relationship_weight", p.relationship_weight),
        ("probability.qualification_weight", p.qualification_weight),
        ("probability.process_weight", p.process_weight),
    ] {
        if !(0.0..=10.0).contains(&value) {
            problems.push(file, name, format!("must be within 0..10, got {value}"));
        }
    }
    if !(p.floor > 0.0 && p.floor < p.ceiling && p.ceiling < 1.0) {
        problems.push(
            file,
            "probability.floor",
            "floor and ceiling must satisfy 0 < floor < ceiling < 1",
        );
    }
    let parts = p.relationship.parts();
    let sum: f64 = parts.iter().map(|(_, w)| w).sum();
    if parts.iter().any(|(_, w)| !(0.0..=1.0).contains(w)) || (sum - 1.0).abs() > 1e-6 {
        problems.push(
            file,
            "probability.relationship",
            format!("weights must each be within 0..1 and sum to 1, they sum to {sum}"),
        );
    }
    if !p.process.is_empty() || p.process_weight > 0.0 {
        let sum: f64 = p.process.values().sum();
        if p.process.values().any(|w| !(0.0..=1.0).contains(w)) || (sum - 1.0).abs() > 1e-6 {
            problems.push(
                file,
                "probability.process",
                format!("weights must each be within 0..1 and sum to 1, they sum to {sum}"),
            );
        }
        for name in p.process.keys() {
            if !PROCESS_PARTS.contains(&name.as_str()) {
                problems.push(
                    file,
                    format!("probability.process.{name}"),
                    format!(
                        "is not a health part the other pictures leave out; use one of {}",
                        PROCESS_PARTS.join(", ")
                    ),
                );
            }
        }
    }
    let mut categories: Vec<Category> = Vec::new();
    let count = raw.categories.len();
    if count == 0 {
        problems.push(file, "categories", "must list at least one category");
    }
    let mut seen = std::collections::HashSet::new();
    for (i, c) in raw.categories.into_iter().enumerate() {
        let item = format!("categories[{i}]");
        if c.id.trim().is_empty() || !seen.insert(c.id.clone()) {
            problems.push(
                file,
                format!("{item}.id"),
                format!("'{}' is empty or used twice", c.id),
            );
        }
        if i + 1 == count && c.condition.trim() != "true" {
            problems.push(
                file,
                format!("{item}.condition"),
                "the last category must have condition = \"true\" so every deal has one",
            );
        }
        if i + 1 == count && !c.gates.is_empty() {
            problems.push(
                file,
                format!("{item}.gates"),
                "the last category takes every deal: it has no gates",
            );
        }
        let mut gates = Vec::new();
        let mut gate_ids = std::collections::HashSet::new();
        for (j, g) in c.gates.into_iter().enumerate() {
            let sub = format!("{item}.gates[{j}]");
            if g.id.trim().is_empty() || !gate_ids.insert(g.id.clone()) {
                problems.push(
                    file,
                    format!("{sub}.id"),
                    format!("'{}' is empty or used twice", g.id),
                );
            }
            if let Some(condition) = Condition::compile(
                &g.condition,
                OPPORTUNITY_FACTS,
                file,
                &format!("{sub}.condition"),
                problems,
            ) {
                gates.push(Gate {
                    id: g.id,
                    label: g.label,
                    label_zh: g.label_zh,
                    condition,
                });
            }
        }
        if let Some(condition) = Condition::compile(
            &c.condition,
            OPPORTUNITY_FACTS,
            file,
            &format!("{item}.condition"),
            problems,
        ) {
            categories.push(Category {
                id: c.id,
                label: c.label,
                label_zh: c.label_zh,
                condition,
                gates,
            });
        }
    }
    let bands = &raw.patterns.coverage_bands;
    if bands.iter().any(|b| !(0.0..=1.0).contains(b)) || bands.windows(2).any(|w| w[0] >= w[1]) {
        problems.push(
            file,
            "patterns.coverage_bands",
            "must be within 0..1 and strictly rising",
        );
    }
    if raw.patterns.min_history == 0 {
        problems.push(file, "patterns.min_history", "must be at least 1");
    }
    ForecastRules {
        probability: raw.probability,
        categories,
        patterns: raw.patterns,
    }
}
