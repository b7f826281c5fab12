//! Key person: how strong our relationship with a person is, and how much they matter.

use uuid::Uuid;

use super::{key_people, member_evidence, tie_evidence, ChainMember};
use crate::graph::{
    explain::{pct, weighted_mean, Evidence, Explanation, Score},
    model::AccountGraph,
};

/// One person: our best effective tie, normalised. `KP = max_e effective(e, p) / 5`.
pub fn person_score(graph: &AccountGraph, person: Uuid) -> Score {
    let mut x = Explanation::new("max over our active employees of effective strength / 5");
    let value = graph.ours(person);
    let name = graph.person_name(person);
    for tie in graph.our_ties.get(&person).into_iter().flatten() {
        x.evidence.push(tie_evidence(graph, person, tie));
    }
    for tie in graph.departed_ties.get(&person).into_iter().flatten() {
        x.evidence.push(Evidence {
            kind: "departed_tie".into(),
            ..tie_evidence(graph, person, tie)
        });
        x.note(format!(
            "{} has left; their tie (assessed {}) carries nothing",
            graph.employee_name(tie.employee),
            tie.assessed
        ));
    }
    // Met but never assessed: shown, never counted (docs/scoring.md).
    for d in graph.derived_ties.get(&person).into_iter().flatten() {
        x.evidence.push(Evidence {
            kind: "derived_tie".into(),
            description: format!(
                "{} → {name}: met {} in 180 days (last {}), never assessed; not counted",
                graph.employee_name(d.employee),
                crate::domain::count(d.meetings as i64, "time", "times"),
                d.last_met
            ),
            value: None,
            person_id: Some(person),
            employee_id: Some(d.employee),
            ..Default::default()
        });
        x.note(format!(
            "{} has met {name} {} without assessing the tie: assess it to count it",
            graph.employee_name(d.employee),
            crate::domain::count(d.meetings as i64, "time", "times")
        ));
    }
    let ties = graph.our_ties.get(&person).map_or(0, Vec::len);
    if ties == 0 {
        x.note(format!("none of our active employees has a tie to {name}"));
    }
    x.input("best effective strength", value * 5.0, None);
    x.input("active ties", ties as f64, None);
    x.summary = format!(
        "Our best tie to {name} is {:.1} of 5 ({}).",
        value * 5.0,
        pct(value)
    );
    Score::new(value, x)
}

/// The opportunity: influence-weighted mean of the key people's scores.
pub fn key_person_score(graph: &AccountGraph, chain: &[ChainMember]) -> Score {
    let mut x = Explanation::new(
        "Σ w_p × KP_p / Σ w_p over key people (influence ≥ threshold), w_p = influence / 5",
    );
    x.weight(
        "key person influence threshold",
        graph.scoring.key_person_influence,
    );
    if chain.is_empty() {
        x.note("no decision chain is mapped: nobody to be close to yet");
        x.summary = "No decision chain mapped yet.".into();
        return Score::new(0.0, x);
    }
    let (key, fallback) = key_people(graph, chain);
    if fallback {
        x.note("no member reaches the key-person influence; every member counts");
    }
    for m in &key {
        x.input(
            format!("KP {}", graph.person_name(m.person())),
            graph.ours(m.person()),
            Some(format!("weight {:.2}", m.weight())),
        );
        x.evidence.push(member_evidence(graph, m));
        if m.influence.derived {
            x.note(format!(
                "influence of {} is derived",
                graph.person_name(m.person())
            ));
        }
    }
    let value = weighted_mean(key.iter().map(|m| (m.weight(), graph.ours(m.person()))));
    let weakest = key
        .iter()
        .min_by(|a, b| graph.ours(a.person()).total_cmp(&graph.ours(b.person())))
        .map(|m| graph.person_name(m.person()))
        .unwrap_or_default();
    x.summary = format!(
        "Across {} key people our ties average {} (weakest: {weakest}).",
        key.len(),
        pct(value)
    );
    Score::new(value, x)
}
