//! Our company: which of our roles carry the chain, and how concentrated that is.

use std::collections::HashMap;

use uuid::Uuid;

use super::ChainMember;
use crate::domain::Phrase;
use crate::graph::{
    data::OpportunityNode,
    explain::{pct, weighted_mean, Explanation, Score},
    model::{AccountGraph, Term},
};

/// `Σ_r weight_r × coverage_r / Σ weight_r` over the methodology's company roles
/// with someone to cover, where `coverage_r` is the influence-weighted best tie of
/// employees acting in role r (their part on the deal team, else their job role) to
/// the chain members in r's target set.
pub fn company_score(
    graph: &AccountGraph,
    opportunity: &OpportunityNode,
    chain: &[ChainMember],
) -> Score {
    let mut x = Explanation::new("company-formula");
    let team: HashMap<Uuid, &str> = opportunity
        .team
        .iter()
        .map(|(e, r)| (*e, r.as_str()))
        .collect();
    let role_of = |e: Uuid| -> String {
        team.get(&e)
            .map(|r| (*r).to_owned())
            .or_else(|| graph.employees.get(&e).map(|e| e.role.clone()))
            .unwrap_or_default()
    };
    let mut weighted = Vec::new();
    for r in &graph.scoring.company_roles {
        let targets: Vec<&ChainMember> = chain
            .iter()
            .filter(|m| {
                r.buying_roles.contains(&m.member.buying_role)
                    || graph
                        .person(m.person())
                        .is_some_and(|p| r.levels.contains(&p.level))
            })
            .collect();
        if targets.is_empty() {
            x.note(
                Phrase::new("company-role-empty-note")
                    .arg("role", graph.term(Term::EmployeeRole, &r.role)),
            );
            continue;
        }
        let coverage = weighted_mean(targets.iter().map(|m| {
            (
                m.weight(),
                graph.ours_by(m.person(), |e| role_of(e) == r.role),
            )
        }));
        let role = graph.term(Term::EmployeeRole, &r.role);
        x.weight(
            Phrase::new("company-weight-role").arg("role", role.clone()),
            r.weight,
        );
        x.input(
            Phrase::new("company-input-coverage").arg("role", role),
            coverage,
            Some(Phrase::new("company-targets").arg("count", targets.len())),
        );
        weighted.push((r.weight, coverage));
    }
    // Concentration: each employee's share of our total effective strength into the chain.
    let mut held: HashMap<Uuid, f64> = HashMap::new();
    for m in chain {
        for t in graph.our_ties.get(&m.person()).into_iter().flatten() {
            *held.entry(t.employee).or_default() += m.weight() * t.effective.value;
        }
    }
    let total: f64 = held.values().sum();
    if total > 0.0 {
        let hhi: f64 = held.values().map(|v| (v / total).powi(2)).sum();
        let (top, top_value) = held
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(e, v)| (*e, *v))
            .unwrap_or((Uuid::nil(), 0.0));
        x.input(
            Phrase::new("company-input-concentration"),
            hhi,
            Some(Phrase::new("company-concentration-note")),
        );
        x.input(
            Phrase::new("company-input-share").arg("employee", graph.employee_name(top)),
            top_value / total,
            None,
        );
    }
    if weighted.is_empty() {
        x.note(Phrase::new("company-no-targets-note"));
        x.summary = Phrase::new("company-no-targets");
        return Score::new(0.0, x);
    }
    let value = weighted_mean(weighted);
    x.summary = Phrase::new("company-summary").arg("pct", pct(value));
    Score::new(value, x)
}
