//! GraphQL faces of support allocation, the forecast and the patterns of history.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    advice::LangG,
    context::{employee_of, engine, opportunity_of, store},
    error::Coded,
    ids::{id, parse, parse_opt},
};
use crate::{
    advice::Lang,
    domain::{
        Employee, Opportunity, Period, SupportDecision, SupportDecisionInput, SupportRequest,
        SupportRequestInput, SupportRequestPatch, SupportResource, SupportStatus,
    },
    forecast::{rollup::GroupBy, WinProbability},
    methodology::label,
    support::{ExplainedPlan, LiftSource, RequestValue},
};

fn zh(lang: Option<LangG>) -> bool {
    matches!(lang.map(Lang::from), Some(Lang::Zh))
}

fn period(raw: &str) -> Result<Period> {
    Period::parse("period", raw).coded()
}

// ---------------------------------------------------------------- requests

/// Where a support request stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "SupportStatus")]
pub enum SupportStatusG {
    Requested,
    Granted,
    Declined,
    Done,
    Cancelled,
}

impl From<SupportStatus> for SupportStatusG {
    fn from(s: SupportStatus) -> Self {
        match s {
            SupportStatus::Requested => Self::Requested,
            SupportStatus::Granted => Self::Granted,
            SupportStatus::Declined => Self::Declined,
            SupportStatus::Done => Self::Done,
            SupportStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<SupportStatusG> for SupportStatus {
    fn from(s: SupportStatusG) -> Self {
        match s {
            SupportStatusG::Requested => Self::Requested,
            SupportStatusG::Granted => Self::Granted,
            SupportStatusG::Declined => Self::Declined,
            SupportStatusG::Done => Self::Done,
            SupportStatusG::Cancelled => Self::Cancelled,
        }
    }
}

#[Object]
impl SupportRequest {
    async fn id(&self) -> ID {
        id(self.support_request_id)
    }
    /// Skill tags the support must bring.
    async fn skills(&self) -> Vec<String> {
        self.skill_list()
    }
    /// Raised by every change to the record; send it back as `expectedRevision`
    /// when you update it.
    async fn revision(&self) -> i64 {
        self.revision
    }
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        opportunity_of(ctx, Some(self.opportunity_id)).await
    }
    /// An id from the methodology's `support_resource_kinds`.
    async fn kind(&self) -> &str {
        &self.kind
    }
    /// The resource asked for by name, if any.
    async fn resource(&self, ctx: &Context<'_>) -> Result<Option<SupportResource>> {
        resource_of(ctx, self.resource_id).await
    }
    async fn units(&self) -> i32 {
        self.units
    }
    /// The last day the support is still useful.
    async fn needed_by(&self) -> Date {
        self.needed_by
    }
    /// The requester's own estimate of the rise in the chance of winning; null when
    /// the methodology's is used.
    async fn lift(&self) -> Option<f64> {
        self.lift
    }
    async fn requested_by(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.requested_by).await
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    async fn status(&self) -> SupportStatusG {
        self.current_status().into()
    }
    async fn granted_resource(&self, ctx: &Context<'_>) -> Result<Option<SupportResource>> {
        resource_of(ctx, self.granted_resource_id).await
    }
    /// `YYYY-MM`: the month the granted units are booked in.
    async fn granted_month(&self) -> Option<&str> {
        self.granted_month.as_deref()
    }
    async fn decided_by(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.decided_by).await
    }
    async fn decided_on(&self) -> Option<Date> {
        self.decided_on
    }
    async fn decision_note(&self) -> Option<&str> {
        self.decision_note.as_deref()
    }
    async fn methodology_version(&self) -> &str {
        &self.methodology_version
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
}

async fn resource_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<SupportResource>> {
    match id {
        Some(r) => store(ctx).support_resource(r).await.coded(),
        None => Ok(None),
    }
}

#[derive(InputObject)]
pub struct RequestSupportInput {
    pub opportunity_id: ID,
    /// An id from `support_resource_kinds`.
    pub kind: String,
    /// A particular resource; any of the kind if left out.
    pub resource_id: Option<ID>,
    /// Days, visits, ... in the resource's unit (1..10000).
    pub units: i64,
    /// The last day the support is useful; the end of this month if left out.
    pub needed_by: Option<Date>,
    /// The requester's estimate of the rise in the chance of winning (0..1); the
    /// methodology's if left out.
    pub lift: Option<f64>,
    pub requested_by: Option<ID>,
    pub note: Option<String>,
    /// Skills the support must bring ("5g core", "grid scada"): a resource
    /// lacking one of them cannot serve the request.
    pub skills: Option<Vec<String>>,
}

/// Changes to a request waiting for a decision; fields left out keep their value.
#[derive(InputObject)]
pub struct UpdateSupportRequestInput {
    /// The `revision` of the record as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// record in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    /// Null asks for any resource of the kind.
    pub resource_id: MaybeUndefined<ID>,
    pub units: Option<i64>,
    pub needed_by: Option<Date>,
    /// Null falls back to the methodology's lift.
    pub lift: MaybeUndefined<f64>,
    pub note: Option<String>,
    /// Replaces the skills the support must bring.
    pub skills: Option<Vec<String>>,
}

pub(crate) async fn update_support_request(
    ctx: &Context<'_>,
    request: ID,
    input: UpdateSupportRequestInput,
) -> Result<SupportRequest> {
    let request = parse("id", &request).coded()?;
    let resource_id = match input.resource_id {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(parse("resourceId", &v).coded()?)),
    };
    let lift = match input.lift {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    };
    let patch = SupportRequestPatch {
        expected_revision: input.expected_revision,
        resource_id,
        units: input.units,
        needed_by: input.needed_by,
        lift,
        note: input.note,
        skills: input.skills,
    };
    store(ctx)
        .update_support_request(request, patch)
        .await
        .coded()
}

/// What a decider says.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "SupportDecision")]
pub enum SupportDecisionG {
    Grant,
    Decline,
    Done,
    Cancel,
}

#[derive(InputObject)]
pub struct DecideSupportInput {
    pub decision: SupportDecisionG,
    /// For GRANT: the resource given; the one requested if left out.
    pub resource_id: Option<ID>,
    /// For GRANT: `YYYY-MM`, the month booked; the deadline's month if left out.
    pub month: Option<String>,
    pub decided_by: Option<ID>,
    pub note: Option<String>,
}

pub(crate) async fn request_support(
    ctx: &Context<'_>,
    input: RequestSupportInput,
) -> Result<SupportRequest> {
    let domain = SupportRequestInput {
        opportunity_id: parse("opportunityId", &input.opportunity_id).coded()?,
        kind: input.kind,
        resource_id: parse_opt("resourceId", &input.resource_id).coded()?,
        units: input.units,
        needed_by: input.needed_by,
        lift: input.lift,
        requested_by: parse_opt("requestedBy", &input.requested_by).coded()?,
        note: input.note,
        skills: input.skills.unwrap_or_default(),
    };
    store(ctx).request_support(&domain).await.coded()
}

pub(crate) async fn decide_support(
    ctx: &Context<'_>,
    request: ID,
    input: DecideSupportInput,
) -> Result<SupportRequest> {
    let request = parse("id", &request).coded()?;
    let domain = SupportDecisionInput {
        decision: match input.decision {
            SupportDecisionG::Grant => SupportDecision::Grant,
            SupportDecisionG::Decline => SupportDecision::Decline,
            SupportDecisionG::Done => SupportDecision::Done,
            SupportDecisionG::Cancel => SupportDecision::Cancel,
        },
        resource_id: parse_opt("resourceId", &input.resource_id).coded()?,
        month: input.month,
        decided_by: parse_opt("decidedBy", &input.decided_by).coded()?,
        note: input.note,
    };
    store(ctx).decide_support(request, &domain).await.coded()
}

pub(crate) async fn support_requests(
    ctx: &Context<'_>,
    opportunity: Option<ID>,
    status: Option<SupportStatusG>,
) -> Result<Vec<SupportRequest>> {
    let opportunity = parse_opt("opportunityId", &opportunity).coded()?;
    store(ctx)
        .support_requests(opportunity, status.map(Into::into))
        .await
        .coded()
}

// ---------------------------------------------------------------- needs

/// Where a need of the support checklist stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SupportNeedStatus {
    /// Nobody has asked for it yet.
    Missing,
    Requested,
    Granted,
    Done,
    Declined,
}

