//! Support allocation as a mixed-integer programme: which open request gets which
//! resource in which month so that the expected value of the support given is the
//! largest the capacities allow.
//!
//! Variables `x[q, r, m]` are 1 when request `q` is served by resource `r` in month
//! `m`. Each request is served at most once and only by a resource of its kind (the
//! one it named, if any), in a month that starts on or before its deadline.
//! Capacity: the units served by `r` in `m` stay within what is free after earlier
//! grants. Per-person limits: the engagements of everyone's resources in `m` stay
//! within their `support_limit`. Objective: the sum of the served requests' values.
//!
//! Requests that cannot compete for the same capacity are independent, so the
//! problem splits into parts (connected by shared resources or people). A part small
//! enough is solved exactly by branch and bound (good_lp over microlp, pure Rust).
//! A larger one by its linear relaxation (good_lp over clarabel, an interior-point
//! solver in pure Rust), whose optimum bounds every plan, rounded in order of the
//! relaxed values. Beyond that size the part is decomposed by resource: each request is given one resource of
//! its kind, each resource (with the others of the same person) is solved exactly,
//! and requests left out then take any room left. Its bound is the pooled
//! relaxation (per kind, all free units pooled and filled fractionally by value per
//! unit), which no plan can beat; the gap to it is reported.

use std::collections::{BTreeMap, HashMap, HashSet};

use good_lp::{
    clarabel, microlp, variable, Expression, ProblemVariables, ResolutionError, Solution,
    SolutionStatus, SolverModel, Variable, WithTimeLimit,
};
use time::Date;
use uuid::Uuid;

use crate::domain::YearMonth;

/// Something scarce to give: an expert's days, an executive's visits.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    /// Units per month.
    pub capacity: i32,
    /// The employee behind it, whose `limit` may bind across resources.
    pub person: Option<Uuid>,
    /// Industry ids it serves; empty: every industry.
    pub industries: Vec<String>,
    /// Skill tags it brings.
    pub skills: Vec<String>,
}

/// An employee standing behind one or more resources, with their own monthly limit
/// of engagements.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub limit: i32,
}

/// An open request and what serving it is worth.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: Uuid,
    pub kind: String,
    /// A particular resource asked for.
    pub resource: Option<Uuid>,
    pub units: i32,
    pub needed_by: Date,
    /// Expected value of serving it with a resource that fits (docs/support.md).
    pub value: f64,
    /// The deal's account industry.
    pub industry: String,
    /// Skills the support must bring: a resource lacking one cannot serve it.
    pub skills: Vec<String>,
}

/// Capacity already taken by a granted (or given) request.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub resource: Uuid,
    pub month: YearMonth,
    pub units: i32,
}

/// The allocation problem for one period.
#[derive(Debug, Clone)]
pub struct Problem {
    pub months: Vec<YearMonth>,
    pub resources: Vec<Resource>,
    pub people: Vec<Person>,
    pub requests: Vec<Request>,
    pub bookings: Vec<Booking>,
    /// The value's factor when a resource serves other industries than the
    /// deal's (support.toml `industry_mismatch_factor`; 1 keeps full value).
    pub industry_mismatch_factor: f64,
}

impl Default for Problem {
    fn default() -> Self {
        Problem {
            months: Vec::new(),
            resources: Vec::new(),
            people: Vec::new(),
            requests: Vec::new(),
            bookings: Vec::new(),
            // A problem that says nothing of fit values every resource fully.
            industry_mismatch_factor: 1.0,
        }
    }
}

impl Problem {
    /// Whether `resource` can serve `request`: the kind, the resource named (if
    /// any), and every skill the request needs.
    pub fn can_serve(&self, request: &Request, resource: &Resource) -> bool {
        resource.kind == request.kind
            && request.resource.is_none_or(|want| want == resource.id)
            && request.skills.iter().all(|s| resource.skills.contains(s))
    }

    /// How well `resource` fits `request`'s deal: 1, or the mismatch factor when
    /// it serves other industries.
    pub fn fit(&self, request: &Request, resource: &Resource) -> f64 {
        if resource.industries.is_empty() || resource.industries.contains(&request.industry) {
            1.0
        } else {
            self.industry_mismatch_factor
        }
    }

