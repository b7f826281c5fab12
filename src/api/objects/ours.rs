//! Our side and the other side: our employees, the support resources we allocate,
//! and rival vendors.

use async_graphql::{Context, Object, Result, ID};
use time::Date;

use super::interactions_limit;
use crate::api::{
    context::{employee_of, engine, store},
    enums::{stored, EmployeeStatusG},
    error::Coded,
    ids::id,
};
use crate::{
    domain::{Competitor, Employee, EmployeeStatus, Interaction, Relationship, SupportResource},
    graph::Score,
};

/// One of our employees.
#[Object]
impl Employee {
    async fn id(&self) -> ID {
        id(self.employee_id)
    }
    /// Raised by every change to the record; send it back as `expectedRevision`
    /// when you update it.
    async fn revision(&self) -> i64 {
        self.revision
    }
    async fn name(&self) -> &str {
        &self.name
    }
    async fn email(&self) -> &str {
        &self.email
    }
    /// An id from the methodology's `employee_roles` (ar, sr, fr, executive, expert...).
    async fn role(&self) -> &str {
        &self.role
    }
    async fn team(&self) -> Option<&str> {
        self.team.as_deref()
    }
    async fn status(&self) -> Result<EmployeeStatusG> {
        stored(EmployeeStatus::parse("status", &self.status)).map(Into::into)
    }
    async fn departed_on(&self) -> Option<Date> {
        self.departed_on
    }
    /// The day they leave, when planned: active until then.
    async fn leaving_on(&self) -> Option<Date> {
        self.leaving_on
    }
    /// Support engagements per month this person can take on across the support
    /// resources they stand behind; null when only the resources' capacities bound them.
    async fn support_limit(&self) -> Option<i32> {
        self.support_limit
    }
    async fn relationships(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        store(ctx)
            .relationships_of_employee(self.employee_id)
            .await
            .coded()
    }
    /// Relationship capital at an account: importance-weighted coverage of its
    /// people by this employee, and the people only they reach.
    async fn score(&self, ctx: &Context<'_>, account_id: ID) -> Result<Score> {
        let account = crate::api::ids::parse("accountId", &account_id).coded()?;
        engine(ctx)
            .employee_capital(self.employee_id, account)
            .await
            .coded()
    }
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> Result<Vec<Interaction>> {
        store(ctx)
            .interactions_of_participant(None, Some(self.employee_id), interactions_limit(first))
            .await
            .coded()
    }
}

/// A rival vendor.
#[Object]
impl Competitor {
    async fn id(&self) -> ID {
        id(self.competitor_id)
    }
    /// Raised by every change to the record; send it back as `expectedRevision`
    /// when you update it.
    async fn revision(&self) -> i64 {
        self.revision
    }
    async fn name(&self) -> &str {
        &self.name
    }
    async fn name_key(&self) -> &str {
        &self.name_key
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    /// The competitor's ties to customer people.
    async fn relationships(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        store(ctx)
            .relationships_of_competitor(self.competitor_id)
            .await
            .coded()
    }
    /// The competitor's influence-weighted hold on an opportunity's decision chain
    /// (higher is stronger for them).
    async fn hold(&self, ctx: &Context<'_>, opportunity_id: ID) -> Result<Score> {
        let opportunity = crate::api::ids::parse("opportunityId", &opportunity_id).coded()?;
        engine(ctx)
            .competitor_hold(self.competitor_id, opportunity)
            .await
            .coded()
    }
}

/// A scarce resource to allocate across opportunities.
#[Object]
impl SupportResource {
    async fn id(&self) -> ID {
        id(self.support_resource_id)
    }
    async fn name(&self) -> &str {
        &self.name
    }
    /// An id from the methodology's `support_resource_kinds`.
    async fn kind(&self) -> &str {
        &self.kind
    }
    /// Units available per period.
    async fn capacity(&self) -> i32 {
        self.capacity
    }
    /// What a unit is ("days per month").
    async fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }
    /// The employee behind the resource, for experts and executives.
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.employee_id).await
    }
    /// Industry ids it serves; empty: every industry.
    async fn industries(&self) -> Vec<String> {
        self.industry_list()
    }
    /// Skill tags it brings.
    async fn skills(&self) -> Vec<String> {
        self.skill_list()
    }
}
