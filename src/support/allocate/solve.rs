//! The solvers behind [`super::allocate`]: independent parts found by union-find,
//! each solved exactly (branch and bound), by its rounded linear relaxation, or
//! decomposed by resource, then repaired and filled; and the bounds that say how
//! far a plan may be from the best.

use std::collections::{BTreeMap, HashMap, HashSet};

use good_lp::{
    clarabel, microlp, variable, Expression, ProblemVariables, ResolutionError, Solution,
    SolutionStatus, SolverModel, Variable, WithTimeLimit,
};
use uuid::Uuid;

use super::{Method, Part, Problem, Request, Settings};

/// One way to serve a request.
#[derive(Debug, Clone, Copy)]
pub(super) struct Choice {
    pub(super) request: usize,
    pub(super) resource: usize,
    pub(super) month: usize,
}

/// Free capacity left in each (resource, month) and engagements left per (person, month).
#[derive(Clone)]
pub(super) struct Room {
    pub(super) units: Vec<Vec<i64>>,
    pub(super) engagements: HashMap<(Uuid, usize), i64>,
}

impl Room {
    pub(super) fn fits(&self, p: &Problem, c: &Choice) -> bool {
        let r = &p.resources[c.resource];
        self.units[c.resource][c.month] >= i64::from(p.requests[c.request].units)
            && r.person
                .and_then(|e| self.engagements.get(&(e, c.month)))
                .is_none_or(|left| *left >= 1)
    }

    pub(super) fn take(&mut self, p: &Problem, c: &Choice) {
        self.units[c.resource][c.month] -= i64::from(p.requests[c.request].units);
        if let Some(left) = p.resources[c.resource]
            .person
            .and_then(|e| self.engagements.get_mut(&(e, c.month)))
        {
            *left -= 1;
        }
    }
}

/// Groups choices into independent parts (union-find over requests, resources and
/// the people behind them); returns choice indices per part, in a stable order.
pub(super) fn split(p: &Problem, choices: &[Choice]) -> Vec<Vec<usize>> {
    let n = p.requests.len() + p.resources.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let resource_node = |r: usize| p.requests.len() + r;
    for c in choices {
        union(&mut parent, c.request, resource_node(c.resource));
    }
    // Resources behind the same person share that person's limit.
    let mut by_person: HashMap<Uuid, usize> = HashMap::new();
    for (r, res) in p.resources.iter().enumerate() {
        if let Some(e) = res.person {
            if !p.people.iter().any(|x| x.id == e) {
                continue;
            }
            match by_person.get(&e) {
                Some(&first) => union(&mut parent, resource_node(first), resource_node(r)),
                None => {
                    by_person.insert(e, r);
                }
            }
        }
    }
    let mut parts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in choices.iter().enumerate() {
        let root = find(&mut parent, c.request);
        parts.entry(root).or_default().push(i);
    }
    parts.into_values().collect()
}

/// A tiny preference for earlier requests in the list (earlier deadline first, the
/// caller sorts), so equal values are decided the same way every time: request `q`
/// gains 10⁻⁷ of the largest value, less the further down the list it stands.
pub(super) fn tie_break(p: &Problem) -> impl Fn(usize) -> f64 {
    let scale = p
        .requests
        .iter()
        .map(|r| r.value.abs())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let n = p.requests.len().max(1) as f64;
    move |q| scale * 1e-7 * (1.0 - q as f64 / n)
}

pub(super) fn solve_part(
    p: &Problem,
    choices: &[Choice],
    room: &Room,
    settings: Settings,
) -> (Vec<Choice>, Part) {
    let requests: HashSet<usize> = choices.iter().map(|c| c.request).collect();
    let (chosen, method, bound) = if choices.len() <= settings.exact_variable_limit {
        match exact(p, choices, room, settings.time_limit_seconds) {
            Ok((chosen, true)) => {
                let value = chosen.iter().map(|c| p.worth(c.request, c.resource)).sum();
                (chosen, Method::Exact, value)
            }
            Ok((chosen, false)) => (
                chosen,
                Method::ExactTimeLimited,
                pooled_bound(p, choices, room),
            ),
            Err(e) => {
                tracing::warn!(error = %e, "allocation solver failed; serving requests by value");
                let chosen = fill(p, Vec::new(), choices, room);
                (chosen, Method::Greedy, pooled_bound(p, choices, room))
            }
        }
    } else if choices.len() <= settings.relaxation_variable_limit {
        match relaxation(p, choices, room) {
            Ok((values, bound)) => (round(p, choices, &values, room), Method::Relaxation, bound),
            Err(e) => {
                tracing::warn!(error = %e, "relaxation failed; splitting by resource");
                (
                    decompose(p, choices, room, settings),
                    Method::Decomposed,
                    pooled_bound(p, choices, room),
                )
            }
        }
    } else {
        (
            decompose(p, choices, room, settings),
            Method::Decomposed,
            pooled_bound(p, choices, room),
        )
    };
    let value: f64 = chosen.iter().map(|c| p.worth(c.request, c.resource)).sum();
    (
        chosen,
        Part {
            requests: requests.len(),
            variables: choices.len(),
            method,
            value,
            bound: bound.max(value),
        },
    )
}

