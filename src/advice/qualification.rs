//! The four questions: the answer the facts suggest, the one a person recorded, and
//! the evidence.

use crate::{
    graph::{data::OpportunityNode, AccountGraph},
    methodology::{Methodology, Question},
};

use super::facts::Facts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Unknown,
}

impl Answer {
    pub fn parse(s: &str) -> Option<Answer> {
        match s {
            "yes" => Some(Answer::Yes),
            "no" => Some(Answer::No),
            "unknown" => Some(Answer::Unknown),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Unknown => "unknown",
        }
    }

    /// YES 1, UNKNOWN 0.5, NO 0, for health.
    pub fn value(self) -> f64 {
        match self {
            Answer::Yes => 1.0,
            Answer::Unknown => 0.5,
            Answer::No => 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct QuestionStatus<'m> {
    pub question: &'m Question,
    /// What the facts suggest.
    pub suggested: Answer,
    /// What a person recorded, if anyone did.
    pub recorded: Option<Answer>,
    /// The facts behind the suggestion, with values.
    pub evidence: Vec<(String, String)>,
}

impl QuestionStatus<'_> {
    /// The recorded answer wins over the suggestion.
    pub fn answer(&self) -> Answer {
        self.recorded.unwrap_or(self.suggested)
    }
}

pub fn qualification<'m>(
    graph: &AccountGraph,
    m: &'m Methodology,
    o: &OpportunityNode,
    facts: &Facts,
) -> Vec<QuestionStatus<'m>> {
    m.questions
        .iter()
        .map(|q| {
            let suggested = if q.yes_when.holds(&facts.context) {
                Answer::Yes
            } else if q.no_when.holds(&facts.context) {
                Answer::No
            } else {
                Answer::Unknown
            };
            let recorded = graph
                .answers
                .iter()
                .find(|a| a.opportunity == o.id && a.question == q.id)
                .and_then(|a| Answer::parse(&a.answer));
            let evidence = facts.evidence(&q.evidence);
            QuestionStatus {
                question: q,
                suggested,
                recorded,
                evidence,
            }
        })
        .collect()
}
