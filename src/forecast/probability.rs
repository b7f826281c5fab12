//! The win probability of an open deal: its stage's probability, moved in log-odds
//! by the relationship, qualification and process pictures (docs/forecast.md).

use crate::{
    advice::{Answer, FactValue, Facts, HealthPart, QuestionStatus},
    methodology::{Category, Gate, Methodology},
};

/// A probability with every term that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct WinProbability {
    pub stage_probability: f64,
    /// R, 0..1, and its parts: (score, weight, value).
    pub relationship: f64,
    pub relationship_parts: Vec<(&'static str, f64, f64)>,
    /// Q, −1..1.
    pub qualification: f64,
    pub yes: usize,
    pub no: usize,
    pub questions: usize,
    /// logit of the (clamped) stage probability.
    pub base_logit: f64,
    /// relationship_weight × (2R − 1).
    pub relationship_shift: f64,
    /// qualification_weight × Q.
    pub qualification_shift: f64,
    /// P, 0..1: the health parts the other two pictures leave out, and its parts
    /// (health part, weight, value).
    pub process: f64,
    pub process_parts: Vec<(String, f64, f64)>,
    /// process_weight × (2P − 1).
    pub process_shift: f64,
    pub probability: f64,
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn number(facts: &Facts, name: &str) -> f64 {
    match facts.values.get(name) {
        Some(FactValue::Number(v)) => *v,
        Some(FactValue::Count(v)) => *v as f64,
        _ => 0.0,
    }
}

/// The win probability of an open deal in `stage`, whose health parts are
/// `health` (a part the breakdown lacks counts 0.5, neutral).
pub fn win_probability(
    m: &Methodology,
    stage: &str,
    facts: &Facts,
    questions: &[QuestionStatus<'_>],
    health: &[HealthPart],
) -> WinProbability {
    let model = &m.forecast.probability;
    let stage_probability = m
        .vocabularies
        .stage(stage)
        .map(|s| s.probability)
        .unwrap_or(model.floor);
    let relationship_parts: Vec<(&'static str, f64, f64)> = model
        .relationship
        .parts()
        .iter()
        .map(|(name, w)| (*name, *w, number(facts, name).clamp(0.0, 1.0)))
        .collect();
    let relationship: f64 = relationship_parts.iter().map(|(_, w, v)| w * v).sum();
    let answers: Vec<Answer> = questions.iter().map(QuestionStatus::answer).collect();
    let yes = answers.iter().filter(|a| **a == Answer::Yes).count();
    let no = answers.iter().filter(|a| **a == Answer::No).count();
    let qualification = if answers.is_empty() {
        0.0
    } else {
        (yes as f64 - no as f64) / answers.len() as f64
    };
    let base_logit = logit(stage_probability.clamp(model.floor, model.ceiling));
    let relationship_shift = model.relationship_weight * (2.0 * relationship - 1.0);
    let qualification_shift = model.qualification_weight * qualification;
    let process_parts: Vec<(String, f64, f64)> = model
        .process
        .iter()
        .map(|(name, w)| {
            let value = health
                .iter()
                .find(|p| p.name == name)
                .map_or(0.5, |p| p.value.clamp(0.0, 1.0));
            (name.clone(), *w, value)
        })
        .collect();
    let process = if process_parts.is_empty() {
        0.5
    } else {
        process_parts.iter().map(|(_, w, v)| w * v).sum()
    };
    let process_shift = model.process_weight * (2.0 * process - 1.0);
    let probability =
        logistic(base_logit + relationship_shift + qualification_shift + process_shift)
            .clamp(model.floor, model.ceiling);
    WinProbability {
        stage_probability,
        relationship,
        relationship_parts,
        qualification,
        yes,
        no,
        questions: answers.len(),
        base_logit,
        relationship_shift,
        qualification_shift,
        process,
        process_parts,
        process_shift,
        probability,
    }
}

/// The first category whose condition holds; the last one (whose condition the
/// loader requires to be `true`) otherwise. `None` only for an empty list, which
/// the loader refuses.
pub fn category<'m>(m: &'m Methodology, facts: &Facts) -> Option<&'m Category> {
    m.forecast
        .categories
        .iter()
        .find(|c| {
            c.condition.holds(&facts.context)
                && c.gates.iter().all(|g| g.condition.holds(&facts.context))
        })
        .or_else(|| m.forecast.categories.last())
}

/// The categories a deal's probability qualified it for but a gate held it back
/// from, best first, each with the gates that failed: what stands between the deal
/// and a better forecast.
pub fn held_back<'m>(m: &'m Methodology, facts: &Facts) -> Vec<(&'m Category, Vec<&'m Gate>)> {
    let mut out = Vec::new();
    for c in &m.forecast.categories {
        if !c.condition.holds(&facts.context) {
            continue;
        }
        let failed: Vec<&Gate> = c
            .gates
            .iter()
            .filter(|g| !g.condition.holds(&facts.context))
            .collect();
        if failed.is_empty() {
            break;
        }
        out.push((c, failed));
    }
    out
}
