//! Enumerations as data: every enumerated field of the domain is checked against one
//! of these lists instead of being free text.

use serde::Deserialize;

use super::error::Problems;

/// One allowed value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Stable identifier stored in the database (`snake_case`).
    pub id: String,
    /// What people read.
    pub label: String,
    /// The label in Chinese, where the methodology gives one.
    #[serde(default)]
    pub label_zh: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// An ordered list of terms; order is meaningful (levels from the top, stages in
/// sequence).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// The vocabulary's name as it appears in files and errors (`buying_roles`).
    pub name: &'static str,
    pub terms: Vec<Term>,
}

impl Vocabulary {
    pub fn contains(&self, id: &str) -> bool {
        self.terms.iter().any(|t| t.id == id)
    }

    pub fn get(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// What people read for an id, in Chinese where the methodology gives it; the
    /// id itself when the term is unknown (data written under an older methodology).
    pub fn label_of(&self, id: &str, zh: bool) -> String {
        self.get(id).map_or_else(
            || id.to_owned(),
            |t| match (&t.label_zh, zh) {
                (Some(l), true) => l.clone(),
                _ => t.label.clone(),
            },
        )
    }

    /// Position in the list, for vocabularies whose order carries meaning.
    pub fn rank(&self, id: &str) -> Option<usize> {
        self.terms.iter().position(|t| t.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| t.id.as_str())
    }

    /// Checks a value against the list; the message lists what is allowed so the
    /// person can correct it without opening the files.
    pub fn check(&self, field: &str, value: &str) -> crate::Result<String> {
        let value = value.trim();
        if self.contains(value) {
            Ok(value.to_owned())
        } else {
            Err(crate::Error::invalid(
                field,
                format!(
                    "unknown {} '{}'; expected one of: {}",
                    self.name.trim_end_matches('s').replace('_', " "),
                    value,
                    self.ids().collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    }

    pub(crate) fn from_terms(
        name: &'static str,
        terms: Vec<Term>,
        file: &str,
        problems: &mut Problems,
    ) -> Self {
        if terms.is_empty() {
            problems.push(file, name, "must list at least one entry");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in terms.iter().enumerate() {
            let item = format!("{name}[{i}]");
            if !is_identifier(&t.id) {
                problems.push(
                    file,
                    format!("{item}.id"),
                    format!(
                        "'{}' is not a valid id (lowercase letters, digits and _; starting with a letter)",
                        t.id
                    ),
                );
            }
            if !seen.insert(t.id.as_str()) {
                problems.push(
                    file,
                    format!("{item}.id"),
                    format!("duplicate id '{}'", t.id),
                );
            }
            if t.label.trim().is_empty() {
                problems.push(file, format!("{item}.label"), "must not be empty");
            }
        }
        Vocabulary { name, terms }
    }
}

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 64
}

/// A stage of the opportunity process. Later methodology parts hang win steps and
/// criteria on it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_zh: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Win probability the stage implies before any adjustment, in [0, 1].
    pub probability: f64,
    /// Days a deal usually spends here; used to flag stalls.
    pub expected_days: u32,
    /// What must hold before a deal may leave the stage.
    #[serde(default)]
    pub exit_criteria: Vec<super::process::RawCriterion>,
    #[serde(default)]
    pub win_steps: Vec<super::process::RawWinStep>,
}

/// All enumerations of the domain.
#[derive(Debug, Clone)]
pub struct Vocabularies {
    pub tiers: Vocabulary,
    pub industries: Vocabulary,
    pub regions: Vocabulary,
    /// Person levels from the top (executive) down.
    pub levels: Vocabulary,
    pub departments: Vocabulary,
    pub buying_roles: Vocabulary,
    pub employee_roles: Vocabulary,
    pub interaction_kinds: Vocabulary,
    pub support_resource_kinds: Vocabulary,
    pub currencies: Vocabulary,
    /// Stages in order; a deal moves forward through them.
    pub stages: Vec<Stage>,
    /// The stages as a vocabulary, for uniform checking.
    pub stage_terms: Vocabulary,
}

impl Vocabularies {
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// All vocabularies by their file name, for listing them to front ends.
    pub fn all(&self) -> Vec<&Vocabulary> {
        vec![
            &self.tiers,
            &self.industries,
            &self.regions,
            &self.levels,
            &self.departments,
            &self.buying_roles,
            &self.employee_roles,
            &self.interaction_kinds,
            &self.support_resource_kinds,
            &self.currencies,
            &self.stage_terms,
        ]
    }
}
