//! Parameters of the six quantifications, from `scoring.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{error::Problems, vocabulary::Vocabularies};

/// How the account quantification weighs its parts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountWeights {
    pub people: f64,
    pub departments: f64,
    pub levels: f64,
    pub top_depth: f64,
}

/// How influence is derived where nobody rated it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedInfluence {
    /// PageRank damping over the reports-to and influences structure.
    pub damping: f64,
    pub role_mix: f64,
    pub level_mix: f64,
    pub structure_mix: f64,
    /// Per buying role, in [0, 1]; roles not listed weigh 0.5.
    pub role_weight: BTreeMap<String, f64>,
    /// Per level, in [0, 1]; levels not listed weigh 0.5.
    pub level_weight: BTreeMap<String, f64>,
}

/// Which customer people one of our roles should carry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyRole {
    /// An employee role id.
    pub role: String,
    pub weight: f64,
    pub levels: Vec<String>,
    pub buying_roles: Vec<String>,
}

/// Weights of the parts of opportunity health; they sum to 1.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthWeights {
    pub key_person: f64,
    pub decision_chain: f64,
    pub competitor: f64,
    pub employee: f64,
    pub our_company: f64,
    pub win_steps: f64,
    pub qualification: f64,
    pub stage_time: f64,
    pub contact: f64,
}