/// Solves the linear relaxation (every x within 0..1) with an interior-point solver;
/// returns the values and the optimum, which bounds every plan.
pub(super) fn relaxation(
    p: &Problem,
    choices: &[Choice],
    room: &Room,
) -> Result<(Vec<f64>, f64), ResolutionError> {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = choices
        .iter()
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let (objective, rows) = programme(p, choices, room, &x);
    let mut model = vars.maximise(objective).using(clarabel);
    // A bound good to a millionth is plenty for a plan of money and days.
    model
        .settings()
        .tol_feas(1e-7)
        .tol_gap_rel(1e-6)
        .tol_gap_abs(1e-6)
        .max_iter(200);
    for row in rows {
        model.add_constraint(row);
    }
    let solution = model.solve()?;
    let values: Vec<f64> = x
        .iter()
        .map(|v| solution.value(*v).clamp(0.0, 1.0))
        .collect();
    let optimum = choices
        .iter()
        .zip(&values)
        .map(|(c, v)| p.worth(c.request, c.resource) * v)
        .sum();
    Ok((values, optimum))
}

/// Turns a fractional solution into a plan: choices taken in order of their
/// relaxed value (most certain first, then most valuable), each kept if it fits;
/// what is left is filled by value.
pub(super) fn round(p: &Problem, choices: &[Choice], values: &[f64], room: &Room) -> Vec<Choice> {
    let mut ranked: Vec<(f64, Choice)> = choices
        .iter()
        .zip(values)
        .filter(|(_, v)| **v > 1e-6)
        .map(|(c, v)| (*v, *c))
        .collect();
    ranked.sort_by(|(va, a), (vb, b)| {
        vb.total_cmp(va)
            .then(
                p.worth(b.request, b.resource)
                    .total_cmp(&p.worth(a.request, a.resource)),
            )
            .then(a.request.cmp(&b.request))
    });
    let mut left = room.clone();
    let mut served = HashSet::new();
    let mut kept = Vec::new();
    for (_, c) in ranked {
        if !served.contains(&c.request) && left.fits(p, &c) {
            left.take(p, &c);
            served.insert(c.request);
            kept.push(c);
        }
    }
    fill(p, kept, choices, room)
}

/// Solves the binary programme over `choices`; the flag says whether optimality
/// was proven (false: the time limit ended the search with this plan).
pub(super) fn exact(
    p: &Problem,
    choices: &[Choice],
    room: &Room,
    time_limit: f64,
) -> Result<(Vec<Choice>, bool), ResolutionError> {
    let (values, status) = model(p, choices, room, time_limit)?;
    let chosen: Vec<Choice> = choices
        .iter()
        .zip(&values)
        .filter(|(_, v)| **v > 0.5)
        .map(|(c, _)| *c)
        .collect();
    Ok((
        repair(p, chosen, room),
        matches!(status, SolutionStatus::Optimal),
    ))
}

