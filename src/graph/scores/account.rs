//! Account: breadth by people, departments and levels, and depth at the top.

use std::collections::BTreeSet;

use super::tie_evidence;
use crate::graph::{
    explain::{pct, Explanation, Score},
    model::AccountGraph,
};

/// `Σ weight × part` over four parts in [0, 1]: the share of people we have a real
/// tie with, of departments and of levels with at least one such person, and our
/// mean best tie to the people of the top level present.
pub fn account_score(graph: &AccountGraph) -> Score {
    graph.account_score.get_or_init(|| compute(graph)).clone()
}

fn compute(graph: &AccountGraph) -> Score {
    let w = &graph.scoring.account_weights;
    let mut x = Explanation::new(
        "people × share of people with a real tie + departments × share of departments reached + levels × share of levels reached + top_depth × mean KP at the top level",
    );
    x.weight("people", w.people);
    x.weight("departments", w.departments);
    x.weight("levels", w.levels);
    x.weight("top_depth", w.top_depth);
    x.weight("real tie strength", graph.scoring.real_tie_strength);
    if graph.people.is_empty() {
        x.note("the account has no people mapped");
        x.summary = format!("{} has no people mapped yet.", graph.account_name);
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
    x.input("share of people with a real tie", people_share, None);
    x.input(
        "share of departments reached",
        department_share,
        Some(format!(
            "{} of {}",
            reached_departments.len(),
            departments.len()
        )),
    );
    x.input(
        "share of levels reached",
        level_share,
        Some(format!("{} of {}", reached_levels.len(), levels.len())),
    );
    x.input(
        "mean KP at the top level",
        depth,
        Some(format!(
            "{} at level {}",
            crate::domain::count(top.len() as i64, "person", "people"),
            top.first().map(|p| p.level.as_str()).unwrap_or("-")
        )),
    );
    for d in departments.difference(&reached_departments) {
        x.note(format!("no real tie in department {d}"));
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
    x.summary = format!(
        "Real ties with {} of people in {} of {} departments; {} depth at the top.",
        pct(people_share),
        reached_departments.len(),
        departments.len(),
        pct(depth)
    );
    Score::new(value, x)
}
