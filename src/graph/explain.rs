//! Scores that can show their working: a bounded value and a structured
//! explanation (inputs, weights, the edges and interactions behind it).

use uuid::Uuid;

use crate::domain::Phrase;

/// A number in [0, 1]. Construction clamps, and NaN becomes 0 (with a warning in
/// the log: a formula that gives NaN is a bug to find), so no formula can leak a
/// value outside the documented range.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Unit(f64);

impl Unit {
    pub const ZERO: Unit = Unit(0.0);
    pub const ONE: Unit = Unit(1.0);

    pub fn new(v: f64) -> Self {
        if v.is_nan() {
            tracing::warn!("a score's formula gave NaN; it counts as 0");
            Unit(0.0)
        } else {
            Unit(v.clamp(0.0, 1.0))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// A named number that went into a score.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: Phrase,
    pub value: f64,
    pub note: Option<Phrase>,
}

/// A weight the formula applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    pub name: Phrase,
    pub value: f64,
}

/// A record behind a score: an edge, an interaction, a person's role.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    /// `tie`, `competitor_tie`, `member`, `interaction`, `departed_tie`, ...
    pub kind: String,
    pub description: Phrase,
    pub value: Option<f64>,
    pub relationship_id: Option<Uuid>,
    pub interaction_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub employee_id: Option<Uuid>,
    pub competitor_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Explanation {
    /// One sentence a coach can read out.
    pub summary: Phrase,
    /// The formula, as in docs/scoring.md.
    pub formula: Phrase,
    pub inputs: Vec<Input>,
    pub weights: Vec<Weight>,
    pub evidence: Vec<Evidence>,
    /// Edge cases met: empty chain, derived influence, departed employees, ties.
    pub notes: Vec<Phrase>,
}

impl Explanation {
    /// An explanation of the formula whose words are the catalogue's `formula`.
    pub fn new(formula: &'static str) -> Self {
        Explanation {
            formula: Phrase::new(formula),
            ..Default::default()
        }
    }

    pub fn input(&mut self, name: Phrase, value: f64, note: Option<Phrase>) {
        self.inputs.push(Input { name, value, note });
    }

    pub fn weight(&mut self, name: Phrase, value: f64) {
        self.weights.push(Weight { name, value });
    }

    pub fn note(&mut self, note: Phrase) {
        self.notes.push(note);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub value: Unit,
    pub explanation: Explanation,
    /// What the formula gave, before the unit interval's clamp: equal to `value`
    /// for every formula that keeps its documented range, which the property
    /// tests check (a clamp that ever bites hides a formula's mistake).
    pub formula_value: f64,
}

impl Score {
    pub fn new(value: f64, explanation: Explanation) -> Self {
        Score {
            value: Unit::new(value),
            explanation,
            formula_value: value,
        }
    }
}

/// Influence-weighted mean; 0 when there is nothing to weigh.
pub(crate) fn weighted_mean(pairs: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (weight, value) in pairs {
        num += weight * value;
        den += weight;
    }
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

/// Two decimals for sentences.
pub(crate) fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}
