//! Influence: given by the team, or derived from buying role, level and the
//! org structure.
//!
//! Derived influence, on the 1..5 scale:
//! `1 + 4 × (role_mix × role_weight + level_mix × level_weight + structure_mix × rank)`,
//! where `rank` is the person's PageRank over the account's structure (a report
//! points to their manager, an influenced person to their influencer), rescaled to
//! [0, 1] between the lowest and highest rank (0.5 for everyone when the structure
//! says nothing).

use std::collections::HashMap;

use uuid::Uuid;

use super::{
    data::{GraphData, MemberNode, TieEnds},
    model::AccountGraph,
};

/// Power-iteration steps; PageRank on org charts converges well before this.
const ITERATIONS: usize = 50;

/// A member's influence and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInfluence {
    /// 1..5.
    pub value: f64,
    pub derived: bool,
    pub role_weight: f64,
    pub level_weight: f64,
    pub structure: f64,
}

impl MemberInfluence {
    /// Influence as a weight in [0.2, 1].
    pub fn weight(&self) -> f64 {
        self.value / 5.0
    }
}

/// Normalised PageRank of every person of the account.
///
/// petgraph's `page_rank` visits every pair of nodes on each iteration (O(V²) per
/// step), too slow for the 2,000-person accounts we serve; this is the standard
/// sparse power iteration with dangling nodes spreading their rank evenly.
///
/// # Arguments
///
/// * `data` - the account's snapshot: its people and the lines between them.
/// * `damping` - the chance a random walk follows a line rather than jumping,
///   in (0, 1); the methodology's scoring scale gives it.
///
/// # Returns
///
/// Each person's rank scaled to [0, 1] between the account's lowest (0) and
/// highest (1); everyone at 0.5 when all rank alike; empty for an account
/// without people.
///
/// # Complexity
///
/// O(iterations × (V + E)) time, O(V + E) memory.
///
/// # Examples
///
/// ```
/// use guanxi::graph::{influence::structural_rank, synthetic::{generate, Spec}};
///
/// let data = generate(&Spec::sized(200, 3));
/// let rank = structural_rank(&data, 0.85);
/// assert_eq!(rank.len(), data.people.len());
/// assert!(rank.values().all(|r| (0.0..=1.0).contains(r)));
/// assert!(rank.values().any(|r| *r == 1.0) && rank.values().any(|r| *r == 0.0));
/// ```
pub fn structural_rank(data: &GraphData, damping: f64) -> HashMap<Uuid, f64> {
    let n = data.people.len();
    if n == 0 {
        return HashMap::new();
    }
    let index: HashMap<Uuid, usize> = data
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in &data.lines {
        if let (Some(&from), Some(&to)) = (index.get(&l.person), index.get(&l.manager)) {
            out[from].push(to);
        }
    }
    for t in &data.ties {
        if let TieEnds::Influences { from, to } = t.ends {
            if t.strength > 0 {
                if let (Some(&influencer), Some(&influenced)) = (index.get(&from), index.get(&to)) {
                    out[influenced].push(influencer);
                }
            }
        }
    }
    let nf = n as f64;
    let mut rank = vec![1.0 / nf; n];
    for _ in 0..ITERATIONS {
        let dangling: f64 = (0..n).filter(|&i| out[i].is_empty()).map(|i| rank[i]).sum();
        let base = (1.0 - damping) / nf + damping * dangling / nf;
        let mut next = vec![base; n];
        for (i, targets) in out.iter().enumerate() {
            if !targets.is_empty() {
                let share = damping * rank[i] / targets.len() as f64;
                for &t in targets {
                    next[t] += share;
                }
            }
        }
        rank = next;
    }
    let (lo, hi) = rank
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &r| {
            (lo.min(r), hi.max(r))
        });
    data.people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let v = if hi - lo > 1e-12 {
                (rank[i] - lo) / (hi - lo)
            } else {
                0.5
            };
            (p.id, v)
        })
        .collect()
}

/// A chain member's influence: as given, or derived.
pub fn member_influence(graph: &AccountGraph, member: &MemberNode) -> MemberInfluence {
    let s = &graph.scoring;
    let level = graph
        .person(member.person)
        .map(|p| p.level.as_str())
        .unwrap_or("");
    let role_weight = s.role_weight(&member.buying_role);
    let level_weight = s.level_weight(level);
    let structure = graph.structure.get(&member.person).copied().unwrap_or(0.5);
    match member.influence {
        Some(given) => MemberInfluence {
            value: f64::from(given.clamp(1, 5)),
            derived: false,
            role_weight,
            level_weight,
            structure,
        },
        None => {
            let d = &s.derived_influence;
            let mix =
                d.role_mix * role_weight + d.level_mix * level_weight + d.structure_mix * structure;
            MemberInfluence {
                value: 1.0 + 4.0 * mix.clamp(0.0, 1.0),
                derived: true,
                role_weight,
                level_weight,
                structure,
            }
        }
    }
}

/// A person's importance at the account when no opportunity gives a role: level
/// and structure only, in [0, 1].
pub fn account_importance(graph: &AccountGraph, person: Uuid) -> f64 {
    let d = &graph.scoring.derived_influence;
    let level = graph.person(person).map(|p| p.level.as_str()).unwrap_or("");
    let structure = graph.structure.get(&person).copied().unwrap_or(0.5);
    let total = d.level_mix + d.structure_mix;
    if total <= 0.0 {
        return 0.5;
    }
    (d.level_mix * graph.scoring.level_weight(level) + d.structure_mix * structure) / total
}
