//! A customer's people: persons, the positions they held, and their reporting lines.

use async_graphql::{Context, Object, Result, ID};
use time::{Date, OffsetDateTime};

use super::interactions_limit;
use crate::api::{
    context::{engine, store},
    enums::{stored, LineKindG},
    error::Coded,
    ids::id,
};
use crate::{
    domain::{Account, Interaction, LineKind, Person, Position, Relationship, ReportingLine},
    graph::Score,
};

/// A person at a customer account.
#[Object]
impl Person {
    async fn id(&self) -> ID {
        id(self.person_id)
    }
    /// Raised by every change to the record; send it back as `expectedRevision`
    /// when you update it.
    async fn revision(&self) -> i64 {
        self.revision
    }
    /// As written; Chinese names family name first.
    async fn name(&self) -> &str {
        &self.name
    }
    async fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    /// An id from the methodology's `departments`.
    async fn department(&self) -> &str {
        &self.department
    }
    /// An id from the methodology's `levels` (executive / management / operational).
    async fn level(&self) -> &str {
        &self.level
    }
    async fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
    async fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        store(ctx).account(self.account_id).await.coded()
    }
    /// Lines to this person's managers (solid first) valid on `asOf`.
    async fn managers(&self, ctx: &Context<'_>, as_of: Option<Date>) -> Result<Vec<ReportingLine>> {
        store(ctx)
            .reporting_lines_of_person(self.person_id, true, as_of)
            .await
            .coded()
    }
    /// Lines from people who report to this person, valid on `asOf`.
    async fn direct_reports(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Vec<ReportingLine>> {
        store(ctx)
            .reporting_lines_of_person(self.person_id, false, as_of)
            .await
            .coded()
    }
    /// Every reporting line this person ever had.
    async fn reporting_history(&self, ctx: &Context<'_>) -> Result<Vec<ReportingLine>> {
        store(ctx)
            .reporting_line_history(self.person_id)
            .await
            .coded()
    }
    /// Positions held over time, including at other accounts.
    async fn positions(&self, ctx: &Context<'_>) -> Result<Vec<Position>> {
        store(ctx).positions_of_person(self.person_id).await.coded()
    }
    /// Relationship edges touching this person.
    async fn relationships(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        store(ctx)
            .relationships_of_person(self.person_id)
            .await
            .coded()
    }
    /// Key-person score: our best effective tie to this person, with every tie
    /// behind it.
    async fn score(&self, ctx: &Context<'_>) -> Result<Score> {
        engine(ctx).person_score(self.person_id).await.coded()
    }
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> Result<Vec<Interaction>> {
        store(ctx)
            .interactions_of_participant(Some(self.person_id), None, interactions_limit(first))
            .await
            .coded()
    }
    /// The records merged into this one, newest first, each with what moved
    /// and every clash and how the rule resolved it (docs/privacy.md, "Merge").
    async fn merges(&self, ctx: &Context<'_>) -> Result<Vec<crate::store::MergeReport>> {
        store(ctx).merge_reports(self.person_id).await.coded()
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.updated_at
    }
}

/// Where a person sat over a period.
#[Object]
impl Position {
    async fn id(&self) -> ID {
        id(self.position_id)
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        store(ctx).account(self.account_id).await.coded()
    }
    async fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    async fn department(&self) -> &str {
        &self.department
    }
    async fn level(&self) -> &str {
        &self.level
    }
    async fn valid_from(&self) -> Date {
        self.valid_from
    }
    /// First day no longer valid; null while current.
    async fn valid_to(&self) -> Option<Date> {
        self.valid_to
    }
}

/// A reporting line between two people of one account.
#[Object]
impl ReportingLine {
    async fn id(&self) -> ID {
        id(self.reporting_line_id)
    }
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        store(ctx).person(self.person_id).await.coded()
    }
    async fn manager(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        store(ctx).person(self.manager_id).await.coded()
    }
    async fn kind(&self) -> Result<LineKindG> {
        stored(LineKind::parse("kind", &self.kind)).map(Into::into)
    }
    async fn valid_from(&self) -> Date {
        self.valid_from
    }
    /// First day no longer valid; null while current.
    async fn valid_to(&self) -> Option<Date> {
        self.valid_to
    }
}