    /// What serving request `q` with resource `r` is worth.
    fn worth(&self, q: usize, r: usize) -> f64 {
        let req = &self.requests[q];
        req.value * self.fit(req, &self.resources[r])
    }
}

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Parts with more assignment choices than this are solved by relaxation.
    pub exact_variable_limit: usize,
    /// Parts with more choices than this are split by resource.
    pub relaxation_variable_limit: usize,
    pub time_limit_seconds: f64,
}

/// How a part was solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Branch and bound to proven optimality.
    Exact,
    /// Branch and bound stopped by the time limit; the best plan found is used.
    ExactTimeLimited,
    /// Too large to solve whole: linear relaxation (interior point), rounded in
    /// order of the relaxed values, leftovers placed by value; the bound is the
    /// relaxation's optimum.
    Relaxation,
    /// The relaxation failed: split by resource, each resource solved exactly,
    /// leftovers placed wherever room remains; the bound is the pooled relaxation.
    Decomposed,
    /// The solver failed; requests were served greedily by value.
    Greedy,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::ExactTimeLimited => "exact_time_limited",
            Method::Relaxation => "relaxation",
            Method::Decomposed => "decomposed",
            Method::Greedy => "greedy",
        }
    }
}

/// One request served.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub request: Uuid,
    pub resource: Uuid,
    pub month: YearMonth,
    pub value: f64,
}

/// Why a request was left out.
#[derive(Debug, Clone, PartialEq)]
pub enum LeftOut {
    /// No resource of its kind exists (or the one it named is of another kind).
    NoResource,
    /// Resources of the kind exist, but none brings every skill the request
    /// needs.
    NoSkill,
    /// Its deadline falls before the period starts.
    DeadlinePassed,
    /// It needs more units than any eligible resource has in any month.
    TooLarge { largest_free: i32 },
    /// Everyone who could give it is at their engagement limit.
    PeopleFullyBooked,
    /// The resource had room, but the person behind it reached their monthly
    /// engagement limit with requests worth more.
    PersonAtLimit {
        person: Uuid,
        month: YearMonth,
        taken_by: Vec<Uuid>,
    },
    /// Capacity went to requests worth more. `extra_units` more of `resource` in
    /// `month` would have let it in beside them.
    Outbid {
        resource: Uuid,
        month: YearMonth,
        extra_units: i32,
        taken_by: Vec<Uuid>,
        /// The person behind the resource, when they too are at their limit that
        /// month (more units alone would not do).
        person_at_limit: Option<Uuid>,
    },
}

/// A solved part of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub requests: usize,
    pub variables: usize,
    pub method: Method,
    pub value: f64,
    /// No plan for this part can be worth more than this.
    pub bound: f64,
}

/// The proposed allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub assignments: Vec<Assignment>,
    pub left_out: Vec<(Uuid, LeftOut)>,
    pub value: f64,
    pub bound: f64,
    pub parts: Vec<Part>,
    /// Things the decider should know: resources booked beyond capacity already.
    pub warnings: Vec<String>,
}

impl Plan {
    /// Relative gap between the plan and the bound, 0 when proven optimal.
    pub fn gap(&self) -> f64 {
        if self.bound <= 0.0 {
            0.0
        } else {
            ((self.bound - self.value) / self.bound).max(0.0)
        }
    }
}

/// One way to serve a request.
#[derive(Debug, Clone, Copy)]
struct Choice {
    request: usize,
    resource: usize,
    month: usize,
}

/// Free capacity left in each (resource, month) and engagements left per (person, month).
#[derive(Clone)]
struct Room {
    units: Vec<Vec<i64>>,
    engagements: HashMap<(Uuid, usize), i64>,
}

impl Room {
    fn fits(&self, p: &Problem, c: &Choice) -> bool {
        let r = &p.resources[c.resource];
        self.units[c.resource][c.month] >= i64::from(p.requests[c.request].units)
            && r.person
                .and_then(|e| self.engagements.get(&(e, c.month)))
                .is_none_or(|left| *left >= 1)
    }

    fn take(&mut self, p: &Problem, c: &Choice) {
        self.units[c.resource][c.month] -= i64::from(p.requests[c.request].units);
        if let Some(left) = p.resources[c.resource]
            .person
            .and_then(|e| self.engagements.get_mut(&(e, c.month)))
        {
            *left -= 1;
        }
    }
}