impl HealthWeights {
    pub fn parts(&self) -> [(&'static str, f64); 9] {
        [
            ("key_person", self.key_person),
            ("decision_chain", self.decision_chain),
            ("competitor", self.competitor),
            ("employee", self.employee),
            ("our_company", self.our_company),
            ("win_steps", self.win_steps),
            ("qualification", self.qualification),
            ("stage_time", self.stage_time),
            ("contact", self.contact),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub key_person_influence: f64,
    pub real_tie_strength: f64,
    pub favoured_competitor_strength: f64,
    pub required_buying_roles: Vec<String>,
    /// Buying roles that also fill other roles of the chain: a technical decision
    /// maker does the technical evaluation too.
    #[serde(default)]
    pub role_covers: std::collections::BTreeMap<String, Vec<String>>,
    pub account_weights: AccountWeights,
    pub derived_influence: DerivedInfluence,
    pub company_roles: Vec<CompanyRole>,
    pub health: HealthWeights,
    /// Meetings (in the last 180 days) that make one of our employees and a
    /// customer person who were never assessed a *derived* tie: listed apart as
    /// evidence, never counted by a score.
    #[serde(default = "two")]
    pub derived_tie_meetings: usize,
}

fn two() -> usize {
    2
}

/// Weights that mix must sum to one; a little slack for decimal files.
fn sums_to_one(values: &[f64]) -> bool {
    (values.iter().sum::<f64>() - 1.0).abs() < 1e-6
}

fn unit(v: f64) -> bool {
    (0.0..=1.0).contains(&v)
}

impl Scoring {
    /// Whether a chain member in `role` fills `wanted` (the same role, or one it
    /// covers).
    pub fn fills(&self, role: &str, wanted: &str) -> bool {
        role == wanted
            || self
                .role_covers
                .get(role)
                .is_some_and(|c| c.iter().any(|r| r == wanted))
    }

    pub(crate) fn validate(self, v: &Vocabularies, file: &str, problems: &mut Problems) -> Self {
        if !(1..=100).contains(&self.derived_tie_meetings) {
            problems.push(file, "derived_tie_meetings", "must be within 1..100");
        }
        if !(1.0..=5.0).contains(&self.key_person_influence) {
            problems.push(file, "key_person_influence", "must be within 1..5");
        }
        for (name, value) in [
            ("real_tie_strength", self.real_tie_strength),
            (
                "favoured_competitor_strength",
                self.favoured_competitor_strength,
            ),
        ] {
            if !(0.0..=5.0).contains(&value) {
                problems.push(file, name, format!("must be within 0..5, got {value}"));
            }
        }
        for (i, role) in self.required_buying_roles.iter().enumerate() {
            if !v.buying_roles.contains(role) {
                problems.push(
                    file,
                    format!("required_buying_roles[{i}]"),
                    format!("'{role}' is not a buying role in vocabularies.toml"),
                );
            }
        }
        for (role, covered) in &self.role_covers {
            if !v.buying_roles.contains(role) {
                problems.push(
                    file,
                    format!("role_covers.{role}"),
                    format!("'{role}' is not a buying role in vocabularies.toml"),
                );
            }
            for (i, c) in covered.iter().enumerate() {
                if !v.buying_roles.contains(c) {
                    problems.push(
                        file,
                        format!("role_covers.{role}[{i}]"),
                        format!("'{c}' is not a buying role in vocabularies.toml"),
                    );
                }
            }
        }
        let a = &self.account_weights;
        let parts = [a.people, a.departments, a.levels, a.top_depth];
        if !parts.iter().all(|w| unit(*w)) || !sums_to_one(&parts) {
            problems.push(
                file,
                "account_weights",
                "must each be within 0..1 and sum to 1",
            );
        }
        let d = &self.derived_influence;
        if !(d.damping > 0.0 && d.damping < 1.0) {
            problems.push(
                file,
                "derived_influence.damping",
                "must be strictly between 0 and 1",
            );
        }
        let mixes = [d.role_mix, d.level_mix, d.structure_mix];
        if !mixes.iter().all(|w| unit(*w)) || !sums_to_one(&mixes) {
            problems.push(
                file,
                "derived_influence",
                "role_mix, level_mix and structure_mix must each be within 0..1 and sum to 1",
            );
        }
        for (role, w) in &d.role_weight {
            if !v.buying_roles.contains(role) {
                problems.push(
                    file,
                    format!("derived_influence.role_weight.{role}"),
                    "not a buying role in vocabularies.toml",
                );
            }
            if !unit(*w) {
                problems.push(
                    file,
                    format!("derived_influence.role_weight.{role}"),
                    "must be within 0..1",
                );
            }
        }
        for (level, w) in &d.level_weight {
            if !v.levels.contains(level) {
                problems.push(
                    file,
                    format!("derived_influence.level_weight.{level}"),
                    "not a level in vocabularies.toml",
                );
            }
            if !unit(*w) {
                problems.push(
                    file,
                    format!("derived_influence.level_weight.{level}"),
                    "must be within 0..1",
                );
            }
        }
        if self.company_roles.is_empty() {
            problems.push(file, "company_roles", "must list at least one role");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, r) in self.company_roles.iter().enumerate() {
            let item = format!("company_roles[{i}]");
            if !v.employee_roles.contains(&r.role) {
                problems.push(
                    file,
                    format!("{item}.role"),
                    format!("'{}' is not an employee role", r.role),
                );
            }
            if !seen.insert(r.role.as_str()) {
                problems.push(
                    file,
                    format!("{item}.role"),
                    format!("'{}' is listed twice", r.role),
                );
            }
            if !unit(r.weight) {
                problems.push(file, format!("{item}.weight"), "must be within 0..1");
            }
            for l in &r.levels {
                if !v.levels.contains(l) {
                    problems.push(
                        file,
                        format!("{item}.levels"),
                        format!("'{l}' is not a level"),
                    );
                }
            }
            for b in &r.buying_roles {
                if !v.buying_roles.contains(b) {
                    problems.push(
                        file,
                        format!("{item}.buying_roles"),
                        format!("'{b}' is not a buying role"),
                    );
                }
            }
        }
        let health: Vec<f64> = self.health.parts().iter().map(|(_, w)| *w).collect();
        if !health.iter().all(|w| unit(*w)) || !sums_to_one(&health) {
            problems.push(
                file,
                "health",
                "weights must each be within 0..1 and sum to 1",
            );
        }
        let weights: Vec<f64> = self.company_roles.iter().map(|r| r.weight).collect();
        if !weights.is_empty() && !sums_to_one(&weights) {
            problems.push(file, "company_roles", "weights must sum to 1");
        }
        self
    }

    pub fn role_weight(&self, buying_role: &str) -> f64 {
        self.derived_influence
            .role_weight
            .get(buying_role)
            .copied()
            .unwrap_or(0.5)
    }

    pub fn level_weight(&self, level: &str) -> f64 {
        self.derived_influence
            .level_weight
            .get(level)
            .copied()
            .unwrap_or(0.5)
    }
}
