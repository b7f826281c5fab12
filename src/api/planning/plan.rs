//! The support plan for a period, as GraphQL types of the support engine's explanation.

use async_graphql::{Context, Enum, Result, SimpleObject};

use crate::api::{context::engine, error::Coded};
use crate::{
    domain::{SupportRequest, SupportResource},
    support::{ExplainedPlan, LiftSource, RequestValue},
};

use super::period;

/// How a request's value was reached: amount × win probability × lift ×
/// qualification × weight × urgency (× fit with the resource, in the plan).
#[derive(SimpleObject)]
pub struct RequestValueG {
    /// Expected value of serving it, in the reference currency.
    pub value: f64,
    /// The deal's amount in the reference currency.
    pub amount: f64,
    pub lift: f64,
    /// `request` (the requester's estimate), `need:<id>` or `default`.
    pub lift_source: String,
    /// Strategic weight of the account's tier.
    pub weight: f64,
    /// The deal's win probability (docs/forecast.md).
    pub win_probability: f64,
    /// The lift's factor for qualification: 1, or the discount while the deal
    /// fails qualification.
    pub qualification: f64,
    /// The deal fails qualification: qualify it before spending scarce support.
    pub qualify_first: bool,
    /// 0..1: how much the help still matters against the expected signing.
    pub urgency: f64,
    /// Days from the request's neededBy to the expected signing; negative when
    /// the help would come after it; null without a signing date.
    pub slack_days: Option<i64>,
    /// The computation with its numbers.
    pub formula: String,
}

impl From<&RequestValue> for RequestValueG {
    fn from(v: &RequestValue) -> Self {
        RequestValueG {
            value: v.value,
            amount: v.amount,
            lift: v.lift,
            lift_source: match &v.lift_source {
                LiftSource::Request => "request".into(),
                LiftSource::Need(id) => format!("need:{id}"),
                LiftSource::Default => "default".into(),
            },
            weight: v.weight,
            win_probability: v.probability,
            qualification: v.qualification,
            qualify_first: v.qualify_first,
            urgency: v.urgency,
            slack_days: v.slack_days,
            formula: v.formula(),
        }
    }
}

/// One request the plan serves.
#[derive(SimpleObject)]
pub struct PlannedAssignment {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub account_name: String,
    pub resource: SupportResource,
    /// `YYYY-MM`.
    pub month: String,
    pub value: RequestValueG,
    /// How well the resource fits the deal: 1, or the industry-mismatch factor
    /// when it serves other industries (docs/support.md).
    pub fit: f64,
    /// What serving it with this resource is worth: value × fit.
    pub worth: f64,
    /// Why this deal got it, in a sentence.
    pub why: String,
    /// Requests that wanted the same resource that month and were left out, with
    /// what serving them would have been worth.
    pub displaced: Vec<Displaced>,
}

#[derive(SimpleObject)]
pub struct Displaced {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub value: f64,
}

/// Why a request was left out.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
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
#[derive(SimpleObject)]
pub struct LeftOutRequest {
    pub request: SupportRequest,
    pub opportunity_name: String,
    pub value: RequestValueG,
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

/// Capacity that would let more requests in: extra units of one resource in one
/// month, and what they would serve.
#[derive(SimpleObject)]
pub struct Shortfall {
    pub resource: SupportResource,
    pub month: String,
    /// Units beyond today's capacity that would let every request listed in.
    pub extra_units: i32,
    pub requests: Vec<SupportRequest>,
    /// What serving them would be worth.
    pub value: f64,
    /// The person behind the resource when they are at their engagement limit that
    /// month too: more units alone would not do.
    pub person_at_limit: Option<String>,
}

/// One independent part of the problem and how it was solved.
#[derive(SimpleObject)]
pub struct PlanPart {
    pub requests: i32,
    /// Assignment choices (request × resource × month).
    pub variables: i32,
    /// `exact`, `exact_time_limited`, `relaxation`, `decomposed` or `greedy`.
    pub method: String,
    pub value: f64,
    pub bound: f64,
}

/// The proposed allocation of support for a period.
#[derive(SimpleObject)]
pub struct SupportPlanG {
    pub period: String,
    /// The currency values are in.
    pub currency: String,
    /// Expected value of everything served.
    pub value: f64,
    /// No plan can be worth more than this.
    pub bound: f64,
    /// (bound − value) / bound; 0 when proven optimal.
    pub gap: f64,
    pub assignments: Vec<PlannedAssignment>,
    pub left_out: Vec<LeftOutRequest>,
    /// Per resource and month, the extra capacity that would cover the requests
    /// left out for want of it, most valuable first.
    pub shortfalls: Vec<Shortfall>,
    pub parts: Vec<PlanPart>,
    /// Resources already booked beyond capacity, and the like.
    pub warnings: Vec<String>,
}

pub(crate) async fn support_plan(ctx: &Context<'_>, raw_period: &str) -> Result<SupportPlanG> {
    let period = period(raw_period)?;
    let plan = engine(ctx).explained_support_plan(period).await.coded()?;
    Ok(plan.into())
}

impl From<ExplainedPlan> for SupportPlanG {
    fn from(p: ExplainedPlan) -> Self {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        SupportPlanG {
            period: p.period,
            currency: p.currency,
            value: p.value,
            bound: p.bound,
            gap: p.gap,
            assignments: p
                .assignments
                .into_iter()
                .map(|a| PlannedAssignment {
                    value: (&a.value).into(),
                    request: a.request,
                    opportunity_name: a.opportunity_name,
                    account_name: a.account_name,
                    resource: a.resource,
                    month: a.month,
                    fit: a.fit,
                    worth: a.worth,
                    why: a.why,
                    displaced: a
                        .displaced
                        .into_iter()
                        .map(|d| Displaced {
                            request: d.request,
                            opportunity_name: d.opportunity_name,
                            value: d.value,
                        })
                        .collect(),
                })
                .collect(),
            left_out: p
                .left_out
                .into_iter()
                .map(|l| LeftOutRequest {
                    value: (&l.value).into(),
                    request: l.request,
                    opportunity_name: l.opportunity_name,
                    reason: l.reason.into(),
                    explanation: l.explanation,
                    extra_units_needed: l.extra_units_needed,
                    resource: l.resource,
                    month: l.month,
                    taken_by: l.taken_by,
                })
                .collect(),
            shortfalls: p
                .shortfalls
                .into_iter()
                .map(|s| Shortfall {
                    resource: s.resource,
                    month: s.month,
                    extra_units: i32::try_from(s.extra_units).unwrap_or(i32::MAX),
                    requests: s.requests,
                    value: s.value,
                    person_at_limit: s.person_at_limit,
                })
                .collect(),
            parts: p
                .parts
                .iter()
                .map(|p| PlanPart {
                    requests: count(p.requests),
                    variables: count(p.variables),
                    method: p.method.as_str().into(),
                    value: p.value,
                    bound: p.bound,
                })
                .collect(),
            warnings: p.warnings,
        }
    }
}

impl From<crate::support::LeftOutReason> for LeftOutReason {
    fn from(r: crate::support::LeftOutReason) -> Self {
        use crate::support::LeftOutReason as R;
        match r {
            R::NoResource => LeftOutReason::NoResource,
            R::NoSkill => LeftOutReason::NoSkill,
            R::DeadlinePassed => LeftOutReason::DeadlinePassed,
            R::TooLarge => LeftOutReason::TooLarge,
            R::PeopleFullyBooked => LeftOutReason::PeopleFullyBooked,
            R::PersonAtLimit => LeftOutReason::PersonAtLimit,
            R::Outbid => LeftOutReason::Outbid,
        }
    }
}
