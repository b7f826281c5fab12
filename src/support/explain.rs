//! The support plan with every decision explained: why each deal got its
//! resource (the value's terms, the fit, whom it displaced), why each request was
//! left out, and what capacity would let more in. The API and the command line
//! render this one explanation (docs/support.md).

use std::collections::HashMap;

use uuid::Uuid;

use super::{LeftOut, Part, Plan, RequestValue};
use crate::{
    domain::{count, Period, SupportRequest, SupportResource},
    methodology::Methodology,
};

/// An open request as the planner saw it.
#[derive(Debug, Clone)]
pub struct PlannedRequest {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub account_id: Uuid,
    pub account_name: String,
    pub stage: String,
    /// The account's industry, for the fit with each resource.
    pub industry: String,
    pub value: RequestValue,
}

/// The proposed allocation for a period with what it was computed from.
#[derive(Debug, Clone)]
pub struct SupportPlan {
    pub period: Period,
    pub plan: Plan,
    pub requests: HashMap<Uuid, PlannedRequest>,
    pub resources: HashMap<Uuid, SupportResource>,
    /// Free units per resource and month before the plan (capacity − granted).
    pub free_before: HashMap<(Uuid, String), i64>,
    /// Name and monthly engagement limit of people with a limit.
    pub people: HashMap<Uuid, (String, i32)>,
}

/// One request the plan serves.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub account_name: String,
    pub resource: SupportResource,
    /// `YYYY-MM`.
    pub month: String,
    pub value: RequestValue,
    /// How well the resource fits the deal: 1, or the industry-mismatch factor
    /// when it serves other industries.
    pub fit: f64,
    /// What serving it with this resource is worth: value × fit.
    pub worth: f64,
    /// Why this deal got it, in a sentence.
    pub why: String,
    /// Requests that wanted the same resource that month and were left out.
    pub displaced: Vec<Displaced>,
}

/// A request left out for one that was worth more, with its value.
#[derive(Debug, Clone)]
pub struct Displaced {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub value: f64,
}

/// Why a request was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutReason {
    NoResource,
    /// Resources of the kind exist, but none brings every skill it needs.
    NoSkill,
    DeadlinePassed,
    TooLarge,
    PeopleFullyBooked,
    PersonAtLimit,
    Outbid,
}

/// A request the plan does not serve.
#[derive(Debug, Clone)]
pub struct Unserved {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub value: RequestValue,
    pub reason: LeftOutReason,
    /// The reason in a sentence, with what capacity would cover it.
    pub explanation: String,
    /// More units of `resource` in `month` that would let it in.
    pub extra_units_needed: Option<i32>,
    pub resource: Option<SupportResource>,
    pub month: Option<String>,
    /// The requests holding the capacity it needed.
    pub taken_by: Vec<SupportRequest>,
}

/// Extra units of one resource in one month, and what they would serve.
#[derive(Debug, Clone)]
pub struct Shortfall {
    pub resource: SupportResource,
    pub month: String,
    /// Units beyond today's capacity that would let every request listed in.
    pub extra_units: i64,
    pub requests: Vec<SupportRequest>,
    /// What serving them would be worth.
    pub value: f64,
    /// The person behind the resource when they are at their engagement limit
    /// that month too: more units alone would not do.
    pub person_at_limit: Option<String>,
}

/// The proposed allocation of support for a period, explained.
#[derive(Debug, Clone)]
pub struct ExplainedPlan {
    pub period: String,
    /// The currency values are in.
    pub currency: String,
    /// Expected value of everything served.
    pub value: f64,
    /// No plan can be worth more than this.
    pub bound: f64,
    /// (bound − value) / bound; 0 when proven optimal.
    pub gap: f64,
    pub assignments: Vec<Assigned>,
    pub left_out: Vec<Unserved>,
    /// Per resource and month, the extra capacity that would cover the requests
    /// left out for want of it, most valuable first.
    pub shortfalls: Vec<Shortfall>,
    pub parts: Vec<Part>,
    /// Resources already booked beyond capacity, and the like.
    pub warnings: Vec<String>,
}

fn money(v: f64, currency: &str) -> String {
    format!("{} {:.0}", currency.to_uppercase(), v)
}

