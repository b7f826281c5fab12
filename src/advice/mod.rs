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

use crate::{
    graph::{data::OpportunityNode, AccountGraph},
    methodology::Methodology,
};

pub use facts::{account_facts, opportunity_facts, FactValue, Facts};
pub use health::{health, Health, HealthPart};
pub use plan::{account_plan, AccountPlan, ElementStatus, ItemStatus};
pub use prompts::{prompts, Lang, Prompt};
pub use qualification::{qualification, Answer, QuestionStatus};
pub use steps::{advance_blockers, win_steps, Blocker, StepReport, StepStatus};

/// The four questions as the prompts read them: how many are open past the stage
/// they are due, whether "is it worth winning?" is NO, and one candidate per open
/// question saying what to find out and whom to ask.
pub fn questions_facts(
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