/// Support the deal's stage and profile call for (`support.toml`).
#[derive(SimpleObject)]
pub struct SupportNeed {
    pub id: String,
    /// A support resource kind id.
    pub kind: String,
    pub label: String,
    pub units: i32,
    /// Expected rise in the chance of winning.
    pub lift: f64,
    /// The condition that made it apply.
    pub condition: String,
    pub status: SupportNeedStatus,
    pub request: Option<SupportRequest>,
}

pub(crate) async fn support_needs(
    ctx: &Context<'_>,
    opportunity: Uuid,
    lang: Option<LangG>,
) -> Result<Vec<SupportNeed>> {
    let requests = store(ctx)
        .support_requests(Some(opportunity), None)
        .await
        .coded()?;
    let zh = zh(lang);
    engine(ctx)
        .assessed(opportunity, |_, m, o, a| {
            if !o.open {
                return Vec::new();
            }
            a.support_needs(m, o, &requests)
                .into_iter()
                .map(|n| SupportNeed {
                    id: n.need.id.clone(),
                    kind: n.need.kind.clone(),
                    label: label(&n.need.label, n.need.label_zh.as_deref(), zh).to_owned(),
                    units: n.need.units,
                    lift: n.need.lift,
                    condition: n.need.condition.source.clone(),
                    status: match n.status {
                        None | Some(SupportStatus::Cancelled) => SupportNeedStatus::Missing,
                        Some(SupportStatus::Requested) => SupportNeedStatus::Requested,
                        Some(SupportStatus::Granted) => SupportNeedStatus::Granted,
                        Some(SupportStatus::Done) => SupportNeedStatus::Done,
                        Some(SupportStatus::Declined) => SupportNeedStatus::Declined,
                    },
                    request: n.request.cloned(),
                })
                .collect()
        })
        .await
        .coded()
}