/// Proposes the allocation of `p`'s open requests.
pub fn allocate(p: &Problem, settings: Settings) -> Plan {
    let mut warnings = Vec::new();
    let month_index: HashMap<YearMonth, usize> =
        p.months.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let resource_index: HashMap<Uuid, usize> = p
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();

    let mut units: Vec<Vec<i64>> = p
        .resources
        .iter()
        .map(|r| vec![i64::from(r.capacity); p.months.len()])
        .collect();
    let mut engagements: HashMap<(Uuid, usize), i64> = HashMap::new();
    for person in &p.people {
        for m in 0..p.months.len() {
            engagements.insert((person.id, m), i64::from(person.limit));
        }
    }
    for b in &p.bookings {
        let (Some(&r), Some(&m)) = (resource_index.get(&b.resource), month_index.get(&b.month))
        else {
            continue;
        };
        units[r][m] -= i64::from(b.units);
        if let Some(left) = p.resources[r]
            .person
            .and_then(|e| engagements.get_mut(&(e, m)))
        {
            *left -= 1;
        }
    }
    for (r, row) in units.iter_mut().enumerate() {
        for (m, free) in row.iter_mut().enumerate() {
            if *free < 0 {
                warnings.push(format!(
                    "{} is booked {} beyond its capacity of {} in {}; nothing more is planned on it",
                    p.resources[r].name,
                    crate::domain::count(-*free, "unit", "units"),
                    p.resources[r].capacity,
                    p.months[m]
                ));
                *free = 0;
            }
        }
    }
    for person in &p.people {
        for (m, month) in p.months.iter().enumerate() {
            if let Some(left) = engagements.get_mut(&(person.id, m)) {
                if *left < 0 {
                    warnings.push(format!(
                        "{} has {} engagements beyond their limit of {} in {month}",
                        person.name, -*left, person.limit
                    ));
                    *left = 0;
                }
            }
        }
    }
    let room = Room { units, engagements };

    // Every way each request could be served with the room there is.
    let mut left_out: Vec<(Uuid, LeftOut)> = Vec::new();
    let mut choices: Vec<Choice> = Vec::new();
    let first_month = p.months.first().map(|m| m.first_day());
    for (q, req) in p.requests.iter().enumerate() {
        let eligible: Vec<usize> = p
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == req.kind && req.resource.is_none_or(|want| want == r.id))
            .map(|(i, _)| i)
            .collect();
        if eligible.is_empty() {
            left_out.push((req.id, LeftOut::NoResource));
            continue;
        }
        let eligible: Vec<usize> = eligible
            .into_iter()
            .filter(|&r| p.can_serve(req, &p.resources[r]))
            .collect();
        if eligible.is_empty() {
            left_out.push((req.id, LeftOut::NoSkill));
            continue;
        }
        if first_month.is_none_or(|f| req.needed_by < f) {
            left_out.push((req.id, LeftOut::DeadlinePassed));
            continue;
        }
        let months: Vec<usize> = (0..p.months.len())
            .filter(|m| p.months[*m].first_day() <= req.needed_by)
            .collect();
        let before = choices.len();
        for &r in &eligible {
            for &m in &months {
                let c = Choice {
                    request: q,
                    resource: r,
                    month: m,
                };
                if room.fits(p, &c) {
                    choices.push(c);
                }
            }
        }
        if choices.len() == before {
            let largest_free = eligible
                .iter()
                .flat_map(|&r| months.iter().map(move |&m| (r, m)))
                .map(|(r, m)| room.units[r][m])
                .max()
                .unwrap_or(0);
            let reason = if largest_free >= i64::from(req.units) {
                LeftOut::PeopleFullyBooked
            } else {
                LeftOut::TooLarge {
                    largest_free: largest_free as i32,
                }
            };
            left_out.push((req.id, reason));
        }
    }

    // Parts: requests linked through the resources and people they could use.
    let parts = split(p, &choices);
    let mut assignments = Vec::new();
    let mut reports = Vec::new();
    let mut room = room;
    for part in parts {
        let part_choices: Vec<Choice> = part.iter().map(|&i| choices[i]).collect();
        let (chosen, report) = solve_part(p, &part_choices, &room, settings);
        for c in &chosen {
            room.take(p, c);
            assignments.push(Assignment {
                request: p.requests[c.request].id,
                resource: p.resources[c.resource].id,
                month: p.months[c.month],
                value: p.worth(c.request, c.resource),
            });
        }
        reports.push(report);
    }

    // Why the rest were left out: the choice that would need the least extra room.
    let served: HashSet<Uuid> = assignments.iter().map(|a| a.request).collect();
    let mut on_slot: HashMap<(Uuid, YearMonth), Vec<Uuid>> = HashMap::new();
    let mut on_person: HashMap<(Uuid, YearMonth), Vec<Uuid>> = HashMap::new();
    for a in &assignments {
        on_slot
            .entry((a.resource, a.month))
            .or_default()
            .push(a.request);
        if let Some(person) = resource_index
            .get(&a.resource)
            .and_then(|r| p.resources[*r].person)
        {
            on_person
                .entry((person, a.month))
                .or_default()
                .push(a.request);
        }
    }
    let mut reasons: BTreeMap<usize, LeftOut> = BTreeMap::new();
    for c in &choices {
        let req = &p.requests[c.request];
        if served.contains(&req.id) {
            continue;
        }
        let extra = (i64::from(req.units) - room.units[c.resource][c.month]).max(0) as i32;
        let resource = p.resources[c.resource].id;
        let month = p.months[c.month];
        if extra == 0 {
            if let Some(person) = p.resources[c.resource].person {
                reasons
                    .entry(c.request)
                    .or_insert_with(|| LeftOut::PersonAtLimit {
                        person,
                        month,
                        taken_by: on_person.get(&(person, month)).cloned().unwrap_or_default(),
                    });
                continue;
            }
        }
        let better = match reasons.get(&c.request) {
            Some(LeftOut::Outbid { extra_units, .. }) => extra < *extra_units,
            Some(LeftOut::PersonAtLimit { .. }) => false,
            _ => true,
        };
        if better {
            let person_at_limit = p.resources[c.resource].person.filter(|e| {
                room.engagements
                    .get(&(*e, c.month))
                    .is_some_and(|left| *left < 1)
            });
            reasons.insert(
                c.request,
                LeftOut::Outbid {
                    resource,
                    month,
                    extra_units: extra,
                    taken_by: on_slot.get(&(resource, month)).cloned().unwrap_or_default(),
                    person_at_limit,
                },
            );
        }
    }
    left_out.extend(
        reasons
            .into_iter()
            .map(|(q, reason)| (p.requests[q].id, reason)),
    );
    let order: HashMap<Uuid, usize> = p
        .requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    left_out.sort_by_key(|(id, _)| order.get(id).copied().unwrap_or(usize::MAX));
    assignments.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| order.get(&a.request).cmp(&order.get(&b.request)))
    });
    let value = assignments.iter().map(|a| a.value).sum();
    let bound = reports.iter().map(|r| r.bound).sum::<f64>().max(value);
    Plan {
        assignments,
        left_out,
        value,
        bound,
        parts: reports,
        warnings,
    }
}

/// Groups choices into independent parts (union-find over requests, resources and
/// the people behind them); returns choice indices per part, in a stable order.
fn split(p: &Problem, choices: &[Choice]) -> Vec<Vec<usize>> {
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
fn tie_break(p: &Problem) -> impl Fn(usize) -> f64 {
    let scale = p
        .requests
        .iter()
        .map(|r| r.value.abs())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let n = p.requests.len().max(1) as f64;
    move |q| scale * 1e-7 * (1.0 - q as f64 / n)
}

fn solve_part(
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
fn relaxation(
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
fn round(p: &Problem, choices: &[Choice], values: &[f64], room: &Room) -> Vec<Choice> {
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
fn exact(
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
fn decompose(p: &Problem, choices: &[Choice], room: &Room, settings: Settings) -> Vec<Choice> {
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
fn pooled_bound(p: &Problem, choices: &[Choice], room: &Room) -> f64 {
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
fn programme(
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
fn model(
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
fn repair(p: &Problem, mut chosen: Vec<Choice>, room: &Room) -> Vec<Choice> {
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
fn fill(p: &Problem, chosen: Vec<Choice>, choices: &[Choice], room: &Room) -> Vec<Choice> {
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
