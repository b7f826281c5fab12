//! Decision chain: influence-weighted coverage, and which required roles are unknown
//! or uncovered.

use super::{derived_note, member_evidence, ChainMember};
use crate::domain::{Arg, Phrase};
use crate::graph::{
    explain::{pct, weighted_mean, Explanation, Score},
    model::{AccountGraph, Term},
};

/// `coverage × known_required / required`, with
/// `coverage = Σ w_p × KP_p / Σ w_p` over every chain member.
pub fn decision_chain_score(graph: &AccountGraph, chain: &[ChainMember]) -> Score {
    let mut x = Explanation::new("dc-formula");
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
    x.input(Phrase::new("dc-input-coverage"), coverage, None);
    x.input(Phrase::new("dc-input-held"), known.len() as f64, None);
    x.input(
        Phrase::new("dc-input-required"),
        required.len() as f64,
        None,
    );
    for m in chain {
        x.evidence.push(member_evidence(graph, m));
        if m.influence.derived {
            x.note(derived_note(graph, m));
        }
    }
    let role = |r: &String| graph.term(Term::BuyingRole, r);
    for r in &unknown {
        x.note(Phrase::new("dc-unknown-note").arg("role", role(r)));
    }
    for r in &opposed {
        x.note(Phrase::new("dc-opposed-note").arg("role", role(r)));
    }
    for r in &uncovered {
        x.note(Phrase::new("dc-uncovered-note").arg("role", role(r)));
    }
    if chain.is_empty() {
        x.note(Phrase::new("score-no-chain-note"));
        x.summary = Phrase::new("score-no-chain");
        return Score::new(0.0, x);
    }
    let value = coverage * role_factor;
    // Says which roles are not yet ours and why: a role nobody is known in reads
    // differently from one whose holders are against us (a sceptical CFO is known,
    // but not won).
    let list = |roles: &[&String]| Arg::List(roles.iter().map(|r| role(r)).collect());
    let mut gaps = Vec::new();
    if !unknown.is_empty() {
        gaps.push(Arg::from(
            Phrase::new("dc-gap-unknown").arg("roles", list(&unknown)),
        ));
    }
    if !opposed.is_empty() {
        gaps.push(Arg::from(
            Phrase::new("dc-gap-opposed").arg("roles", list(&opposed)),
        ));
    }
    x.summary = if gaps.is_empty() {
        Phrase::new("dc-summary")
    } else {
        let gaps = match <[Arg; 2]>::try_from(gaps) {
            Ok([first, second]) => Phrase::new("dc-gaps-two")
                .arg("first", first)
                .arg("second", second)
                .into(),
            Err(mut one) => one.remove(0),
        };
        Phrase::new("dc-summary-gaps").arg("gaps", gaps)
    }
    .arg("pct", pct(coverage))
    .arg("held", known.len())
    .arg("required", required.len());
    Score::new(value, x)
}