// ---------------------------------------------------------------- plan

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

// ---------------------------------------------------------------- forecast

/// What a forecast groups by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ForecastGroup {
    Account,
    Owner,
    Team,
    Stage,
    Category,
}

impl From<ForecastGroup> for GroupBy {
    fn from(g: ForecastGroup) -> Self {
        match g {
            ForecastGroup::Account => GroupBy::Account,
            ForecastGroup::Owner => GroupBy::Owner,
            ForecastGroup::Team => GroupBy::Team,
            ForecastGroup::Stage => GroupBy::Stage,
            ForecastGroup::Category => GroupBy::Category,
        }
    }
}

fn group_g(g: GroupBy) -> ForecastGroup {
    match g {
        GroupBy::Account => ForecastGroup::Account,
        GroupBy::Owner => ForecastGroup::Owner,
        GroupBy::Team => ForecastGroup::Team,
        GroupBy::Stage => ForecastGroup::Stage,
        GroupBy::Category => ForecastGroup::Category,
    }
}

#[derive(SimpleObject)]
pub struct GroupKey {
    pub dimension: ForecastGroup,
    /// An id (account, owner), a team name, a stage or category id; empty for none.
    pub key: String,
    pub label: String,
}

#[derive(SimpleObject)]
pub struct ForecastRow {
    pub group: Vec<GroupKey>,
    pub deals: i32,
    /// In the reference currency.
    pub amount: f64,
    /// Σ amount × win probability.
    pub weighted: f64,
}

/// One term of the win probability.
#[derive(SimpleObject)]
pub struct ProbabilityTerm {
    pub name: String,
    pub weight: f64,
    pub value: f64,
}

