//! Introduction paths: who should ask whom to get us to a person.
//!
//! A path runs from the employee who asks, possibly through colleagues, to an
//! *entry* employee whose tie crosses into the customer, then through the
//! customer's own people to the target. Its strength is `Π (hop_factor × s / 5)`
//! over its hops. The answers are the best path for each of k different entry
//! employees, best first: putting a colleague in front of an answer does not make a
//! new one. Departed employees are not in the graph at all.
//!
//! Both halves are shortest paths on `-ln(hop_factor × s / 5)` with petgraph's
//! Dijkstra: the colleague half from the asker over employees, the customer half
//! backwards from the target over people. Complexity: two Dijkstra runs,
//! O((V + E) log V), plus one pass over the entry employees' ties.

use std::collections::HashMap;

use petgraph::{
    algo::dijkstra,
    graph::NodeIndex,
    visit::{EdgeRef, NodeFiltered, Reversed},
    Direction,
};
use uuid::Uuid;

use super::model::{AccountGraph, Hop, NodeKey, Via};

/// One hop of a path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathHop {
    pub from: NodeKey,
    pub to: NodeKey,
    /// The edge's strength, 0..5 (effective for our ties).
    pub strength: f64,
    /// `hop_factor × strength / 5`.
    pub factor: f64,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntroductionPath {
    /// `Π factor` over the hops, in (0, 1].
    pub strength: f64,
    /// Who asks.
    pub asker: Uuid,
    /// Whose tie crosses into the customer.
    pub entry: Uuid,
    pub hops: Vec<PathHop>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// The target is not a person of this account.
    UnknownTarget,
    /// The asker is not one of our active employees.
    UnknownAsker,
}

fn factor(hop_factor: f64, hop: &Hop) -> f64 {
    hop_factor * (hop.strength / 5.0)
}

fn cost(hop_factor: f64, hop: &Hop) -> f64 {
    -factor(hop_factor, hop).ln()
}

/// The k best introduction paths to `to`, from `from` or from whoever of ours is
/// best placed.
pub fn introduction_paths(
    graph: &AccountGraph,
    to: Uuid,
    from: Option<Uuid>,
    k: usize,
) -> Result<Vec<IntroductionPath>, PathError> {
    let h = graph.scales.introduction.hop_factor;
    let g = &graph.intro;
    let target = *graph
        .intro_index
        .get(&NodeKey::Person(to))
        .ok_or(PathError::UnknownTarget)?;
    let asker = match from {
        Some(e) => Some(
            *graph
                .intro_index
                .get(&NodeKey::Employee(e))
                .ok_or(PathError::UnknownAsker)?,
        ),
        None => None,
    };
    let is_person = |n: NodeIndex| matches!(g[n], NodeKey::Person(_));
    let is_employee = |n: NodeIndex| matches!(g[n], NodeKey::Employee(_));

    // Customer half: cost from every person to the target.
    let people = NodeFiltered::from_fn(g, is_person);
    let to_target: HashMap<NodeIndex, f64> =
        dijkstra(Reversed(&people), target, None, |e| cost(h, e.weight()))
            .into_iter()
            .collect();

    // Colleague half: cost from the asker to every employee (zero for self-asking).
    let colleagues = NodeFiltered::from_fn(g, is_employee);
    let from_asker: Option<HashMap<NodeIndex, f64>> = asker.map(|a| {
        dijkstra(&colleagues, a, None, |e| cost(h, e.weight()))
            .into_iter()
            .collect()
    });

    // Best crossing per entry employee.
    let mut candidates: Vec<(f64, NodeIndex, petgraph::graph::EdgeIndex)> = Vec::new();
    for entry in g.node_indices().filter(|&n| is_employee(n)) {
        let lead = match &from_asker {
            Some(d) => match d.get(&entry) {
                Some(c) => *c,
                None => continue,
            },
            None => 0.0,
        };
        let best = g
            .edges_directed(entry, Direction::Outgoing)
            .filter(|e| is_person(e.target()))
            .filter_map(|e| {
                to_target
                    .get(&e.target())
                    .map(|rest| (cost(h, e.weight()) + rest, e.id()))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if let Some((c, edge)) = best {
            candidates.push((lead + c, entry, edge));
        }
    }
    candidates.sort_by(|a, b| {
        a.0.total_cmp(&b.0).then_with(|| {
            let name = |n: NodeIndex| match g[n] {
                NodeKey::Employee(e) => (graph.employee_name(e), e),
                NodeKey::Person(p) => (graph.person_name(p), p),
            };
            name(a.1).cmp(&name(b.1))
        })
    });

    let employee_id = |n: NodeIndex| match g[n] {
        NodeKey::Employee(e) => e,
        NodeKey::Person(p) => p,
    };
    let hop_of = |edge: petgraph::graph::EdgeIndex| {
        let (a, b) = g.edge_endpoints(edge).unwrap_or((target, target));
        let w = &g[edge];
        PathHop {
            from: g[a],
            to: g[b],
            strength: w.strength,
            factor: factor(h, w),
            via: w.via,
        }
    };
    let mut paths = Vec::new();
    for (total, entry, crossing) in candidates.into_iter().take(k) {
        let mut hops = Vec::new();
        // Colleagues, walked back from the entry to the asker.
        if let (Some(d), Some(a)) = (&from_asker, asker) {
            let mut lead = Vec::new();
            let mut at = entry;
            while at != a {
                let Some(prev) = g
                    .edges_directed(at, Direction::Incoming)
                    .filter(|e| is_employee(e.source()))
                    .filter_map(|e| {
                        d.get(&e.source())
                            .map(|c| (c + cost(h, e.weight()), e.id(), e.source()))
                    })
                    .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                else {
                    break;
                };
                lead.push(hop_of(prev.1));
                at = prev.2;
            }
            lead.reverse();
            hops.extend(lead);
        }
        hops.push(hop_of(crossing));
        // Customer people, walked forward to the target.
        let mut at = g.edge_endpoints(crossing).map_or(target, |(_, b)| b);
        let mut guard = g.node_count();
        while at != target && guard > 0 {
            guard -= 1;
            let Some(next) = g
                .edges_directed(at, Direction::Outgoing)
                .filter(|e| is_person(e.target()))
                .filter_map(|e| {
                    to_target
                        .get(&e.target())
                        .map(|c| (c + cost(h, e.weight()), e.id(), e.target()))
                })
                .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
            else {
                break;
            };
            hops.push(hop_of(next.1));
            at = next.2;
        }
        paths.push(IntroductionPath {
            strength: (-total).exp(),
            asker: asker.map_or_else(|| employee_id(entry), employee_id),
            entry: employee_id(entry),
            hops,
        });
    }
    Ok(paths)
}
