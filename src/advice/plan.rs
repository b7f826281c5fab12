//! The ESP+ account plan: checklist status per element and a scorecard.

use crate::{
    graph::AccountGraph,
    methodology::{Methodology, PlanElement, PlanItem},
};

use super::{facts::Facts, steps::check};

/// Where a checklist item stands: the same as a win step.
pub use super::steps::StepStatus as ItemStatus;

/// An item, its status and the facts an automatic item read.
pub type ItemReport<'m> = (&'m PlanItem, ItemStatus, Vec<(String, String)>);

#[derive(Debug, Clone)]
pub struct ElementStatus<'m> {
    pub element: &'m PlanElement,
    pub items: Vec<ItemReport<'m>>,
    /// Share of items done or satisfied, 0..1.
    pub completion: f64,
}

#[derive(Debug, Clone)]
pub struct AccountPlan<'m> {
    pub elements: Vec<ElementStatus<'m>>,
    /// Mean completion over the elements, 0..1.
    pub completion: f64,
}

pub fn account_plan<'m>(
    graph: &AccountGraph,
    m: &'m Methodology,
    facts: &Facts,
) -> AccountPlan<'m> {
    let elements: Vec<ElementStatus> = m
        .plan
        .iter()
        .map(|element| {
            let items: Vec<_> = element
                .items
                .iter()
                .map(|item| {
                    let ticked = graph
                        .plan_ticks
                        .iter()
                        .any(|(id, done)| id == &item.id && *done);
                    let (status, evidence) = check(ticked, item.condition.as_ref(), facts);
                    (item, status, evidence)
                })
                .collect();
            let completion = if items.is_empty() {
                1.0
            } else {
                items
                    .iter()
                    .filter(|(_, s, _)| *s != ItemStatus::Missing)
                    .count() as f64
                    / items.len() as f64
            };
            ElementStatus {
                element,
                items,
                completion,
            }
        })
        .collect();
    let completion = if elements.is_empty() {
        0.0
    } else {
        elements.iter().map(|e| e.completion).sum::<f64>() / elements.len() as f64
    };
    AccountPlan {
        elements,
        completion,
    }
}
