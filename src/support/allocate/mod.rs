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
mod solve;

use solve::{solve_part, split, Choice, Room};

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