/// Splits a part too large to solve exactly by resource: each request is first
/// given one resource of its kind (most valuable per unit first, to the resource
/// with the most room left), each resource (with the others of the same person)
/// is then solved exactly, and requests left out try any room that remains.
pub(super) fn decompose(
    p: &Problem,
    choices: &[Choice],
    room: &Room,
    settings: Settings,
) -> Vec<Choice> {
    let mut by_request: BTreeMap<usize, Vec<Choice>> = BTreeMap::new();
    for c in choices {
        by_request.entry(c.request).or_default().push(*c);
    }
    let mut order: Vec<usize> = by_request.keys().copied().collect();
    order.sort_by(|a, b| {
        let (ra, rb) = (&p.requests[*a], &p.requests[*b]);
        (rb.value / f64::from(rb.units.max(1)))
            .total_cmp(&(ra.value / f64::from(ra.units.max(1))))
            .then(a.cmp(b))
    });
    let mut left: Vec<f64> = room
        .units
        .iter()
        .map(|months| months.iter().sum::<i64>() as f64)
        .collect();
    // Engagements each person can still take over the period: a resource behind a
    // person at their limit has no room, whatever its units say.
    let mut engagements: HashMap<Uuid, f64> = HashMap::new();
    for ((e, _), n) in &room.engagements {
        *engagements.entry(*e).or_default() += *n as f64;
    }
    let room_of = |r: usize, units: f64, left: &[f64], engagements: &HashMap<Uuid, f64>| {
        let person = p.resources[r]
            .person
            .and_then(|e| engagements.get(&e))
            .map_or(f64::INFINITY, |n| n * units);
        left[r].min(person)
    };
    let cluster = |r: usize| -> Uuid {
        p.resources[r]
            .person
            .filter(|e| p.people.iter().any(|x| x.id == *e))
            .unwrap_or(p.resources[r].id)
    };
    let mut groups: BTreeMap<Uuid, Vec<Choice>> = BTreeMap::new();
    for q in order {
        let options = &by_request[&q];
        let units = f64::from(p.requests[q].units);
        let Some(best) = options.iter().map(|c| c.resource).max_by(|a, b| {
            room_of(*a, units, &left, &engagements)
                .total_cmp(&room_of(*b, units, &left, &engagements))
                .then(b.cmp(a))
        }) else {
            continue;
        };
        left[best] -= units;
        if let Some(n) = p.resources[best]
            .person
            .and_then(|e| engagements.get_mut(&e))
        {
            *n -= 1.0;
        }
        groups
            .entry(cluster(best))
            .or_default()
            .extend(options.iter().filter(|c| c.resource == best));
    }
    let mut chosen = Vec::new();
    for group in groups.values() {
        let picked = match exact(p, group, room, settings.time_limit_seconds) {
            Ok((picked, _)) => picked,
            Err(e) => {
                tracing::warn!(error = %e, "allocation solver failed on one resource; serving by value");
                fill(p, Vec::new(), group, room)
            }
        };
        chosen.extend(picked);
    }
    fill(p, repair(p, chosen, room), choices, room)
}

/// An upper bound on any plan for these choices: per kind, the free units of all
/// its resources over the period pooled, filled by the most valuable requests per
/// unit, the last one fractionally. A resource behind a person with a limit counts
/// at most limit × the largest request's units a month. Pooling drops deadlines,
/// month boundaries, named resources and the sharing of a person's limit across
/// their resources, so no real plan can beat it.
pub(super) fn pooled_bound(p: &Problem, choices: &[Choice], room: &Room) -> f64 {
    let mut wanted: BTreeMap<usize, ()> = BTreeMap::new();
    let mut largest: HashMap<&str, i64> = HashMap::new();
    for c in choices {
        wanted.insert(c.request, ());
        let r = &p.requests[c.request];
        let e = largest.entry(r.kind.as_str()).or_default();
        *e = (*e).max(i64::from(r.units));
    }
    // A resource gives at most its free units, and, behind a person with a limit,
    // at most that many engagements of the largest request of its kind.
    let mut pooled: HashMap<&str, f64> = HashMap::new();
    let mut seen_resource: HashSet<usize> = HashSet::new();
    for c in choices {
        if !seen_resource.insert(c.resource) {
            continue;
        }
        let res = &p.resources[c.resource];
        let umax = largest.get(res.kind.as_str()).copied().unwrap_or(0);
        let units: i64 = (0..p.months.len())
            .map(|m| {
                let free = room.units[c.resource][m];
                match res.person.and_then(|e| room.engagements.get(&(e, m))) {
                    Some(left) => free.min(left * umax),
                    None => free,
                }
            })
            .sum();
        *pooled.entry(res.kind.as_str()).or_default() += units as f64;
    }
    let mut requests: Vec<&Request> = wanted.keys().map(|q| &p.requests[*q]).collect();
    requests.sort_by(|a, b| {
        (b.value / f64::from(b.units.max(1))).total_cmp(&(a.value / f64::from(a.units.max(1))))
    });
    let mut bound = 0.0;
    for r in requests {
        let Some(cap) = pooled.get_mut(r.kind.as_str()) else {
            continue;
        };
        let units = f64::from(r.units.max(1));
        let share = (*cap / units).clamp(0.0, 1.0);
        bound += r.value * share;
        *cap -= units * share;
    }
    bound
}