/// How a win probability was computed (docs/forecast.md).
#[derive(SimpleObject)]
pub struct WinProbabilityG {
    pub probability: f64,
    pub stage_probability: f64,
    /// R, 0..1: the weighted opportunity scores.
    pub relationship: f64,
    pub relationship_parts: Vec<ProbabilityTerm>,
    /// Q, −1..1: (yes − no) / questions.
    pub qualification: f64,
    pub yes: i32,
    pub no: i32,
    pub base_logit: f64,
    pub relationship_shift: f64,
    pub qualification_shift: f64,
    /// P, 0..1: the health parts the other pictures leave out (win steps, time in
    /// stage, contact, our bench), so health moves the probability.
    pub process: f64,
    pub process_parts: Vec<ProbabilityTerm>,
    /// process_weight × (2P − 1).
    pub process_shift: f64,
    pub formula: String,
}

impl From<&WinProbability> for WinProbabilityG {
    fn from(p: &WinProbability) -> Self {
        WinProbabilityG {
            probability: p.probability,
            stage_probability: p.stage_probability,
            relationship: p.relationship,
            relationship_parts: p
                .relationship_parts
                .iter()
                .map(|(n, w, v)| ProbabilityTerm {
                    name: (*n).into(),
                    weight: *w,
                    value: *v,
                })
                .collect(),
            qualification: p.qualification,
            yes: p.yes as i32,
            no: p.no as i32,
            base_logit: p.base_logit,
            relationship_shift: p.relationship_shift,
            qualification_shift: p.qualification_shift,
            process: p.process,
            process_parts: p
                .process_parts
                .iter()
                .map(|(n, w, v)| ProbabilityTerm {
                    name: n.clone(),
                    weight: *w,
                    value: *v,
                })
                .collect(),
            process_shift: p.process_shift,
            formula: format!(
                "logistic({:.3} + {:.3} + {:.3} + {:.3}) = {:.3}",
                p.base_logit,
                p.relationship_shift,
                p.qualification_shift,
                p.process_shift,
                p.probability
            ),
        }
    }
}

#[derive(SimpleObject)]
pub struct ForecastLineG {
    pub opportunity: Option<Opportunity>,
    pub name: String,
    pub account_name: String,
    pub owner_name: Option<String>,
    pub team: Option<String>,
    pub stage: String,
    /// A category id from `forecast.toml`, or `won`.
    pub category: String,
    pub probability: f64,
    /// In the reference currency.
    pub amount: f64,
    pub weighted: f64,
    pub expected_sign_date: Option<Date>,
    /// Null for won deals.
    pub explanation: Option<WinProbabilityG>,
}

#[derive(SimpleObject)]
pub struct ForecastG {
    pub period: String,
    pub currency: String,
    pub total: ForecastRow,
    pub rows: Vec<ForecastRow>,
    pub lines: Vec<ForecastLineG>,
    /// Open deals with no expected sign date (in no period).
    pub undated: i32,
}

fn row(r: &crate::forecast::RollupRow) -> ForecastRow {
    ForecastRow {
        group: r
            .group
            .iter()
            .map(|(g, k, l)| GroupKey {
                dimension: group_g(*g),
                key: k.clone(),
                label: l.clone(),
            })
            .collect(),
        deals: i32::try_from(r.deals).unwrap_or(i32::MAX),
        amount: r.amount,
        weighted: r.weighted,
    }
}

pub(crate) async fn forecast(
    ctx: &Context<'_>,
    raw_period: &str,
    group_by: Vec<ForecastGroup>,
) -> Result<ForecastG> {
    let period = period(raw_period)?;
    let view = engine(ctx).forecast(period).await.coded()?;
    let m = store(ctx).methodology();
    let by: Vec<GroupBy> = group_by.iter().map(|g| (*g).into()).collect();
    let total = view.rollup(&[]).first().map(row).unwrap_or(ForecastRow {
        group: Vec::new(),
        deals: 0,
        amount: 0.0,
        weighted: 0.0,
    });
    let rows = view.rollup(&by).iter().map(row).collect();
    let mut lines = Vec::with_capacity(view.lines.len());
    for l in &view.lines {
        lines.push(ForecastLineG {
            opportunity: store(ctx).opportunity(l.opportunity).await.coded()?,
            name: l.name.clone(),
            account_name: l.account_name.clone(),
            owner_name: l.owner_name.clone(),
            team: l.team.clone(),
            stage: l.stage.clone(),
            category: l.category.clone(),
            probability: l.probability,
            amount: l.amount,
            weighted: l.weighted(),
            expected_sign_date: l.expected_sign_date,
            explanation: view.probabilities.get(&l.opportunity).map(Into::into),
        });
    }
    lines.sort_by(|a, b| b.weighted.total_cmp(&a.weighted));
    Ok(ForecastG {
        period: view.period.to_string(),
        currency: m.support.reference_currency.to_uppercase(),
        total,
        rows,
        lines,
        undated: i32::try_from(view.undated).unwrap_or(i32::MAX),
    })
}

