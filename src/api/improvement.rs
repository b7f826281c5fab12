//! Improvement points over GraphQL: what a coach or manager asks an account team
//! to improve, who does it, by when, and whether it is done.

use async_graphql::{Context, Enum, InputObject, Object, Result, ID};
use time::{Date, OffsetDateTime};

use super::{
    context::{account_of, employee_of, opportunity_of, store},
    error::Coded,
    ids::{parse, parse_opt},
};
use crate::{
    domain::{
        today, Account, Employee, ImprovementInput, ImprovementPatch, ImprovementPoint,
        ImprovementStatus, Opportunity,
    },
    store::ImprovementFilter,
};

/// Where an improvement point stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(
    name = "ImprovementStatus",
    remote = "crate::domain::ImprovementStatus"
)]
pub enum ImprovementStatusG {
    /// Set and not yet done.
    Open,
    Done,
    /// Given up: no longer worth doing.
    Dropped,
}

#[Object]
impl ImprovementPoint {
    async fn id(&self) -> ID {
        ID(self.improvement_point_id.to_string())
    }
    /// Send it back as `expectedRevision` when you update the point.
    async fn revision(&self) -> i64 {
        self.revision
    }
    async fn text(&self) -> &str {
        &self.text
    }
    async fn status(&self) -> ImprovementStatusG {
        self.current_status().into()
    }
    async fn due_on(&self) -> Option<Date> {
        self.due_on
    }
    /// Open and past its due date.
    async fn overdue(&self) -> bool {
        self.current_status() == ImprovementStatus::Open && self.due_on.is_some_and(|d| d < today())
    }
    /// The day it was marked done or dropped.
    async fn closed_on(&self) -> Option<Date> {
        self.closed_on
    }
    /// Who set it: the token's name, or "command line".
    async fn set_by(&self) -> &str {
        &self.set_by
    }
    /// What was said when it was closed or last changed.
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        account_of(ctx, Some(self.account_id)).await
    }
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        opportunity_of(ctx, self.opportunity_id).await
    }
    /// Our employee who is to do it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.owner_id).await
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.updated_at
    }
}

#[derive(InputObject)]
pub struct SetImprovementPointInput {
    pub account_id: ID,
    /// The deal it is about, if it is about one (at the same account).
    pub opportunity_id: Option<ID>,
    /// What is to be improved, 1..2000 characters.
    pub text: String,
    /// Our employee who is to do it.
    pub owner_id: Option<ID>,
    pub due_on: Option<Date>,
}

/// Changes to a point; fields left out keep their value.
#[derive(InputObject)]
pub struct UpdateImprovementPointInput {
    /// The `revision` of the point as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// point in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    pub text: Option<String>,
    pub owner_id: Option<ID>,
    pub due_on: Option<Date>,
    /// DONE or DROPPED closes the point (stamped with `on`, today by default);
    /// OPEN reopens it.
    pub status: Option<ImprovementStatusG>,
    pub note: Option<String>,
    pub on: Option<Date>,
}

pub(crate) async fn set_improvement_point(
    ctx: &Context<'_>,
    input: SetImprovementPointInput,
) -> Result<ImprovementPoint> {
    let input = ImprovementInput {
        account_id: parse("accountId", &input.account_id).coded()?,
        opportunity_id: parse_opt("opportunityId", &input.opportunity_id).coded()?,
        text: input.text,
        owner_id: parse_opt("ownerId", &input.owner_id).coded()?,
        due_on: input.due_on,
    };
    store(ctx).set_improvement_point(&input).await.coded()
}

pub(crate) async fn update_improvement_point(
    ctx: &Context<'_>,
    id: ID,
    input: UpdateImprovementPointInput,
) -> Result<ImprovementPoint> {
    let id = parse("id", &id).coded()?;
    let patch = ImprovementPatch {
        expected_revision: input.expected_revision,
        text: input.text,
        owner_id: parse_opt("ownerId", &input.owner_id).coded()?,
        due_on: input.due_on,
        status: input.status.map(Into::into),
        note: input.note,
        on: input.on,
    };
    store(ctx).update_improvement_point(id, patch).await.coded()
}

pub(crate) async fn improvement_points(
    ctx: &Context<'_>,
    filter: ImprovementFilter,
) -> Result<Vec<ImprovementPoint>> {
    store(ctx).improvement_points(&filter).await.coded()
}
