//! The facts of an account as a whole, for the account plan.

use super::*;

/// Everything the account plan's conditions know about an account.
pub fn account_facts(graph: &AccountGraph, today: Date) -> Facts {
    let mut f = Facts::new();
    f.num("account", scores::account_score(graph).value.get());
    f.count("people", graph.people.len() as i64);
    let departments: std::collections::HashSet<&str> =
        graph.people.iter().map(|p| p.department.as_str()).collect();
    f.count("departments", departments.len() as i64);
    let tied = graph
        .people
        .iter()
        .filter(|p| !graph.real_ties(p.id).is_empty())
        .count();
    f.count("tied_people", tied as i64);
    f.count(
        "open_opportunities",
        graph.opportunities.iter().filter(|o| o.open).count() as i64,
    );
    let mut seen = std::collections::HashSet::new();
    let mut n90 = 0;
    for t in graph.our_ties.values().flatten() {
        for (id, d) in &t.interactions {
            if *d <= today && (today - *d).whole_days() <= 90 && seen.insert(*id) {
                n90 += 1;
            }
        }
    }
    f.count("interactions_90d", n90);
    f.count(
        "single_threaded_people",
        risk::account_single_threaded(graph).len() as i64,
    );
    let mut roles = std::collections::HashSet::new();
    for p in &graph.people {
        for t in graph.real_ties(p.id) {
            if let Some(e) = graph.employees.get(&t.employee) {
                roles.insert(e.role.clone());
            }
        }
    }
    f.iron_triangle(&roles);
    let top_level = graph.levels.first().cloned().unwrap_or_default();
    let sponsor = graph
        .people
        .iter()
        .filter(|p| p.level == top_level)
        .any(|p| {
            graph.real_ties(p.id).iter().any(|t| {
                graph
                    .employees
                    .get(&t.employee)
                    .is_some_and(|e| e.role == "executive")
            })
        });
    f.flag("executive_sponsor", sponsor);
    f.flag("is_strategic", graph.tier == "strategic");
    f.set("tier", FactValue::Text(graph.tier.clone()));
    f
}