/// The objective (with the tie-break) and the constraints over variables `x`, one
/// per choice.
pub(super) fn programme(
    p: &Problem,
    choices: &[Choice],
    room: &Room,
    x: &[Variable],
) -> (Expression, Vec<good_lp::Constraint>) {
    let tie_break = tie_break(p);
    let objective: Expression = choices
        .iter()
        .zip(x)
        .map(|(c, v)| (p.worth(c.request, c.resource) + tie_break(c.request)) * *v)
        .sum();
    let mut per_request: BTreeMap<usize, Expression> = BTreeMap::new();
    let mut per_slot: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut per_person: BTreeMap<(Uuid, usize), Expression> = BTreeMap::new();
    for (c, v) in choices.iter().zip(x) {
        *per_request.entry(c.request).or_default() += *v;
        *per_slot.entry((c.resource, c.month)).or_default() +=
            f64::from(p.requests[c.request].units) * *v;
        if let Some(e) = p.resources[c.resource].person {
            if room.engagements.contains_key(&(e, c.month)) {
                *per_person.entry((e, c.month)).or_default() += *v;
            }
        }
    }
    let mut rows = Vec::with_capacity(per_request.len() + per_slot.len() + per_person.len());
    rows.extend(per_request.into_values().map(|e| e.leq(1.0)));
    rows.extend(
        per_slot
            .into_iter()
            .map(|((r, m), e)| e.leq(room.units[r][m] as f64)),
    );
    rows.extend(
        per_person
            .into_iter()
            .map(|(k, e)| e.leq(room.engagements[&k] as f64)),
    );
    (objective, rows)
}

/// Builds and solves the binary programme over `choices`. Returns the variable
/// values and the solver's status.
pub(super) fn model(
    p: &Problem,
    choices: &[Choice],
    room: &Room,
    time_limit: f64,
) -> Result<(Vec<f64>, SolutionStatus), ResolutionError> {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = choices
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    let (objective, rows) = programme(p, choices, room, &x);
    let mut model = vars
        .maximise(objective)
        .using(microlp)
        .with_time_limit(time_limit);
    for row in rows {
        model.add_constraint(row);
    }
    let solution = model.solve()?;
    let values: Vec<f64> = x.iter().map(|v| solution.value(*v)).collect();
    Ok((values, solution.status()))
}

/// Drops any choice that would break a constraint (numerical slack in the solver),
/// keeping the more valuable ones first.
pub(super) fn repair(p: &Problem, mut chosen: Vec<Choice>, room: &Room) -> Vec<Choice> {
    chosen.sort_by(|a, b| {
        p.worth(b.request, b.resource)
            .total_cmp(&p.worth(a.request, a.resource))
            .then(a.request.cmp(&b.request))
    });
    let mut left = room.clone();
    let mut served = HashSet::new();
    let mut kept = Vec::new();
    for c in chosen {
        if !served.contains(&c.request) && left.fits(p, &c) {
            left.take(p, &c);
            served.insert(c.request);
            kept.push(c);
        }
    }
    kept
}

/// Adds requests not yet served, most valuable first, wherever room is left.
pub(super) fn fill(
    p: &Problem,
    chosen: Vec<Choice>,
    choices: &[Choice],
    room: &Room,
) -> Vec<Choice> {
    let mut left = room.clone();
    let mut served: HashSet<usize> = HashSet::new();
    for c in &chosen {
        left.take(p, c);
        served.insert(c.request);
    }
    let mut rest: Vec<&Choice> = choices
        .iter()
        .filter(|c| !served.contains(&c.request))
        .collect();
    rest.sort_by(|a, b| {
        p.worth(b.request, b.resource)
            .total_cmp(&p.worth(a.request, a.resource))
            .then(a.request.cmp(&b.request))
    });
    let mut out = chosen;
    for c in rest {
        if !served.contains(&c.request) && left.fits(p, c) {
            left.take(p, c);
            served.insert(c.request);
            out.push(*c);
        }
    }
    out
}
