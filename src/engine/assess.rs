//! One opportunity assessed: the methodology's engines composed in their order.
//! Facts first, then win steps, the four questions, health, the forecast's win
//! probability and the support the deal still needs; each reads what came before
//! (the process picture, docs/forecast.md). The engines don't call each other;
//! this is where they meet.

use time::Date;

use crate::{
    advice::{
        advance_blockers, health, opportunity_facts, qualification, questions_facts, win_steps,
        Blocker, FactValue, Facts, Health, QuestionStatus, StepReport, StepStatus,
    },
    domain::SupportRequest,
    forecast::{win_probability, StageNorms, WinProbability},
    graph::{data::OpportunityNode, AccountGraph},
    methodology::{Category, Gate, Methodology},
    support::NeedStatus,
};

/// Everything the methodology says about one opportunity.
#[derive(Debug, Clone)]
pub struct Assessment<'m> {
    pub facts: Facts,
    pub steps: Vec<StepReport<'m>>,
    pub questions: Vec<QuestionStatus<'m>>,
    pub health: Health,
    /// The forecast win probability with its terms.
    pub probability: WinProbability,
}

/// Evaluates one opportunity against the methodology on `today`; `norms` say how
/// long deals usually stay in each stage.
pub fn assess<'m>(
    graph: &AccountGraph,
    m: &'m Methodology,
    o: &OpportunityNode,
    today: Date,
    norms: &StageNorms,
) -> Assessment<'m> {
    let mut facts = opportunity_facts(graph, m, o, today);
    let (usual, _) = norms.usual(m, &o.stage);
    let days_in_stage = match facts.values.get("days_in_stage") {
        Some(FactValue::Count(d)) => *d as f64,
        _ => 0.0,
    };
    facts.set(
        "usual_days_in_stage",
        FactValue::Count(usual.round() as i64),
    );
    facts.set(
        "stall_ratio",
        FactValue::Number(days_in_stage / usual.max(1.0)),
    );
    facts
        .words
        .insert("usual_days", format!("{}", usual.round()));
    // The ratio as the data has it ("4.3 times", "4.3倍"), not a fixed word.
    let times = days_in_stage / usual.max(1.0);
    facts.words.insert("stall_times", format!("{times:.1}"));
    let steps = win_steps(graph, m, o, &facts);
    facts.steps_done = steps
        .iter()
        .filter(|s| s.status != StepStatus::Missing)
        .map(|s| s.step.id.clone())
        .chain(
            graph
                .win_steps
                .iter()
                .filter(|t| t.opportunity == o.id && t.done)
                .map(|t| t.step.clone()),
        )
        .collect();
    let missing = steps
        .iter()
        .filter(|s| s.step.required && s.status == StepStatus::Missing)
        .count();
    facts.set("win_steps_missing", FactValue::Count(missing as i64));
    let questions = qualification(graph, m, o, &facts);
    questions_facts(graph, m, o, &mut facts, &questions);
    // Health reads no fact set below, so it is known before the probability it
    // moves (the process picture, docs/forecast.md).
    let health = health(m, &facts, &steps, &questions);
    let probability = win_probability(m, &o.stage, &facts, &questions, &health.breakdown);
    facts.set(
        "win_probability",
        FactValue::Number(probability.probability),
    );
    // Needs are read after the probability, so a need may depend on it.
    let unrequested: Vec<&crate::methodology::SupportNeed> = if o.open {
        crate::support::applicable(m, &o.stage, &facts)
            .into_iter()
            .filter(|n| {
                !graph.support.iter().any(|(opp, kind, status)| {
                    *opp == o.id && *kind == n.kind && status != "cancelled"
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    facts.set(
        "support_needs_unrequested",
        FactValue::Count(unrequested.len() as i64),
    );
    let labels = |zh: bool| {
        unrequested
            .iter()
            .map(|n| crate::methodology::label(&n.label, n.label_zh.as_deref(), zh))
            .collect::<Vec<_>>()
            .join(if zh { "；" } else { "; " })
    };
    facts.words.insert("missing_support", labels(false));
    facts.words_zh.insert("missing_support", labels(true));
    // For the forecast's gates: the health a director sees, and the stage's exit
    // criteria the deal has not met.
    facts.set("health", FactValue::Number(health.score));
    let unmet = advance_blockers(m, o, &facts, &steps)
        .iter()
        .filter(|b| b.kind == "exit_criterion")
        .count();
    facts.set("exit_criteria_unmet", FactValue::Count(unmet as i64));
    Assessment {
        facts,
        steps,
        questions,
        health,
        probability,
    }
}

impl<'m> Assessment<'m> {
    /// What stops the deal moving to its next stage.
    pub fn advance_blockers(&self, m: &'m Methodology, o: &OpportunityNode) -> Vec<Blocker> {
        advance_blockers(m, o, &self.facts, &self.steps)
    }

    /// The support the deal's stage and facts call for, each with the request that
    /// answers it.
    pub fn support_needs<'a>(
        &self,
        m: &'a Methodology,
        o: &OpportunityNode,
        requests: &'a [SupportRequest],
    ) -> Vec<NeedStatus<'a>> {
        crate::support::support_needs(m, &o.stage, &self.facts, requests)
    }

    /// The forecast category the deal's facts put it in.
    pub fn category(&self, m: &'m Methodology) -> Option<&'m Category> {
        crate::forecast::category(m, &self.facts)
    }

    /// The higher categories the deal misses, each with the gates it fails.
    pub fn held_back(&self, m: &'m Methodology) -> Vec<(&'m Category, Vec<&'m Gate>)> {
        crate::forecast::held_back(m, &self.facts)
    }
}
