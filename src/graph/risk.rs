//! Relationship risk and what-ifs: single threads, competitors ahead, and what a
//! departure or a change on the customer side would cost. A what-if edits a copy
//! of the snapshot and rebuilds; nothing stored changes.

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{
    data::{GraphData, TieEnds},
    model::{AccountGraph, NodeKey},
    paths::introduction_paths,
    scores::{chain, key_people, opportunity_scores},
};
use crate::methodology::Methodology;

/// A key person we hold by one thread, or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    pub person: Uuid,
    /// The only employee with a real tie; `None` when nobody has one.
    pub employee: Option<Uuid>,
    /// The person's influence on the opportunity (1..5), or importance × 5 at account level.
    pub influence: f64,
}

/// A key person where a competitor's hold beats ours.
#[derive(Debug, Clone, PartialEq)]
pub struct Ahead {
    pub person: Uuid,
    pub competitor: Uuid,
    /// 0..5.
    pub ours: f64,
    pub theirs: f64,
}

/// Key people of an opportunity with at most one real tie.
///
/// # Arguments
///
/// * `graph` - the account's built graph.
/// * `opportunity` - a deal of that account.
///
/// # Returns
///
/// Each key person of the deal's chain whom at most one employee holds by a real
/// tie (the methodology's `real_tie_strength` or more), with that employee
/// (`None`: nobody), most influential first, then by id. Empty for a deal not in
/// the graph.
///
/// # Complexity
///
/// O(C × T) for C chain members and T ties per member.
///
/// # Examples
///
/// ```
/// use guanxi::graph::risk::single_threaded;
/// use guanxi::graph::{synthetic::{generate, Spec}, AccountGraph};
/// use guanxi::methodology::Methodology;
///
/// let spec = Spec::sized(300, 7);
/// let data = generate(&spec);
/// let methodology = Methodology::load_or_default(None)?;
/// let graph = AccountGraph::build(&data, &methodology, spec.as_of);
///
/// let deal = data.opportunities[0].id;
/// let threads = single_threaded(&graph, deal);
/// assert!(threads.windows(2).all(|w| w[0].influence >= w[1].influence));
/// assert!(single_threaded(&graph, uuid::Uuid::nil()).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn single_threaded(graph: &AccountGraph, opportunity: Uuid) -> Vec<Thread> {
    let Some(o) = graph.opportunity(opportunity) else {
        return Vec::new();
    };
    let chain = chain(graph, o);
    let (key, _) = key_people(graph, &chain);
    let mut out: Vec<Thread> = key
        .iter()
        .filter_map(|m| {
            let real = graph.real_ties(m.person());
            (real.len() <= 1).then(|| Thread {
                person: m.person(),
                employee: real.first().map(|t| t.employee),
                influence: m.influence.value,
            })
        })
        .collect();
    // Most influential first; equals by name, never by when they were recorded.
    out.sort_by(|a, b| {
        b.influence
            .total_cmp(&a.influence)
            .then_with(|| {
                graph
                    .person_name(a.person)
                    .cmp(&graph.person_name(b.person))
            })
            .then(a.person.cmp(&b.person))
    });
    out
}

/// Key people across the account's open opportunities, and its top level, held by
/// at most one real tie.
pub fn account_single_threaded(graph: &AccountGraph) -> Vec<Thread> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for o in graph.opportunities.iter().filter(|o| o.open) {
        for t in single_threaded(graph, o.id) {
            if seen.insert(t.person) {
                out.push(t);
            }
        }
    }
    let top = graph
        .people
        .iter()
        .map(|p| graph.level_rank(&p.level))
        .min();
    for p in graph
        .people
        .iter()
        .filter(|p| Some(graph.level_rank(&p.level)) == top)
    {
        let real = graph.real_ties(p.id);
        if real.len() <= 1 && seen.insert(p.id) {
            out.push(Thread {
                person: p.id,
                employee: real.first().map(|t| t.employee),
                influence: 5.0 * super::influence::account_importance(graph, p.id),
            });
        }
    }
    out.sort_by(|a, b| {
        b.influence
            .total_cmp(&a.influence)
            .then(a.person.cmp(&b.person))
    });
    out
}

