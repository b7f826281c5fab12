//! Opportunity health, 0..100, as a sum of weighted parts that add up to the score.

use crate::methodology::Methodology;

use super::{
    facts::{Facts, NO_DAYS},
    qualification::QuestionStatus,
    steps::{StepReport, StepStatus},
};

/// One part of health.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthPart {
    pub name: &'static str,
    pub weight: f64,
    /// 0..1.
    pub value: f64,
    /// `100 × weight × value`; the parts add up to the score.
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// 0..100.
    pub score: f64,
    pub breakdown: Vec<HealthPart>,
}

/// 1 up to `good`, falling linearly to 0 at `bad`.
fn ramp(x: f64, good: f64, bad: f64) -> f64 {
    if x <= good {
        1.0
    } else if x >= bad {
        0.0
    } else {
        (bad - x) / (bad - good)
    }
}

pub fn health(
    m: &Methodology,
    facts: &Facts,
    steps: &[StepReport],
    questions: &[QuestionStatus],
) -> Health {
    let required: Vec<&StepReport> = steps.iter().filter(|s| s.step.required).collect();
    let steps_value = if required.is_empty() {
        1.0
    } else {
        required
            .iter()
            .filter(|s| s.status != StepStatus::Missing)
            .count() as f64
            / required.len() as f64
    };
    let qualification_value = if questions.is_empty() {
        0.5
    } else {
        questions.iter().map(|q| q.answer().value()).sum::<f64>() / questions.len() as f64
    };
    let overdue = facts.number_of("stage_overdue_ratio");
    let since = facts.count_of("days_since_last_interaction");
    let contact = if since >= NO_DAYS {
        0.0
    } else {
        ramp(since as f64, 14.0, 90.0)
    };
    let mut breakdown = Vec::new();
    for (name, weight) in m.scoring.health.parts() {
        let value = match name {
            "win_steps" => steps_value,
            "qualification" => qualification_value,
            "stage_time" => ramp(overdue, 1.0, 2.0),
            "contact" => contact,
            score => facts.number_of(score),
        }
        .clamp(0.0, 1.0);
        breakdown.push(HealthPart {
            name,
            weight,
            value,
            points: 100.0 * weight * value,
        });
    }
    let score = breakdown
        .iter()
        .map(|p| p.points)
        .sum::<f64>()
        .clamp(0.0, 100.0);
    Health { score, breakdown }
}