/// The plan with every decision explained.
pub fn explain(sp: &SupportPlan, m: &Methodology) -> ExplainedPlan {
    let cur = m.support.reference_currency.to_uppercase();
    let request = |id: &Uuid| sp.requests.get(id);
    let people = &sp.people;
    let resource_name = |id: &Uuid| {
        sp.resources
            .get(id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let mut wanted_by: HashMap<(Uuid, String), Vec<Uuid>> = HashMap::new();
    for (q, reason) in &sp.plan.left_out {
        if let LeftOut::Outbid {
            resource, month, ..
        } = reason
        {
            wanted_by
                .entry((*resource, month.to_string()))
                .or_default()
                .push(*q);
        }
    }
    let assignments = sp
        .plan
        .assignments
        .iter()
        .filter_map(|a| {
            let p = request(&a.request)?;
            let resource = sp.resources.get(&a.resource)?.clone();
            let month = a.month.to_string();
            let displaced: Vec<Displaced> = wanted_by
                .get(&(a.resource, month.clone()))
                .into_iter()
                .flatten()
                .filter_map(&request)
                .map(|d| Displaced {
                    request: d.request.clone(),
                    opportunity_name: d.opportunity_name.clone(),
                    value: d.value.value,
                })
                .collect();
            let v = &p.value;
            let serves = resource.industry_list();
            let fit = if serves.is_empty() || serves.contains(&p.industry) {
                1.0
            } else {
                m.support.value.industry_mismatch_factor
            };
            let fit_words = if fit < 1.0 - 1e-9 {
                format!(
                    " × fit {fit:.1} ({} serves {}, not {})",
                    resource.name,
                    resource.industry_list().join(", "),
                    p.industry
                )
            } else {
                String::new()
            };
            let why = format!(
                "{} ({}, {}) gets {} in {month}: {} × win probability {:.0}% × lift {:.0}%{} × weight {:.1} × urgency {:.2}{fit_words} = {} expected{}{}",
                p.opportunity_name,
                p.account_name,
                p.stage,
                resource.name,
                money(v.amount, &cur),
                v.probability * 100.0,
                v.lift * 100.0,
                if v.qualify_first {
                    format!(" × {:.1} (not qualified)", v.qualification)
                } else {
                    String::new()
                },
                v.weight,
                v.urgency,
                money(a.value, &cur),
                if v.qualify_first {
                    "; qualify first: the deal fails qualification"
                } else {
                    ""
                },
                if displaced.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; worth more here than {}",
                        displaced
                            .iter()
                            .map(|d| format!("{} ({})", d.opportunity_name, money(d.value, &cur)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
            Some(Assigned {
                request: p.request.clone(),
                opportunity_name: p.opportunity_name.clone(),
                account_name: p.account_name.clone(),
                resource,
                month,
                value: p.value.clone(),
                fit,
                worth: a.value,
                why,
                displaced,
            })
        })
        .collect();
    let left_out = sp
        .plan
        .left_out
        .iter()
        .filter_map(|(q, reason)| {
            let p = request(q)?;
            let r = &p.request;
            let names = |ids: &[Uuid]| -> Vec<SupportRequest> {
                ids.iter()
                    .filter_map(|i| request(i).map(|x| x.request.clone()))
                    .collect()
            };
            let holders = |ids: &[Uuid]| {
                ids.iter()
                    .filter_map(|i| request(i).map(|x| x.opportunity_name.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (reason_g, explanation, extra, resource, month, taken_by) = match reason {
                LeftOut::NoResource => (
                    LeftOutReason::NoResource,
                    format!("no {} resource exists{}", r.kind, if r.resource_id.is_some() { " of the one named" } else { "" }),
                    None,
                    None,
                    None,
                    Vec::new(),
                ),
                LeftOut::NoSkill => (
                    LeftOutReason::NoSkill,
                    format!(
                        "no {} resource{} brings every skill it needs ({})",
                        r.kind,
                        if r.resource_id.is_some() { " of the one named" } else { "" },
                        r.skill_list().join(", ")
                    ),
                    None,
                    None,
                    None,
                    Vec::new(),
                ),
                LeftOut::DeadlinePassed => (
                    LeftOutReason::DeadlinePassed,
                    format!("needed by {}, before {} starts", r.needed_by, sp.period),
                    None,
                    None,
                    None,
                    Vec::new(),
                ),
                LeftOut::TooLarge { largest_free } => (
                    LeftOutReason::TooLarge,
                    format!(
                        "needs {}; the most any {} resource has free in a month before the deadline is {largest_free}",
                        count(r.units, "unit", "units"), r.kind
                    ),
                    Some(r.units - largest_free),
                    None,
                    None,
                    Vec::new(),
                ),
                LeftOut::PeopleFullyBooked => (
                    LeftOutReason::PeopleFullyBooked,
                    "everyone who could give it has reached their monthly engagement limit".into(),
                    None,
                    None,
                    None,
                    Vec::new(),
                ),
                LeftOut::PersonAtLimit {
                    month, taken_by, ..
                } => (
                    LeftOutReason::PersonAtLimit,
                    format!(
                        "the person behind it reaches their engagement limit in {month} with {}, worth more",
                        holders(taken_by)
                    ),
                    None,
                    None,
                    Some(month.to_string()),
                    names(taken_by),
                ),
                LeftOut::Outbid {
                    resource,
                    month,
                    extra_units,
                    taken_by,
                    person_at_limit,
                } => (
                    LeftOutReason::Outbid,
                    format!(
                        "{} in {month} goes to {}, worth more; {} of it{} would cover this request ({})",
                        resource_name(resource),
                        holders(taken_by),
                        count(*extra_units, "more unit", "more units"),
                        match person_at_limit.and_then(|e| people.get(&e)) {
                            Some((name, limit)) => format!(
                                " and a higher limit for {name} (at {limit} engagements that month)"
                            ),
                            None => String::new(),
                        },
                        money(p.value.value, &cur)
                    ),
                    Some(*extra_units),
                    sp.resources.get(resource).cloned(),
                    Some(month.to_string()),
                    names(taken_by),
                ),
            };
            Some(Unserved {
                request: r.clone(),
                opportunity_name: p.opportunity_name.clone(),
                value: p.value.clone(),
                reason: reason_g,
                explanation,
                extra_units_needed: extra,
                resource,
                month,
                taken_by,
            })
        })
        .collect();
    let mut shortfalls: Vec<Shortfall> = Vec::new();
    for (q, reason) in &sp.plan.left_out {
        let (
            LeftOut::Outbid {
                resource,
                month,
                person_at_limit,
                ..
            },
            Some(p),
        ) = (reason, request(q))
        else {
            continue;
        };
        let Some(res) = sp.resources.get(resource) else {
            continue;
        };
        let month = month.to_string();
        let i = match shortfalls
            .iter()
            .position(|s| s.resource.support_resource_id == *resource && s.month == month)
        {
            Some(i) => i,
            None => {
                shortfalls.push(Shortfall {
                    resource: res.clone(),
                    month: month.clone(),
                    extra_units: 0,
                    requests: Vec::new(),
                    value: 0.0,
                    person_at_limit: person_at_limit
                        .and_then(|e| people.get(&e))
                        .map(|(name, _)| name.clone()),
                });
                shortfalls.len() - 1
            }
        };
        let s = &mut shortfalls[i];
        s.requests.push(p.request.clone());
        s.value += p.value.value;
    }
    // Every request a shortfall lists would need its own units on top of what the
    // plan already uses there.
    for s in &mut shortfalls {
        let used: i64 = sp
            .plan
            .assignments
            .iter()
            .filter(|a| {
                a.resource == s.resource.support_resource_id && a.month.to_string() == s.month
            })
            .filter_map(|a| request(&a.request))
            .map(|p| i64::from(p.request.units))
            .sum();
        let free = sp
            .free_before
            .get(&(s.resource.support_resource_id, s.month.clone()))
            .copied()
            .unwrap_or(0)
            .max(0);
        let wanted: i64 = s.requests.iter().map(|r| i64::from(r.units)).sum();
        s.extra_units = (used + wanted - free).max(0);
    }
    shortfalls.sort_by(|a, b| b.value.total_cmp(&a.value));
    ExplainedPlan {
        period: sp.period.to_string(),
        currency: cur.clone(),
        value: sp.plan.value,
        bound: sp.plan.bound,
        gap: sp.plan.gap(),
        assignments,
        left_out,
        shortfalls,
        parts: sp.plan.parts.clone(),
        warnings: sp.plan.warnings.clone(),
    }
}