/// The forecast of one open opportunity.
#[derive(SimpleObject)]
pub struct OpportunityForecast {
    pub probability: f64,
    pub category: String,
    pub category_label: String,
    pub explanation: WinProbabilityG,
    /// Better categories the probability qualifies the deal for, and the gates of
    /// forecast.toml that hold it back (a commit needs an owner who is with us, a
    /// decision maker on our side, the stage's criteria met, a signing date ahead,
    /// health at 60 or more); empty when nothing does.
    pub held_back: Vec<HeldBack>,
}

/// A category a deal is held back from, and why.
#[derive(SimpleObject)]
pub struct HeldBack {
    pub category: String,
    pub category_label: String,
    pub gates: Vec<ForecastGate>,
}

/// A gate of forecast.toml a deal fails.
#[derive(SimpleObject)]
pub struct ForecastGate {
    pub id: String,
    pub label: String,
}

pub(crate) async fn opportunity_forecast(
    ctx: &Context<'_>,
    opportunity: Uuid,
    lang: Option<LangG>,
) -> Result<Option<OpportunityForecast>> {
    let zh = zh(lang);
    engine(ctx)
        .assessed(opportunity, |_, m, o, a| {
            if !o.open {
                return None;
            }
            let c = a.category(m);
            let held_back = a
                .held_back(m)
                .into_iter()
                .map(|(c, gates)| HeldBack {
                    category: c.id.clone(),
                    category_label: label(&c.label, c.label_zh.as_deref(), zh).to_owned(),
                    gates: gates
                        .into_iter()
                        .map(|g| ForecastGate {
                            id: g.id.clone(),
                            label: label(&g.label, g.label_zh.as_deref(), zh).to_owned(),
                        })
                        .collect(),
                })
                .collect();
            Some(OpportunityForecast {
                held_back,
                probability: a.probability.probability,
                category: c.map(|c| c.id.clone()).unwrap_or_default(),
                category_label: c
                    .map(|c| label(&c.label, c.label_zh.as_deref(), zh).to_owned())
                    .unwrap_or_default(),
                explanation: (&a.probability).into(),
            })
        })
        .await
        .coded()
}

// ---------------------------------------------------------------- calibration

#[derive(SimpleObject)]
pub struct CalibrationBinG {
    pub low: f64,
    pub high: f64,
    pub forecasts: i32,
    pub mean_probability: Option<f64>,
    pub won: i32,
    pub observed: Option<f64>,
}

/// Recorded forecasts of deals since closed, against what happened.
#[derive(SimpleObject)]
pub struct Calibration {
    pub forecasts: i32,
    /// Mean squared error of the recorded probabilities; null without history.
    pub brier: Option<f64>,
    /// Whether there are enough closed forecasts (forecast.toml
    /// `patterns.min_calibration`) for the Brier score to judge the forecast.
    pub enough: bool,
    pub min_forecasts: i32,
    /// The Brier score in words, with how much history it rests on.
    pub note: String,
    pub bins: Vec<CalibrationBinG>,
}

pub(crate) async fn calibration(ctx: &Context<'_>) -> Result<Calibration> {
    let c = engine(ctx).calibration().await.coded()?;
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(Calibration {
        forecasts: count(c.forecasts),
        brier: c.brier,
        enough: c.enough,
        min_forecasts: count(c.min_forecasts),
        note: c.note,
        bins: c
            .bins
            .into_iter()
            .map(|b| CalibrationBinG {
                low: b.low,
                high: b.high,
                forecasts: count(b.forecasts),
                mean_probability: b.mean_probability,
                won: count(b.won),
                observed: b.observed,
            })
            .collect(),
    })
}