/// Key people of an opportunity where a competitor's tie beats our best, ours
/// judged as every threshold judges it (`AccountGraph::judged`), so a prompt's
/// numbers agree with each other.
///
/// # Arguments
///
/// * `graph` - the account's built graph.
/// * `opportunity` - a deal of that account.
///
/// # Returns
///
/// For each key person a competitor holds more strongly than we do, the
/// strongest such competitor with both strengths (0..5). Empty for a deal not in
/// the graph.
///
/// # Complexity
///
/// O(C × T) for C chain members and T ties per member.
///
/// # Examples
///
/// ```
/// use guanxi::graph::risk::competitor_ahead;
/// use guanxi::graph::{synthetic::{generate, Spec}, AccountGraph};
/// use guanxi::methodology::Methodology;
///
/// let spec = Spec::sized(300, 7);
/// let data = generate(&spec);
/// let methodology = Methodology::load_or_default(None)?;
/// let graph = AccountGraph::build(&data, &methodology, spec.as_of);
///
/// let deal = data.opportunities[0].id;
/// for a in competitor_ahead(&graph, deal) {
///     assert!(a.theirs > a.ours);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn competitor_ahead(graph: &AccountGraph, opportunity: Uuid) -> Vec<Ahead> {
    let Some(o) = graph.opportunity(opportunity) else {
        return Vec::new();
    };
    let chain = chain(graph, o);
    let (key, _) = key_people(graph, &chain);
    let mut out = Vec::new();
    for m in key {
        let ours = graph.judged_ours(m.person());
        let best = super::scores::strongest_competitor(graph, m.member);
        if let Some((competitor, theirs)) = best {
            if theirs > ours {
                out.push(Ahead {
                    person: m.person(),
                    competitor,
                    ours,
                    theirs,
                });
            }
        }
    }
    out
}

/// How one score moved under a what-if.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreChange {
    pub dimension: &'static str,
    pub before: f64,
    pub after: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityImpact {
    pub opportunity: Uuid,
    pub changes: Vec<ScoreChange>,
}

/// A key person whose best introduction path gets weaker (or goes).
#[derive(Debug, Clone, PartialEq)]
pub struct LostPath {
    pub person: Uuid,
    /// Best path strength before, in (0, 1].
    pub before: f64,
    /// Best path strength after; 0 when no path is left.
    pub after: f64,
}

/// What a what-if does to one account.
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub account: Uuid,
    pub account_before: f64,
    pub account_after: f64,
    pub opportunities: Vec<OpportunityImpact>,
    pub lost_paths: Vec<LostPath>,
    /// Key people only the departing employee reached (departure what-ifs).
    pub sole_people: Vec<Uuid>,
}

/// A change on the customer side.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonChange {
    /// The person leaves: their seat stays, held by a successor we do not know.
    pub leaves: bool,
    pub buying_role: Option<String>,
    pub influence: Option<i32>,
    pub level: Option<String>,
    /// A new attitude (−2..2) on every open deal whose chain they are in.
    pub attitude: Option<i32>,
    /// The person joins this open deal's chain, in `buying_role` (else
    /// [`JOINING_ROLE`]), with `influence` and `attitude`.
    pub joins: Option<Uuid>,
}

/// The buying role someone joining a chain takes when the what-if names none.
pub const JOINING_ROLE: &str = "user";

/// The snapshot without `employee`: their ties stop counting everywhere in this
/// account.
pub fn without_employee(data: &GraphData, employee: Uuid) -> GraphData {
    let mut changed = data.clone();
    for e in changed.employees.iter_mut().filter(|e| e.id == employee) {
        e.active = false;
    }
    changed
}

/// The snapshot with `person` changed as `change` says.
///
/// Someone who leaves leaves a **vacant seat**, not a hole: the successor sits
/// where they sat (level, department, reporting lines, chain role and influence),
/// but nobody of ours or of a competitor's knows them yet and their attitude is
/// unknown (0). So a supporter leaving can only cost us (their ties and support
/// go, the role they filled still needs winning), while an opponent leaving may
/// help; removing the seat instead would drop it from every average and let the
/// scores rise when a weakly held supporter left (docs/scoring.md, "What-ifs").
pub fn with_person_change(data: &GraphData, person: Uuid, change: &PersonChange) -> GraphData {
    let mut changed = data.clone();
    if change.leaves {
        changed.contacts.retain(|c| c.person != person);
        changed.ties.retain(|t| match t.ends {
            TieEnds::EmployeePerson { person: p, .. }
            | TieEnds::CompetitorPerson { person: p, .. } => p != person,
            TieEnds::Informal { a, b } => a != person && b != person,
            // The seat's formal weight stays with it.
            TieEnds::Influences { .. } | TieEnds::EmployeeEmployee { .. } => true,
        });
        for o in changed.opportunities.iter_mut().filter(|o| o.open) {
            for m in o.members.iter_mut().filter(|m| m.person == person) {
                m.attitude = 0;
                m.favoured_competitor = None;
            }
        }
        return changed;
    }
    for p in changed.people.iter_mut().filter(|p| p.id == person) {
        if let Some(level) = &change.level {
            p.level.clone_from(level);
        }
    }
    if let Some(joining) = change.joins {
        for o in changed
            .opportunities
            .iter_mut()
            .filter(|o| o.open && o.id == joining)
        {
            if !o.members.iter().any(|m| m.person == person) {
                o.members.push(super::data::MemberNode {
                    person,
                    buying_role: change
                        .buying_role
                        .clone()
                        .unwrap_or_else(|| JOINING_ROLE.into()),
                    influence: change.influence.map(|i| i.clamp(1, 5)),
                    attitude: change.attitude.unwrap_or(0).clamp(-2, 2),
                    favoured_competitor: None,
                    primary: false,
                });
            }
        }
    }
    // Joining one deal changes that deal only; otherwise the new part holds on
    // every open deal the person is in.
    for o in changed
        .opportunities
        .iter_mut()
        .filter(|o| o.open && change.joins.is_none_or(|j| j == o.id))
    {
        for m in o.members.iter_mut().filter(|m| m.person == person) {
            if let Some(role) = &change.buying_role {
                m.buying_role.clone_from(role);
            }
            if let Some(i) = change.influence {
                m.influence = Some(i.clamp(1, 5));
            }
            if let Some(a) = change.attitude {
                m.attitude = a.clamp(-2, 2);
            }
        }
    }
    changed
}

