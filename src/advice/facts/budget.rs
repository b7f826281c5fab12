//! The budget and the compelling event as facts.

use super::*;

/// The budget and the compelling event: flags for conditions, and whom a prompt
/// about the budget names (the budget holder and who of ours asks them).
pub(super) fn budget_facts(
    f: &mut Facts,
    graph: &AccountGraph,
    chain: &[ChainMember],
    o: &OpportunityNode,
    today: Date,
) {
    use crate::domain::BudgetStatus;
    let q = &o.qualifying;
    f.set(
        "budget_status",
        FactValue::Text(q.budget.as_str().to_owned()),
    );
    f.flag("budget_confirmed", q.budget == BudgetStatus::Confirmed);
    f.flag("budget_unconfirmed", q.budget == BudgetStatus::Unconfirmed);
    f.flag("budget_unknown", q.budget == BudgetStatus::Unknown);
    f.flag(
        "budget_below_amount",
        q.budget_amount.is_some_and(|b| b + 0.005 < o.amount),
    );
    f.flag("has_compelling_event", q.event.is_some());
    f.count(
        "days_to_compelling_event",
        q.event_by.map_or(NO_DAYS, |d| (d - today).whole_days()),
    );
    f.word("compelling_event", q.event.clone().unwrap_or_default());
    let (state, state_zh) = match q.budget {
        BudgetStatus::Confirmed => ("confirmed", "已确认"),
        BudgetStatus::Unconfirmed => ("not confirmed", "未确认"),
        BudgetStatus::Unknown => ("unknown", "不清楚"),
    };
    f.word("budget_state", state);
    f.words_zh.insert("budget_state", state_zh.to_owned());
    let roles: Vec<String> = ["financial_evaluator", "decision_maker", "approver"]
        .iter()
        .map(|r| (*r).to_owned())
        .collect();
    let holder = whom_to_ask(graph, chain, &roles);
    let asker = holder
        .and_then(|(_, e)| e)
        .map(|e| graph.employee_name(e))
        .unwrap_or_else(|| f.words.get("owner").cloned().unwrap_or_default());
    f.word("budget_asker", asker);
    match holder {
        Some((p, _)) => {
            let name = graph.person_name(p);
            f.candidates_of(
                "budget_holder",
                vec![Candidate {
                    person: Some(p),
                    words: vec![("budget_holder", name)],
                    words_zh: Vec::new(),
                }],
            );
        }
        None => {
            f.word("budget_holder", "whoever holds the budget".to_owned());
            f.words_zh.insert("budget_holder", "预算负责人".to_owned());
        }
    }
}
