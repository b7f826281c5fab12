//! Competitor: each competitor's hold on the chain, and our position person by person.

use uuid::Uuid;

use super::{key_people, ChainMember};
use crate::graph::data::MemberNode;
use crate::graph::{
    explain::{pct, weighted_mean, Evidence, Explanation, Score},
    model::AccountGraph,
};

/// Two strengths closer than this are a tie.
const TIE: f64 = 1e-9;

/// A competitor's strength with a person, in [0, 1]: their assessed tie, raised to
/// the methodology's floor when the person favours them.
fn theirs(graph: &AccountGraph, m: &MemberNode, competitor: Uuid) -> f64 {
    let tie = graph
        .their_ties
        .get(&m.person)
        .and_then(|ties| ties.iter().find(|t| t.competitor == competitor))
        .map_or(0.0, |t| f64::from(t.strength) / 5.0);
    if m.favoured_competitor == Some(competitor) {
        tie.max(graph.scoring.favoured_competitor_strength / 5.0)
    } else {
        tie
    }
}

/// The strongest competitor with a chain member and their strength, 0..5 (their
/// tie, raised to the favoured floor); `None` when no competitor holds anything.
/// Equal strengths go to the lowest competitor id, so answers are stable.
pub fn strongest_competitor(graph: &AccountGraph, m: &MemberNode) -> Option<(Uuid, f64)> {
    let mut candidates: Vec<Uuid> = graph
        .their_ties
        .get(&m.person)
        .into_iter()
        .flatten()
        .map(|t| t.competitor)
        .collect();
    candidates.extend(m.favoured_competitor);
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .map(|c| (c, theirs(graph, m, c)))
        .fold(None, |best: Option<(Uuid, f64)>, (c, s)| {
            if s > best.map_or(0.0, |b| b.1) {
                Some((c, s))
            } else {
                best
            }
        })
        .map(|(c, s)| (c, s * 5.0))
}

/// The opportunity: `Σ w_p × position_p / Σ w_p` over key people, where position is
/// 1 when our best tie beats every competitor's, 0.5 when level (nobody holding
/// them at all is level too), 0 when behind or when they are against us: an
/// opponent is no lead of ours whatever our tie, so an opponent joining the chain
/// or someone turning against us never raises the score.
pub fn competitor_score(graph: &AccountGraph, chain: &[ChainMember]) -> Score {
    let mut x = Explanation::new(
        "Σ w_p × position_p / Σ w_p over key people; position 1 if ours > best competitor's, 0.5 if equal, 0 if behind or against us",
    );
    x.weight(
        "favoured competitor strength",
        graph.scoring.favoured_competitor_strength,
    );
    if chain.is_empty() {
        x.note("no decision chain is mapped");
        x.summary = "No decision chain mapped yet.".into();
        return Score::new(0.0, x);
    }
    let (key, fallback) = key_people(graph, chain);
    if fallback {
        x.note("no member reaches the key-person influence; every member counts");
    }
    let mut behind = Vec::new();
    let mut against = 0;
    let mut pairs = Vec::new();
    for m in &key {
        let ours = graph.ours(m.person());
        let (best, best_competitor) =
            strongest_competitor(graph, m.member).map_or((0.0, None), |(c, s)| (s / 5.0, Some(c)));
        let position = if m.against_us() {
            0.0
        } else if (ours - best).abs() <= TIE {
            0.5
        } else if ours > best {
            1.0
        } else {
            0.0
        };
        let name = graph.person_name(m.person());
        let rival = best_competitor.map(|c| graph.competitor_name(c));
        x.evidence.push(Evidence {
            kind: "position".into(),
            description: format!(
                "{name}: ours {:.2} vs {} {:.2} → {}",
                ours * 5.0,
                rival.as_deref().unwrap_or("no competitor"),
                best * 5.0,
                match position {
                    p if p > 0.75 => "we lead",
                    p if p > 0.25 => "level",
                    _ if m.against_us() => "against us",
                    _ => "behind",
                }
            ),
            value: Some(position),
            person_id: Some(m.person()),
            competitor_id: best_competitor,
            ..Default::default()
        });
        if position == 0.0 && !m.against_us() {
            behind.push(name.clone());
        }
        if m.against_us() {
            against += 1;
            x.note(format!("{name} is against us: no lead of ours"));
        }
        if position == 0.5 {
            x.note(format!(
                "{name}: level with {}",
                rival.as_deref().unwrap_or("nobody")
            ));
        }
        pairs.push((m.weight(), position));
    }
    for c in graph.competitors.keys() {
        let hold = competitor_hold_value(graph, chain, *c);
        x.input(format!("hold of {}", graph.competitor_name(*c)), hold, None);
    }
    let value = weighted_mean(pairs);
    x.summary = if behind.is_empty() && against > 0 {
        format!(
            "No competitor is ahead, but {against} key people are against us ({}).",
            pct(value)
        )
    } else if behind.is_empty() {
        format!("We lead or are level on every key person ({}).", pct(value))
    } else {
        format!("A competitor is ahead with {}.", behind.join(", "))
    };
    Score::new(value, x)
}

fn competitor_hold_value(graph: &AccountGraph, chain: &[ChainMember], competitor: Uuid) -> f64 {
    weighted_mean(
        chain
            .iter()
            .map(|m| (m.weight(), theirs(graph, m.member, competitor))),
    )
}

/// One competitor's influence-weighted hold on the chain (higher is stronger for
/// them): `Σ w_p × theirs_p / Σ w_p`.
pub fn competitor_hold(graph: &AccountGraph, chain: &[ChainMember], competitor: Uuid) -> Score {
    let mut x = Explanation::new(
        "Σ w_p × their strength_p / 5 / Σ w_p over the chain (higher is stronger for them)",
    );
    let name = graph.competitor_name(competitor);
    for m in chain {
        let t = theirs(graph, m.member, competitor);
        if t > 0.0 {
            x.evidence.push(Evidence {
                kind: "competitor_tie".into(),
                description: format!(
                    "{name} → {}: {:.1}{}",
                    graph.person_name(m.person()),
                    t * 5.0,
                    if m.member.favoured_competitor == Some(competitor) {
                        " (favours them)"
                    } else {
                        ""
                    }
                ),
                value: Some(t * 5.0),
                person_id: Some(m.person()),
                competitor_id: Some(competitor),
                ..Default::default()
            });
        }
    }
    if chain.is_empty() {
        x.note("no decision chain is mapped");
    }
    let value = competitor_hold_value(graph, chain, competitor);
    x.summary = format!("{name} holds {} of the chain by influence.", pct(value));
    Score::new(value, x)
}