pub(crate) async fn record_forecast(ctx: &Context<'_>, raw_period: &str) -> Result<i32> {
    let period = period(raw_period)?;
    let n = engine(ctx).record_forecast(period).await.coded()?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

// ---------------------------------------------------------------- patterns

#[derive(SimpleObject)]
pub struct StageDaysG {
    pub stage: String,
    pub deals: i32,
    pub median: Option<f64>,
    pub p80: Option<f64>,
    pub won_median: Option<f64>,
    /// What stall checks use: the median once enough deals are known, else the
    /// stage's expected days.
    pub usual: f64,
    pub from_history: bool,
}

#[derive(SimpleObject)]
pub struct RolePatternG {
    pub role: String,
    /// Share of won deals whose chain had the role identified.
    pub won_share: Option<f64>,
    pub lost_share: Option<f64>,
}

#[derive(SimpleObject)]
pub struct WinRateBand {
    pub label: String,
    pub deals: i32,
    pub won: i32,
    pub win_rate: Option<f64>,
}

#[derive(SimpleObject)]
pub struct StageCalibrationG {
    pub stage: String,
    /// The stage's probability in `stages.toml`.
    pub stated: f64,
    /// Closed deals that reached the stage.
    pub reached: i32,
    pub won: i32,
    pub observed: Option<f64>,
}

#[derive(SimpleObject)]
pub struct MonthPatternG {
    pub month: i32,
    pub won: i32,
    pub lost: i32,
}

/// What won and lost deals teach.
#[derive(SimpleObject)]
pub struct PatternsG {
    pub deals: i32,
    pub won: i32,
    pub win_rate: Option<f64>,
    pub stage_days: Vec<StageDaysG>,
    pub roles: Vec<RolePatternG>,
    /// Win rate by decision-chain score on the day the deal closed.
    pub coverage: Vec<WinRateBand>,
    /// Stated stage probabilities against outcomes of deals that reached each stage.
    pub stages: Vec<StageCalibrationG>,
    pub months: Vec<MonthPatternG>,
    /// Share of wins signed in the last month of a quarter.
    pub quarter_end_share: Option<f64>,
    /// Median days from first stage to signature, won deals.
    pub won_cycle_days: Option<f64>,
    pub calibration: Calibration,
}

pub(crate) async fn patterns(ctx: &Context<'_>) -> Result<PatternsG> {
    let p = engine(ctx).patterns().await.coded()?;
    let n = |x: usize| i32::try_from(x).unwrap_or(i32::MAX);
    Ok(PatternsG {
        deals: n(p.deals),
        won: n(p.won),
        win_rate: p.win_rate,
        stage_days: p
            .stage_days
            .iter()
            .map(|s| StageDaysG {
                stage: s.stage.clone(),
                deals: n(s.deals),
                median: s.median,
                p80: s.p80,
                won_median: s.won_median,
                usual: s.usual,
                from_history: s.from_history,
            })
            .collect(),
        roles: p
            .roles
            .iter()
            .map(|r| RolePatternG {
                role: r.role.clone(),
                won_share: r.won_share,
                lost_share: r.lost_share,
            })
            .collect(),
        coverage: p
            .coverage
            .iter()
            .map(|b| WinRateBand {
                label: b.label.clone(),
                deals: n(b.deals),
                won: n(b.won),
                win_rate: b.win_rate,
            })
            .collect(),
        stages: p
            .stages
            .iter()
            .map(|s| StageCalibrationG {
                stage: s.stage.clone(),
                stated: s.stated,
                reached: n(s.reached),
                won: n(s.won),
                observed: s.observed,
            })
            .collect(),
        months: p
            .months
            .iter()
            .map(|mo| MonthPatternG {
                month: i32::from(mo.month),
                won: n(mo.won),
                lost: n(mo.lost),
            })
            .collect(),
        quarter_end_share: p.quarter_end_share,
        won_cycle_days: p.won_cycle_days,
        calibration: calibration(ctx).await?,
    })
}
