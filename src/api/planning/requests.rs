//! Support requests: their GraphQL types, the asks, updates and decisions.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, Result, ID};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::api::{
    context::{employee_of, opportunity_of, store},
    error::Coded,
    ids::{id, parse, parse_opt},
};
use crate::domain::{
    Employee, Opportunity, SupportDecision, SupportDecisionInput, SupportRequest,
    SupportRequestInput, SupportRequestPatch, SupportResource, SupportStatus,
};

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
