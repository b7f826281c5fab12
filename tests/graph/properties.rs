//! Properties over random account graphs (seeded synthetic accounts, small enough
//! to enumerate every simple path).

use std::collections::HashMap;

use guanxi::graph::{
    data::{GraphData, TieEnds},
    model::NodeKey,
    paths::introduction_paths,
    scores::{self, chain, chain_coverage},
    synthetic::{generate, Spec},
    AccountGraph,
};
use petgraph::{
    algo::{all_simple_paths, bellman_ford},
    graph::NodeIndex,
    visit::EdgeRef,
};
use proptest::prelude::*;

use crate::fixture::{methodology, TODAY};

fn small(seed: u64, people: usize, employees: usize, ties: usize, chain_size: usize) -> GraphData {
    generate(&Spec {
        seed,
        people,
        employees,
        competitors: 2,
        ties_per_employee: ties,
        opportunities: 1,
        chain_size,
        as_of: TODAY,
    })
}

fn build(data: &GraphData) -> AccountGraph {
    AccountGraph::build(data, &methodology(), TODAY)
}

fn all_scores(g: &AccountGraph) -> Vec<(String, f64)> {
    all_formula_values(g)
        .into_iter()
        .map(|(name, v)| (name, v.clamp(0.0, 1.0)))
        .collect()
}

/// Every score's formula value, before the unit interval's clamp.
fn all_formula_values(g: &AccountGraph) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for o in &g.opportunities {
        for (name, v) in scores::opportunity_scores(g, o).formula_values() {
            out.push((format!("{} {name}", o.name), v));
        }
    }
    for p in &g.people {
        out.push((
            format!("KP {}", p.name),
            scores::person_score(g, p.id).formula_value,
        ));
    }
    out.push(("account".into(), scores::account_score(g).formula_value));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scores_stay_in_the_unit_interval(seed in any::<u64>(), people in 1usize..30, employees in 1usize..6, ties in 0usize..8, chain_size in 0usize..10) {
        // The formulas themselves keep the range: the clamp on construction
        // never has to bite.
        let g = build(&small(seed, people, employees, ties, chain_size));
        for (name, v) in all_formula_values(&g) {
            prop_assert!(v.is_finite() && (-1e-9..=1.0 + 1e-9).contains(&v), "{name} = {v}");
        }
    }

    #[test]
    fn a_stronger_edge_never_lowers_a_score(seed in any::<u64>(), people in 2usize..25, employees in 1usize..6, ties in 1usize..8, pick in any::<prop::sample::Index>()) {
        let data = small(seed, people, employees, ties, 8);
        let ours: Vec<usize> = data.ties.iter().enumerate()
            .filter(|(_, t)| matches!(t.ends, TieEnds::EmployeePerson { .. }) && t.strength < 5)
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!ours.is_empty());
        let before = all_scores(&build(&data));
        let mut stronger = data.clone();
        stronger.ties[ours[pick.index(ours.len())]].strength += 1;
        let after = all_scores(&build(&stronger));
        for ((name, b), (_, a)) in before.iter().zip(after.iter()) {
            prop_assert!(*a >= b - 1e-12, "{name}: {b} -> {a}");
        }
    }

    #[test]
    fn removing_an_employee_never_raises_coverage(seed in any::<u64>(), people in 2usize..25, employees in 1usize..6, ties in 1usize..8, pick in any::<prop::sample::Index>()) {
        let data = small(seed, people, employees, ties, 8);
        let g = build(&data);
        let who = data.employees[pick.index(data.employees.len())].id;
        let mut without = data.clone();
        without.employees.retain(|e| e.id != who);
        let h = build(&without);
        for (o, o2) in g.opportunities.iter().zip(h.opportunities.iter()) {
            let (c, c2) = (chain(&g, o), chain(&h, o2));
            prop_assert!(chain_coverage(&h, &c2, |_| true) <= chain_coverage(&g, &c, |_| true) + 1e-12);
            let (s, s2) = (scores::opportunity_scores(&g, o), scores::opportunity_scores(&h, o2));
            prop_assert!(s2.key_person.value.get() <= s.key_person.value.get() + 1e-12);
            prop_assert!(s2.decision_chain.value.get() <= s.decision_chain.value.get() + 1e-12);
            // Coverage without `who` is what the bench score keeps in the worst case.
            prop_assert!(s.employee.value.get() <= chain_coverage(&g, &c, |e| e != who) + 1e-12);
        }
    }

    #[test]
    fn a_path_is_never_stronger_than_its_weakest_edge(seed in any::<u64>(), people in 2usize..25, employees in 1usize..6, ties in 1usize..8, pick in any::<prop::sample::Index>()) {
        let data = small(seed, people, employees, ties, 4);
        let g = build(&data);
        let target = data.people[pick.index(data.people.len())].id;
        for p in introduction_paths(&g, target, None, 5).unwrap() {
            let weakest = p.hops.iter().map(|h| h.strength / 5.0).fold(1.0, f64::min);
            prop_assert!(p.strength <= weakest + 1e-12);
            prop_assert!(p.strength > 0.0);
            prop_assert_eq!(p.hops.last().map(|h| h.to), Some(NodeKey::Person(target)));
        }
    }

    #[test]
    fn paths_agree_with_independent_shortest_paths(seed in any::<u64>(), people in 2usize..9, employees in 1usize..5, ties in 1usize..4, pick in any::<prop::sample::Index>(), asker in any::<prop::sample::Index>(), k in 1usize..4) {
        let data = small(seed, people, employees, ties, 3);
        let g = build(&data);
        let h = g.scales.introduction.hop_factor;
        let target_id = data.people[pick.index(data.people.len())].id;
        let target = g.intro_index[&NodeKey::Person(target_id)];
        let employees: Vec<NodeIndex> = g.intro.node_indices().filter(|&n| matches!(g.intro[n], NodeKey::Employee(_))).collect();
        prop_assume!(!employees.is_empty());
        let is_person = |n: NodeIndex| matches!(g.intro[n], NodeKey::Person(_));
        let factor = |a: NodeIndex, b: NodeIndex| {
            g.intro.edges_connecting(a, b).map(|e| h * e.weight().strength / 5.0).fold(0.0, f64::max)
        };
        let product = |path: &[NodeIndex]| path.windows(2).map(|w| factor(w[0], w[1])).product::<f64>();
        let top_k = |mut v: Vec<f64>| { v.sort_by(|a, b| b.total_cmp(a)); v.truncate(k); v };

        // From one employee: Bellman-Ford on -ln(h × s / 5) for the best path, and
        // every simple path grouped by entry employee for the k answers.
        let from = employees[asker.index(employees.len())];
        let from_id = match g.intro[from] { NodeKey::Employee(e) => e, NodeKey::Person(p) => p };
        let ours = introduction_paths(&g, target_id, Some(from_id), k).unwrap();
        let weighted = g.intro.map(|_, n| *n, |_, e| -(h * e.strength / 5.0).ln());
        let bf = bellman_ford(&weighted, from).unwrap();
        let best = (-bf.distances[target.index()]).exp();
        match ours.first() {
            Some(p) => prop_assert!((p.strength - best).abs() < 1e-9, "ours {} vs Bellman-Ford {}", p.strength, best),
            None => prop_assert!(best == 0.0 || bf.distances[target.index()].is_infinite()),
        }
        let mut per_entry: HashMap<NodeIndex, f64> = HashMap::new();
        for path in all_simple_paths::<Vec<NodeIndex>, _, std::hash::RandomState>(&g.intro, from, target, 0, None) {
            let entry = *path.iter().rev().find(|n| !is_person(**n)).unwrap();
            let s = product(&path);
            let e = per_entry.entry(entry).or_insert(0.0);
            *e = e.max(s);
        }
        let expected = top_k(per_entry.into_values().collect());
        let got: Vec<f64> = ours.iter().map(|p| p.strength).collect();
        prop_assert_eq!(got.len(), expected.len());
        for (a, b) in got.iter().zip(expected.iter()) {
            prop_assert!((a - b).abs() < 1e-9, "{got:?} vs {expected:?}");
        }

        // From whoever is best placed: each employee straight in, no colleagues.
        let ours = introduction_paths(&g, target_id, None, k).unwrap();
        let mut per_entry = Vec::new();
        for &e in &employees {
            let best = all_simple_paths::<Vec<NodeIndex>, _, std::hash::RandomState>(&g.intro, e, target, 0, None)
                .filter(|p| p[1..].iter().all(|n| is_person(*n)))
                .map(|p| product(&p))
                .fold(0.0, f64::max);
            if best > 0.0 {
                per_entry.push(best);
            }
        }
        let expected = top_k(per_entry);
        let got: Vec<f64> = ours.iter().map(|p| p.strength).collect();
        prop_assert_eq!(got.len(), expected.len());
        for (a, b) in got.iter().zip(expected.iter()) {
            prop_assert!((a - b).abs() < 1e-9, "{got:?} vs {expected:?}");
        }
    }
}

