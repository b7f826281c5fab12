//! Account: breadth by people, departments and levels, and depth at the top.

use std::collections::BTreeSet;

use super::tie_evidence;
use crate::domain::Phrase;
use crate::graph::{
    explain::{pct, Explanation, Score},
    model::{AccountGraph, Term},
};

/// `Σ weight × part` over four parts in [0, 1]: the share of people we have a real
/// tie with, of departments and of levels with at least one such person, and our
/// mean best tie to the people of the top level present.
pub fn account_score(graph: &AccountGraph) -> Score {
    graph.account_score.get_or_init(|| compute(graph)).clone()
}

fn compute(graph: &AccountGraph) -> Score {
    let w = &graph.scoring.account_weights;
    let mut x = Explanation::new("account-formula");
    x.weight(Phrase::new("account-weight-people"), w.people);
    x.weight(Phrase::new("account-weight-departments"), w.departments);
    x.weight(Phrase::new("account-weight-levels"), w.levels);
    x.weight(Phrase::new("account-weight-top-depth"), w.top_depth);
    x.weight(
        Phrase::new("account-weight-real-tie"),
        graph.scoring.real_tie_strength,
    );
    if graph.people.is_empty() {
        x.note(Phrase::new("account-no-people-note"));
        x.summary = Phrase::new("account-no-people").arg("account", &graph.account_name);
        return Score::new(0.0, x);
    }
    let tied = |p: &uuid::Uuid| !graph.real_ties(*p).is_empty();
    let people_share =
        graph.people.iter().filter(|p| tied(&p.id)).count() as f64 / graph.people.len() as f64;
    let departments: BTreeSet<&str> = graph.people.iter().map(|p| p.department.as_str()).collect();
    let reached_departments: BTreeSet<&str> = graph
        .people
        .iter()
        .filter(|p| tied(&p.id))
        .map(|p| p.department.as_str())
        .collect();
    let levels: BTreeSet<&str> = graph.people.iter().map(|p| p.level.as_str()).collect();
    let reached_levels: BTreeSet<&str> = graph
        .people
        .iter()
        .filter(|p| tied(&p.id))
        .map(|p| p.level.as_str())
        .collect();
    let top_rank = graph
        .people
        .iter()
        .map(|p| graph.level_rank(&p.level))
        .min()
        .unwrap_or(0);
    let top: Vec<_> = graph
        .people
        .iter()
        .filter(|p| graph.level_rank(&p.level) == top_rank)
        .collect();
    let depth = top.iter().map(|p| graph.ours(p.id)).sum::<f64>() / top.len() as f64;
    let department_share = reached_departments.len() as f64 / departments.len() as f64;
    let level_share = reached_levels.len() as f64 / levels.len() as f64;
    let of = |part: usize, whole: usize| {
        Phrase::new("account-part-of")
            .arg("part", part)
            .arg("whole", whole)
    };
    x.input(Phrase::new("account-input-people"), people_share, None);
    x.input(
        Phrase::new("account-input-departments"),
        department_share,
        Some(of(reached_departments.len(), departments.len())),
    );
    x.input(
        Phrase::new("account-input-levels"),
        level_share,
        Some(of(reached_levels.len(), levels.len())),
    );
    x.input(
        Phrase::new("account-input-top"),
        depth,
        Some(Phrase::new("account-top-note").arg("count", top.len()).arg(
            "level",
            graph.term(
                Term::Level,
                top.first().map(|p| p.level.as_str()).unwrap_or("-"),
            ),
        )),
    );
    for d in departments.difference(&reached_departments) {
        x.note(
            Phrase::new("account-department-note")
                .arg("department", graph.term(Term::Department, d)),
        );
    }
    for p in &top {
        for tie in graph.our_ties.get(&p.id).into_iter().flatten() {
            x.evidence.push(tie_evidence(graph, p.id, tie));
        }
    }
    let value = w.people * people_share
        + w.departments * department_share
        + w.levels * level_share
        + w.top_depth * depth;
    x.summary = Phrase::new("account-summary")
        .arg("people", pct(people_share))
        .arg("reached", reached_departments.len())
        .arg("departments", departments.len())
        .arg("depth", pct(depth));
    Score::new(value, x)
}
