//! Introduction paths: who should ask whom to get us to a person.
//!
//! A path runs from the employee who asks, possibly through colleagues, to an
//! *entry* employee whose tie crosses into the customer, then through the
//! customer's own people to the target. Its strength is `Π (hop_factor × s / 5)`
//! over its hops. The answers are the best path for each of k different entry
//! employees, best first: putting a colleague in front of an answer does not make a
//! new one. Departed employees are not in the graph at all.
//!
//! Both halves are shortest paths on `-ln(hop_factor × s / 5)`. From one asker:
//! petgraph's Dijkstra, the colleague half from the asker over employees and the
//! customer half backwards from the target over people, O((V + E) log V), plus
//! one pass over the entry employees' ties. From whoever is best placed: one
//! backward Dijkstra that stops after the k-th entry employee (see
//! [`best_placed`]).

use std::collections::{BinaryHeap, HashMap};

use petgraph::{
    algo::dijkstra,
    graph::{EdgeIndex, NodeIndex},
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

impl IntroductionPath {
    /// The people along the path, "张伟 → 李明华 → 赵立新", as prompts and meeting
    /// material print it.
    pub fn chain(&self, graph: &AccountGraph) -> String {
        let name = |k: NodeKey| match k {
            NodeKey::Employee(e) => graph.employee_name(e),
            NodeKey::Person(p) => graph.person_name(p),
        };
        let mut names = Vec::with_capacity(self.hops.len() + 1);
        if let Some(first) = self.hops.first() {
            names.push(name(first.from));
        }
        names.extend(self.hops.iter().map(|h| name(h.to)));
        names.join(" → ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The target is not a person of this account.
    #[error("the target is not a person of this account")]
    UnknownTarget,
    /// The asker is not one of our active employees.
    #[error("the asker is not one of our active employees with a tie in this account")]
    UnknownAsker,
}

fn factor(hop_factor: f64, hop: &Hop) -> f64 {
    hop_factor * (hop.strength / 5.0)
}

fn cost(hop_factor: f64, hop: &Hop) -> f64 {
    -factor(hop_factor, hop).ln()
}

/// An entry employee's best total cost, the employee, and the edge where their tie
/// crosses into the customer.
type Candidate = (f64, NodeIndex, EdgeIndex);

/// What the searches found: final costs to the target (of the people on the paths
/// at least), costs from the asker to colleagues, and the entry candidates.
struct Found {
    to_target: HashMap<NodeIndex, f64>,
    from_asker: Option<HashMap<NodeIndex, f64>>,
    candidates: Vec<Candidate>,
}

/// A node on the search frontier, cheapest first.
#[derive(PartialEq)]
struct Frontier(f64, NodeIndex);

impl Eq for Frontier {}

impl Ord for Frontier {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

impl PartialOrd for Frontier {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Each employee asking for themselves: one Dijkstra backwards from the target over
/// the customer's people and on into the employees whose ties cross in. Employees
/// come off the frontier in the order of their best path, so the search stops once
/// k of them are settled (and every employee as cheap as the k-th, for the
/// name-ordered tie-break): on a large account it touches the target's
/// neighbourhood, not the whole graph.
fn best_placed(graph: &AccountGraph, target: NodeIndex, k: usize) -> Found {
    let h = graph.scales.introduction.hop_factor;
    let g = &graph.intro;
    let mut settled: HashMap<NodeIndex, f64> = HashMap::new();
    let mut tentative: HashMap<NodeIndex, f64> = HashMap::new();
    let mut frontier = BinaryHeap::from([Frontier(0.0, target)]);
    let mut entries: Vec<(f64, NodeIndex)> = Vec::new();
    while let Some(Frontier(c, node)) = frontier.pop() {
        if settled.contains_key(&node) {
            continue;
        }
        if entries.len() >= k && entries.last().is_some_and(|(kth, _)| c > *kth) {
            break;
        }
        settled.insert(node, c);
        if matches!(g[node], NodeKey::Employee(_)) {
            entries.push((c, node));
            continue;
        }
        for e in g.edges_directed(node, Direction::Incoming) {
            let from = e.source();
            if settled.contains_key(&from) {
                continue;
            }
            let through = c + cost(h, e.weight());
            if tentative.get(&from).is_none_or(|t| through < *t) {
                tentative.insert(from, through);
                frontier.push(Frontier(through, from));
            }
        }
    }
    let candidates = entries
        .into_iter()
        .filter_map(|(_, entry)| {
            best_crossing(graph, entry, &settled).map(|(c, edge)| (c, entry, edge))
        })
        .collect();
    Found {
        to_target: settled,
        from_asker: None,
        candidates,
    }
}

/// The entry employee's cheapest tie into the customer, given costs to the target.
fn best_crossing(
    graph: &AccountGraph,
    entry: NodeIndex,
    to_target: &HashMap<NodeIndex, f64>,
) -> Option<(f64, EdgeIndex)> {
    let h = graph.scales.introduction.hop_factor;
    let g = &graph.intro;
    g.edges_directed(entry, Direction::Outgoing)
        .filter(|e| matches!(g[e.target()], NodeKey::Person(_)))
        .filter_map(|e| {
            to_target
                .get(&e.target())
                .map(|rest| (cost(h, e.weight()) + rest, e.id()))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
}

/// One employee asking: the customer half from every person to the target, the
/// colleague half from the asker to every employee, and the best crossing per
/// entry employee the asker reaches.
fn through_colleagues(graph: &AccountGraph, target: NodeIndex, asker: NodeIndex) -> Found {
    let h = graph.scales.introduction.hop_factor;
    let g = &graph.intro;
    let is_person = |n: NodeIndex| matches!(g[n], NodeKey::Person(_));
    let is_employee = |n: NodeIndex| matches!(g[n], NodeKey::Employee(_));
    let people = NodeFiltered::from_fn(g, is_person);
    let to_target: HashMap<NodeIndex, f64> =
        dijkstra(Reversed(&people), target, None, |e| cost(h, e.weight()))
            .into_iter()
            .collect();
    let colleagues = NodeFiltered::from_fn(g, is_employee);
    let from_asker: HashMap<NodeIndex, f64> =
        dijkstra(&colleagues, asker, None, |e| cost(h, e.weight()))
            .into_iter()
            .collect();
    let candidates = g
        .node_indices()
        .filter(|&n| is_employee(n))
        .filter_map(|entry| {
            let lead = from_asker.get(&entry)?;
            best_crossing(graph, entry, &to_target).map(|(c, edge)| (lead + c, entry, edge))
        })
        .collect();
    Found {
        to_target,
        from_asker: Some(from_asker),
        candidates,
    }
}

/// The k best introduction paths to `to`, from `from` or from whoever of ours is
/// best placed.
///
/// # Arguments
///
/// * `graph` - the account's built graph.
/// * `to` - the customer person we want to reach.
/// * `from` - the employee who asks; `None` for whoever of ours is best placed.
/// * `k` - the most paths wanted.
///
/// # Returns
///
/// Up to `k` paths, strongest first, each through a different entry employee
/// (whose tie crosses into the customer); equal strengths in the order of the
/// entry's name. Empty when nobody of ours reaches `to`.
/// [`PathError::UnknownTarget`] when `to` is not a person of the account,
/// [`PathError::UnknownAsker`] when `from` has no tie in its graph.
///
/// # Complexity
///
/// From one asker: two Dijkstra runs, O((V + E) log V), and one pass over the entry
/// employees' ties. From whoever is best placed: one backward Dijkstra from the
/// target that stops once `k` entry employees are settled, at most
/// O((V + E) log V).
///
/// # Examples
///
/// ```
/// use guanxi::graph::paths::introduction_paths;
/// use guanxi::graph::{synthetic::{generate, Spec}, AccountGraph};
/// use guanxi::methodology::Methodology;
///
/// let spec = Spec::sized(300, 7);
/// let data = generate(&spec);
/// let methodology = Methodology::load_or_default(None)?;
/// let graph = AccountGraph::build(&data, &methodology, spec.as_of);
///
/// let target = data.people[0].id;
/// let paths = introduction_paths(&graph, target, None, 3)?;
/// assert!(paths.len() <= 3);
/// // Strongest first, each a product of hop factors in (0, 1].
/// assert!(paths.windows(2).all(|w| w[0].strength >= w[1].strength));
/// assert!(paths.iter().all(|p| p.strength > 0.0 && p.strength <= 1.0));
/// // Every path ends at the target.
/// assert!(paths
///     .iter()
///     .all(|p| p.hops.last().is_some_and(|h| h.to == guanxi::graph::NodeKey::Person(target))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

    let Found {
        to_target,
        from_asker,
        mut candidates,
    } = match asker {
        None => best_placed(graph, target, k),
        Some(a) => through_colleagues(graph, target, a),
    };
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
