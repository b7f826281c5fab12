//! Employee: each employee's relationship capital, and what we keep if one leaves.

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{key_people, tie_evidence, ChainMember};
use crate::domain::Phrase;
use crate::graph::{
    explain::{pct, weighted_mean, Evidence, Explanation, Score},
    influence::account_importance,
    model::AccountGraph,
};

/// Influence-weighted coverage of the chain by the employees `keep` accepts.
pub fn chain_coverage(
    graph: &AccountGraph,
    chain: &[ChainMember],
    keep: impl Fn(Uuid) -> bool,
) -> f64 {
    weighted_mean(
        chain
            .iter()
            .map(|m| (m.weight(), graph.ours_by(m.person(), &keep))),
    )
}

/// The opportunity: the chain coverage we keep when our most important employee
/// leaves, `min_e coverage(without e)` over employees with a tie into the chain.
/// 1 means nobody's departure costs us anything; it falls as relationships
/// concentrate in one person.
pub fn bench_score(graph: &AccountGraph, chain: &[ChainMember]) -> Score {
    let mut x = Explanation::new("bench-formula");
    if chain.is_empty() {
        x.note(Phrase::new("score-no-chain-note"));
        x.summary = Phrase::new("score-no-chain");
        return Score::new(0.0, x);
    }
    let employees: BTreeSet<Uuid> = chain
        .iter()
        .flat_map(|m| graph.our_ties.get(&m.person()).into_iter().flatten())
        .filter(|t| t.effective.value > 0.0)
        .map(|t| t.employee)
        .collect();
    let full = chain_coverage(graph, chain, |_| true);
    x.input(Phrase::new("bench-input-everyone"), full, None);
    if employees.is_empty() {
        x.note(Phrase::new("bench-nobody-note"));
        x.summary = Phrase::new("bench-nobody");
        return Score::new(0.0, x);
    }
    let mut worst: Option<(Uuid, f64)> = None;
    for &e in &employees {
        let without = chain_coverage(graph, chain, |other| other != e);
        x.input(
            Phrase::new("bench-input-without").arg("employee", graph.employee_name(e)),
            without,
            None,
        );
        if worst.is_none_or(|(_, w)| without < w) {
            worst = Some((e, without));
        }
    }
    let (who, value) = worst.unwrap_or((Uuid::nil(), 0.0));
    let (key, _) = key_people(graph, chain);
    for m in &key {
        let real = graph.real_ties(m.person());
        if real.len() == 1 {
            x.note(
                Phrase::new("bench-single-note")
                    .arg("person", graph.person_name(m.person()))
                    .arg("employee", graph.employee_name(real[0].employee)),
            );
        }
    }
    x.summary = Phrase::new("bench-summary")
        .arg("employee", graph.employee_name(who))
        .arg("full", pct(full))
        .arg("without", pct(value));
    Score::new(value, x)
}

/// One employee's relationship capital at the account: their coverage of its
/// people weighted by importance (level and structure), and the key people only
/// they reach.
pub fn employee_capital(graph: &AccountGraph, employee: Uuid) -> Score {
    let mut x = Explanation::new("capital-formula");
    let name = graph.employee_name(employee);
    let active = graph.employees.get(&employee).is_some_and(|e| e.active);
    if !active {
        x.note(Phrase::new("capital-departed-note").arg("employee", &name));
    }
    let mut pairs = Vec::with_capacity(graph.people.len());
    let mut sole = Vec::new();
    for p in &graph.people {
        let importance = account_importance(graph, p.id);
        let tie = graph
            .our_ties
            .get(&p.id)
            .and_then(|ties| ties.iter().find(|t| t.employee == employee));
        let value = if active {
            tie.map_or(0.0, |t| t.effective.value / 5.0)
        } else {
            0.0
        };
        if let Some(t) = tie {
            x.evidence.push(tie_evidence(graph, p.id, t));
        }
        let real = graph.real_ties(p.id);
        if active && real.len() == 1 && real[0].employee == employee {
            sole.push(p.id);
            x.evidence.push(Evidence {
                kind: "sole_tie".into(),
                description: Phrase::new("evidence-sole-tie")
                    .arg("employee", &name)
                    .arg("person", &p.name),
                person_id: Some(p.id),
                employee_id: Some(employee),
                ..Default::default()
            });
        }
        pairs.push((importance, value));
    }
    let value = weighted_mean(pairs);
    x.input(Phrase::new("capital-input-sole"), sole.len() as f64, None);
    x.summary = Phrase::new("capital-summary")
        .arg("employee", &name)
        .arg("pct", pct(value))
        .arg("count", sole.len());
    Score::new(value, x)
}
