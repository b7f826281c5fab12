//! Key person: how strong our relationship with a person is, and how much they matter.

use uuid::Uuid;

use super::{derived_note, key_people, member_evidence, tie_evidence, ChainMember};
use crate::domain::Phrase;
use crate::graph::{
    explain::{pct, weighted_mean, Evidence, Explanation, Score},
    model::AccountGraph,
};

/// One person: our best effective tie, normalised. `KP = max_e effective(e, p) / 5`.
pub fn person_score(graph: &AccountGraph, person: Uuid) -> Score {
    let mut x = Explanation::new("kp-person-formula");
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
        x.note(
            Phrase::new("kp-departed-note")
                .arg("employee", graph.employee_name(tie.employee))
                .arg("assessed", tie.assessed),
        );
    }
    // Met but never assessed: shown, never counted (docs/scoring.md).
    for d in graph.derived_ties.get(&person).into_iter().flatten() {
        x.evidence.push(Evidence {
            kind: "derived_tie".into(),
            description: Phrase::new("kp-derived-tie")
                .arg("employee", graph.employee_name(d.employee))
                .arg("person", &name)
                .arg("times", d.meetings)
                .arg("last", d.last_met),
            value: None,
            person_id: Some(person),
            employee_id: Some(d.employee),
            ..Default::default()
        });
        x.note(
            Phrase::new("kp-derived-tie-note")
                .arg("employee", graph.employee_name(d.employee))
                .arg("person", &name)
                .arg("times", d.meetings),
        );
    }
    let ties = graph.our_ties.get(&person).map_or(0, Vec::len);
    if ties == 0 {
        x.note(Phrase::new("kp-no-tie-note").arg("person", &name));
    }
    x.input(Phrase::new("kp-input-best"), value * 5.0, None);
    x.input(Phrase::new("kp-input-ties"), ties as f64, None);
    x.summary = Phrase::new("kp-person-summary")
        .arg("person", &name)
        .arg("strength", format!("{:.1}", value * 5.0))
        .arg("pct", pct(value));
    Score::new(value, x)
}

/// The opportunity: influence-weighted mean of the key people's scores.
pub fn key_person_score(graph: &AccountGraph, chain: &[ChainMember]) -> Score {
    let mut x = Explanation::new("kp-formula");
    x.weight(
        Phrase::new("kp-weight-threshold"),
        graph.scoring.key_person_influence,
    );
    if chain.is_empty() {
        x.note(Phrase::new("kp-no-chain-note"));
        x.summary = Phrase::new("score-no-chain");
        return Score::new(0.0, x);
    }
    let (key, fallback) = key_people(graph, chain);
    if fallback {
        x.note(Phrase::new("score-fallback-note"));
    }
    for m in &key {
        x.input(
            Phrase::new("kp-input-person").arg("person", graph.person_name(m.person())),
            graph.ours(m.person()),
            Some(Phrase::new("kp-input-weight").arg("weight", format!("{:.2}", m.weight()))),
        );
        x.evidence.push(member_evidence(graph, m));
        if m.influence.derived {
            x.note(derived_note(graph, m));
        }
    }
    let value = weighted_mean(key.iter().map(|m| (m.weight(), graph.ours(m.person()))));
    let weakest = key
        .iter()
        .min_by(|a, b| graph.ours(a.person()).total_cmp(&graph.ours(b.person())))
        .map(|m| graph.person_name(m.person()))
        .unwrap_or_default();
    x.summary = Phrase::new("kp-summary")
        .arg("count", key.len())
        .arg("pct", pct(value))
        .arg("weakest", weakest);
    Score::new(value, x)
}
