//! Decision chain: influence-weighted coverage, and which required roles are unknown
//! or uncovered.

use super::{member_evidence, ChainMember};
use crate::graph::{
    explain::{pct, weighted_mean, Explanation, Score},
    model::AccountGraph,
};

/// `coverage × known_required / required`, with
/// `coverage = Σ w_p × KP_p / Σ w_p` over every chain member.
pub fn decision_chain_score(graph: &AccountGraph, chain: &[ChainMember]) -> Score {
    let mut x = Explanation::new(
        "coverage × (required roles held by someone not against us / required roles); coverage = Σ w_p × KP_p / Σ w_p over the chain",
    );
    let required = &graph.scoring.required_buying_roles;
    // A role counts once someone in it is known and not against us: a role held
    // only by opponents is still to be won, and knowing them must not raise the
    // score (docs/scoring.md, "Opponents and vacant seats").
    let known: Vec<&String> = required
        .iter()
        .filter(|r| {
            chain
                .iter()
                .any(|m| !m.against_us() && graph.scoring.fills(&m.member.buying_role, r))
        })
        .collect();
    let opposed: Vec<&String> = required
        .iter()
        .filter(|r| {
            !known.contains(r)
                && chain
                    .iter()
                    .any(|m| graph.scoring.fills(&m.member.buying_role, r))
        })
        .collect();
    let unknown: Vec<&String> = required
        .iter()
        .filter(|r| !known.contains(r) && !opposed.contains(r))
        .collect();
    let role_factor = if required.is_empty() {
        1.0
    } else {
        known.len() as f64 / required.len() as f64
    };
    let coverage = weighted_mean(chain.iter().map(|m| (m.weight(), graph.ours(m.person()))));
    // A role is covered by a real tie, judged as everywhere (`AccountGraph::judged`).
    let uncovered: Vec<&String> = known
        .iter()
        .copied()
        .filter(|r| {
            chain
                .iter()
                .filter(|m| graph.scoring.fills(&m.member.buying_role, r))
                .all(|m| graph.real_ties(m.person()).is_empty())
        })
        .collect();
    x.input("coverage", coverage, None);
    x.input(
        "required roles held by someone not against us",
        known.len() as f64,
        None,
    );
    x.input("required roles", required.len() as f64, None);
    for m in chain {
        x.evidence.push(member_evidence(graph, m));
        if m.influence.derived {
            x.note(format!(
                "influence of {} is derived",
                graph.person_name(m.person())
            ));
        }
    }
    for r in &unknown {
        x.note(format!("required role not identified: {r}"));
    }
    for r in &opposed {
        x.note(format!("required role held only by people against us: {r}"));
    }
    for r in &uncovered {
        x.note(format!("required role without a real tie: {r}"));
    }
    if chain.is_empty() {
        x.note("no decision chain is mapped");
        x.summary = "No decision chain mapped yet.".into();
        return Score::new(0.0, x);
    }
    let value = coverage * role_factor;
    // Says which roles are not yet ours and why: a role nobody is known in reads
    // differently from one whose holders are against us (a sceptical CFO is known,
    // but not won).
    let list = |roles: &[&String]| {
        roles
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut gaps = Vec::new();
    if !unknown.is_empty() {
        gaps.push(format!("not identified: {}", list(&unknown)));
    }
    if !opposed.is_empty() {
        gaps.push(format!(
            "held only by people against us: {}",
            list(&opposed)
        ));
    }
    x.summary = format!(
        "We cover {} of the chain by influence; {} of {} required roles held by someone not against us{}.",
        pct(coverage),
        known.len(),
        required.len(),
        if gaps.is_empty() {
            String::new()
        } else {
            format!(" ({})", gaps.join("; "))
        }
    );
    Score::new(value, x)
}
