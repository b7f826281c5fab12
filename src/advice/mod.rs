//! The methodology engine: turns an opportunity's graph and facts into win-step
//! status, the four answers, health, coaching prompts and the account plan. Pure
//! functions of an [`AccountGraph`] and the [`Methodology`]; nothing here stores
//! anything.

pub mod facts;
pub mod health;
pub mod plan;
pub mod prompts;
pub mod qualification;
pub mod steps;

use time::Date;

use crate::{
    forecast::{win_probability, StageNorms, WinProbability},
    graph::{data::OpportunityNode, AccountGraph},
    methodology::Methodology,
};

pub use facts::{account_facts, opportunity_facts, FactValue, Facts};
pub use health::{health, Health, HealthPart};
pub use plan::{account_plan, AccountPlan, ElementStatus, ItemStatus};
pub use prompts::{prompts, Lang, Prompt};
pub use qualification::{qualification, Answer, QuestionStatus};
pub use steps::{advance_blockers, win_steps, Blocker, StepReport, StepStatus};

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

/// The four questions as the prompts read them: how many are open past the stage
/// they are due, whether "is it worth winning?" is NO, and one candidate per open
/// question saying what to find out and whom to ask.
fn questions_facts(
    graph: &AccountGraph,
    m: &Methodology,
    o: &OpportunityNode,
    facts: &mut Facts,
    questions: &[QuestionStatus],
) {
    let stage_index = |id: &str| m.vocabularies.stages.iter().position(|s| s.id == id);
    let here = stage_index(&o.stage).unwrap_or(0);
    let chain = crate::graph::scores::chain(graph, o);
    let owner = facts.words.get("owner").cloned().unwrap_or_default();
    let mut open = Vec::new();
    for q in questions {
        let due = q
            .question
            .due_from
            .as_deref()
            .and_then(stage_index)
            .is_some_and(|d| here >= d);
        let answer = q.answer();
        if !due || answer == Answer::Yes {
            continue;
        }
        let asked = facts::whom_to_ask(graph, &chain, &q.question.ask);
        // "The account team" reads as such in Chinese too.
        let who_knows = asked.map(|(p, _)| graph.person_name(p));
        let who_asks = asked
            .and_then(|(_, e)| e)
            .map_or_else(|| owner.clone(), |e| graph.employee_name(e));
        let (answer_en, answer_zh) = match answer {
            Answer::No => ("answered NO", "答案是否定的"),
            _ => ("still unanswered", "仍无答案"),
        };
        open.push(facts::Candidate {
            person: None,
            words: vec![
                ("open_question", q.question.text.clone()),
                ("open_answer", answer_en.to_owned()),
                ("find_out", q.question.find_out.clone()),
                (
                    "who_knows",
                    who_knows
                        .clone()
                        .unwrap_or_else(|| "the customer people who would know".to_owned()),
                ),
                ("who_asks", who_asks.clone()),
            ],
            words_zh: vec![
                ("open_question", q.question.text_zh.clone()),
                ("open_answer", answer_zh.to_owned()),
                ("find_out", q.question.find_out_zh.clone()),
                (
                    "who_asks",
                    if who_asks == "the account team" {
                        "客户团队".to_owned()
                    } else {
                        who_asks.clone()
                    },
                ),
                (
                    "who_knows",
                    who_knows.unwrap_or_else(|| "了解情况的客户人员".to_owned()),
                ),
            ],
        });
    }
    facts.set("questions_due_open", FactValue::Count(open.len() as i64));
    facts.candidates_of("open_question", open);
    let worth_no = questions
        .iter()
        .any(|q| q.question.id == "is_it_worth_winning" && q.answer() == Answer::No);
    facts.set("worth_winning_answer_no", FactValue::Flag(worth_no));
}

/// A summary of the methodology's win steps per stage, recorded per version so a
/// later version can say what changed for deals that were set under this one.
pub fn snapshot(m: &Methodology) -> String {
    let stages: serde_json::Map<String, serde_json::Value> = m
        .vocabularies
        .stages
        .iter()
        .map(|s| {
            let steps: Vec<serde_json::Value> = m
                .process
                .get(&s.id)
                .map(|p| {
                    p.win_steps
                        .iter()
                        .map(|w| serde_json::json!({ "id": w.id, "label": w.label, "required": w.required }))
                        .collect()
                })
                .unwrap_or_default();
            (s.id.clone(), serde_json::Value::Array(steps))
        })
        .collect();
    serde_json::json!({ "version": m.version, "stages": stages }).to_string()
}

/// How a methodology change affects a deal in one stage: required steps added,
/// and steps removed, between two snapshots.
pub fn step_changes(old: &str, new: &str, stage: &str) -> (Vec<String>, Vec<String>) {
    let parse = |s: &str| -> Vec<(String, bool)> {
        serde_json::from_str::<serde_json::Value>(s)
            .ok()
            .and_then(|v| v["stages"][stage].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|w| {
                (
                    w["id"].as_str().unwrap_or_default().to_owned(),
                    w["required"].as_bool().unwrap_or(false),
                )
            })
            .collect()
    };
    let (before, after) = (parse(old), parse(new));
    let added = after
        .iter()
        .filter(|(id, req)| *req && !before.iter().any(|(b, breq)| b == id && *breq))
        .map(|(id, _)| id.clone())
        .collect();
    let removed = before
        .iter()
        .filter(|(id, _)| !after.iter().any(|(a, _)| a == id))
        .map(|(id, _)| id.clone())
        .collect();
    (added, removed)
}