/// On accounts too large to enumerate, the early-stopping search for whoever is
/// best placed gives what a full Dijkstra from the target and a pass over every
/// employee's ties give: the same strengths, entries and path lengths.
#[test]
fn best_placed_search_agrees_with_a_full_search_on_large_accounts() {
    let mut compared = 0;
    for seed in 0..4u64 {
        let mut spec = Spec::sized(600, seed);
        spec.as_of = TODAY;
        let data = generate(&spec);
        let g = build(&data);
        let h = g.scales.introduction.hop_factor;
        let is_person = |n: NodeIndex| matches!(g.intro[n], NodeKey::Person(_));
        let people = petgraph::visit::NodeFiltered::from_fn(&g.intro, is_person);
        for p in data.people.iter().step_by(7) {
            let target = g.intro_index[&NodeKey::Person(p.id)];
            let dist =
                petgraph::algo::dijkstra(petgraph::visit::Reversed(&people), target, None, |e| {
                    -(h * e.weight().strength / 5.0).ln()
                });
            let mut expected: Vec<(f64, uuid::Uuid)> = g
                .intro
                .node_indices()
                .filter_map(|n| match g.intro[n] {
                    NodeKey::Employee(e) => g
                        .intro
                        .edges(n)
                        .filter_map(|edge| {
                            dist.get(&edge.target())
                                .map(|rest| rest - (h * edge.weight().strength / 5.0).ln())
                        })
                        .min_by(f64::total_cmp)
                        .map(|c| ((-c).exp(), e)),
                    NodeKey::Person(_) => None,
                })
                .collect();
            expected.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then_with(|| (g.employee_name(a.1), a.1).cmp(&(g.employee_name(b.1), b.1)))
            });
            expected.truncate(3);
            let ours = introduction_paths(&g, p.id, None, 3).unwrap();
            assert_eq!(ours.len(), expected.len());
            for (a, (s, e)) in ours.iter().zip(&expected) {
                assert!((a.strength - s).abs() < 1e-12, "{} vs {s}", a.strength);
                assert_eq!(a.entry, *e);
                let product: f64 = a.hops.iter().map(|h| h.factor).product();
                assert!(
                    (product - a.strength).abs() < 1e-12,
                    "the hops multiply to the strength"
                );
            }
            compared += 1;
        }
    }
    assert!(compared > 300);
}
