//! Competitor: each competitor's hold on the chain, and our position person by person.

use uuid::Uuid;

use super::{key_people, ChainMember};
use crate::domain::{Arg, Phrase};
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
    let mut x = Explanation::new("competitor-formula");
    x.weight(
        Phrase::new("competitor-weight-favoured"),
        graph.scoring.favoured_competitor_strength,
    );
    if chain.is_empty() {
        x.note(Phrase::new("score-no-chain-note"));
        x.summary = Phrase::new("score-no-chain");
        return Score::new(0.0, x);
    }
    let (key, fallback) = key_people(graph, chain);
    if fallback {
        x.note(Phrase::new("score-fallback-note"));
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
            description: Phrase::new("evidence-position")
                .arg("person", &name)
                .arg("ours", format!("{:.2}", ours * 5.0))
                .arg(
                    "rival",
                    rival
                        .clone()
                        .map_or_else(|| Phrase::new("competitor-none").into(), Arg::from),
                )
                .arg("theirs", format!("{:.2}", best * 5.0))
                .arg(
                    "position",
                    Phrase::new(match position {
                        p if p > 0.75 => "position-lead",
                        p if p > 0.25 => "position-level",
                        _ if m.against_us() => "position-against",
                        _ => "position-behind",
                    }),
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
            x.note(Phrase::new("competitor-against-note").arg("person", &name));
        }
        if position == 0.5 {
            x.note(
                Phrase::new("competitor-level-note")
                    .arg("person", &name)
                    .arg(
                        "rival",
                        rival
                            .clone()
                            .map_or_else(|| Phrase::new("competitor-nobody").into(), Arg::from),
                    ),
            );
        }
        pairs.push((m.weight(), position));
    }
    for c in graph.competitors.keys() {
        let hold = competitor_hold_value(graph, chain, *c);
        x.input(
            Phrase::new("competitor-input-hold").arg("competitor", graph.competitor_name(*c)),
            hold,
            None,
        );
    }
    let value = weighted_mean(pairs);
    x.summary = if behind.is_empty() && against > 0 {
        Phrase::new("competitor-summary-against")
            .arg("count", against)
            .arg("pct", pct(value))
    } else if behind.is_empty() {
        Phrase::new("competitor-summary-lead").arg("pct", pct(value))
    } else {
        Phrase::new("competitor-summary-behind").arg(
            "people",
            Arg::List(behind.into_iter().map(Arg::Text).collect()),
        )
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
    let mut x = Explanation::new("hold-formula");
    let name = graph.competitor_name(competitor);
    for m in chain {
        let t = theirs(graph, m.member, competitor);
        if t > 0.0 {
            x.evidence.push(Evidence {
                kind: "competitor_tie".into(),
                description: Phrase::new(if m.member.favoured_competitor == Some(competitor) {
                    "evidence-competitor-tie-favoured"
                } else {
                    "evidence-competitor-tie"
                })
                .arg("competitor", &name)
                .arg("person", graph.person_name(m.person()))
                .arg("strength", format!("{:.1}", t * 5.0)),
                value: Some(t * 5.0),
                person_id: Some(m.person()),
                competitor_id: Some(competitor),
                ..Default::default()
            });
        }
    }
    if chain.is_empty() {
        x.note(Phrase::new("score-no-chain-note"));
    }
    let value = competitor_hold_value(graph, chain, competitor);
    x.summary = Phrase::new("hold-summary")
        .arg("competitor", &name)
        .arg("pct", pct(value));
    Score::new(value, x)
}