/// The employee leaves: their ties stop counting everywhere in this account.
pub fn departure(
    data: &GraphData,
    methodology: &Methodology,
    employee: Uuid,
    as_of: time::Date,
) -> Impact {
    let before = AccountGraph::build(data, methodology, as_of);
    let after = AccountGraph::build(&without_employee(data, employee), methodology, as_of);
    departure_between(&before, &after, employee)
}

/// What the departure of `employee` costs between the graph with them
/// (`before`) and without them (`after`), for callers that hold both.
pub fn departure_between(before: &AccountGraph, after: &AccountGraph, employee: Uuid) -> Impact {
    let mut impact = compare(before, after);
    let key = key_people_of_open(before);
    impact.sole_people = key
        .into_iter()
        .filter(|p| {
            let real = before.real_ties(*p);
            real.len() == 1 && real[0].employee == employee
        })
        .collect();
    impact
}

/// A customer person leaves the account (their seat stays vacant), or takes
/// another part.
pub fn person_change(
    data: &GraphData,
    methodology: &Methodology,
    person: Uuid,
    change: &PersonChange,
    as_of: time::Date,
) -> Impact {
    let before = AccountGraph::build(data, methodology, as_of);
    let after = AccountGraph::build(
        &with_person_change(data, person, change),
        methodology,
        as_of,
    );
    compare(&before, &after)
}

fn key_people_of_open(graph: &AccountGraph) -> BTreeSet<Uuid> {
    let mut key = BTreeSet::new();
    for o in graph.opportunities.iter().filter(|o| o.open) {
        let chain = chain(graph, o);
        let (people, _) = key_people(graph, &chain);
        key.extend(people.iter().map(|m| m.person()));
    }
    key
}

fn best_path(graph: &AccountGraph, person: Uuid) -> f64 {
    introduction_paths(graph, person, None, 1)
        .ok()
        .and_then(|p| p.first().map(|p| p.strength))
        .unwrap_or(0.0)
}

/// What changes between two graphs of one account: scores of open deals, the
/// account score and key people's best paths.
pub fn compare(before: &AccountGraph, after: &AccountGraph) -> Impact {
    let mut opportunities = Vec::new();
    for o in before.opportunities.iter().filter(|o| o.open) {
        let b = opportunity_scores(before, o);
        let Some(o_after) = after.opportunity(o.id) else {
            continue;
        };
        let a = opportunity_scores(after, o_after);
        let changes = b
            .values()
            .iter()
            .zip(a.values().iter())
            .filter(|(x, y)| (x.1 - y.1).abs() > 1e-9)
            .map(|(x, y)| ScoreChange {
                dimension: x.0,
                before: x.1,
                after: y.1,
            })
            .collect::<Vec<_>>();
        if !changes.is_empty() {
            opportunities.push(OpportunityImpact {
                opportunity: o.id,
                changes,
            });
        }
    }
    let mut lost_paths = Vec::new();
    for person in key_people_of_open(before) {
        let was = best_path(before, person);
        let now = if after.intro_index.contains_key(&NodeKey::Person(person)) {
            best_path(after, person)
        } else {
            0.0
        };
        if now < was - 1e-12 {
            lost_paths.push(LostPath {
                person,
                before: was,
                after: now,
            });
        }
    }
    Impact {
        account: before.account_id,
        account_before: super::scores::account_score(before).value.get(),
        account_after: super::scores::account_score(after).value.get(),
        opportunities,
        lost_paths,
        sole_people: Vec::new(),
    }
}
