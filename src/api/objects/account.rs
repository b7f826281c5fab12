//! An account and the extra fields of the accounts connection.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use time::{Date, OffsetDateTime};

use super::{interactions_limit, DerivedTieG};
use crate::api::{
    advice::{account_plan, AccountPlanG, LangG},
    context::{engine, store},
    error::Coded,
    ids::id,
};
use crate::{
    domain::{
        Account, Competitor, Employee, Interaction, Opportunity, Person, Relationship,
        ReportingLine,
    },
    graph::{risk::Thread, Score},
};

/// A customer organisation.
#[Object]
impl Account {
    async fn id(&self) -> ID {
        id(self.account_id)
    }
    /// Raised by every change to the record; send it back as `expectedRevision`
    /// when you update it.
    async fn revision(&self) -> i64 {
        self.revision
    }
    /// Full registered name, as entered.
    async fn name(&self) -> &str {
        &self.name
    }
    /// The normalised name that decides uniqueness ("acme tech" for
    /// "ACME Tech Co., Ltd.").
    async fn name_key(&self) -> &str {
        &self.name_key
    }
    /// An id from the methodology's `industries`.
    async fn industry(&self) -> &str {
        &self.industry
    }
    /// An id from the methodology's `regions`.
    async fn region(&self) -> &str {
        &self.region
    }
    /// An id from the methodology's `tiers` (strategic / key / normal).
    async fn tier(&self) -> &str {
        &self.tier
    }
    async fn owner_team(&self) -> Option<&str> {
        self.owner_team.as_deref()
    }
    /// Increases with every write that touches the account.
    async fn version(&self) -> i64 {
        self.version
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.updated_at
    }
    /// The account's people now, or as the org chart stood on `asOf`.
    async fn people(&self, ctx: &Context<'_>, as_of: Option<Date>) -> Result<Vec<Person>> {
        store(ctx)
            .people_of_account(self.account_id, as_of)
            .await
            .coded()
    }
    /// Our employees who touch the account: ties, interactions or deals.
    async fn employees(&self, ctx: &Context<'_>) -> Result<Vec<Employee>> {
        store(ctx)
            .employees_of_account(self.account_id)
            .await
            .coded()
    }
    /// Competitors with ties to its people or in play in its deals.
    async fn competitors(&self, ctx: &Context<'_>) -> Result<Vec<Competitor>> {
        store(ctx)
            .competitors_of_account(self.account_id)
            .await
            .coded()
    }
    async fn opportunities(&self, ctx: &Context<'_>) -> Result<Vec<Opportunity>> {
        crate::api::context::opportunities_of(ctx, self.account_id).await
    }
    /// Every relationship edge inside the account.
    async fn relationships(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        store(ctx)
            .relationships_of_account(self.account_id)
            .await
            .coded()
    }
    /// Reporting lines valid on `asOf` (today by default).
    async fn reporting_lines(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Vec<ReportingLine>> {
        store(ctx)
            .reporting_lines_of_account(self.account_id, as_of)
            .await
            .coded()
    }
    /// The ESP+ account plan: checklist status per element, and a scorecard.
    async fn plan(&self, ctx: &Context<'_>) -> Result<AccountPlanG> {
        account_plan(ctx, self.account_id).await
    }
    /// The account quantification: breadth by people, departments and levels, and
    /// depth at the top.
    async fn score(&self, ctx: &Context<'_>) -> Result<Score> {
        engine(ctx).account_score(self.account_id).await.coded()
    }
    /// Improvement points set for this account, open ones first by due date.
    async fn improvement_points(
        &self,
        ctx: &Context<'_>,
        status: Option<crate::api::improvement::ImprovementStatusG>,
    ) -> Result<Vec<crate::domain::ImprovementPoint>> {
        let filter = crate::store::ImprovementFilter {
            account: Some(self.account_id),
            status: status.map(Into::into),
            ..Default::default()
        };
        crate::api::improvement::improvement_points(ctx, filter).await
    }
    /// The relationship map of the whole account: people by reporting line and
    /// level, ties with their strength, single-threaded key people and cooling ties
    /// marked, with a legend (docs/planning-session.md).
    async fn map(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "crate::api::enums::MapFormatG::Svg")]
        format: crate::api::enums::MapFormatG,
        #[graphql(default_with = "LangG::En")] lang: LangG,
    ) -> Result<String> {
        engine(ctx)
            .relationship_map(self.account_id, None, format.into(), lang.into())
            .await
            .coded()
    }
    /// Ties of ours derived from meetings: an employee and a customer person who
    /// met `derived_tie_meetings` times or more in 180 days but whose tie nobody
    /// assessed. Evidence only: no score counts them until someone assesses the
    /// tie (docs/scoring.md, "Derived ties").
    async fn derived_ties(&self, ctx: &Context<'_>) -> Result<Vec<DerivedTieG>> {
        let cached = engine(ctx).graph(self.account_id).await.coded()?;
        let mut out: Vec<DerivedTieG> = cached
            .graph
            .derived_ties
            .values()
            .flatten()
            .map(|d| DerivedTieG {
                employee_id: id(d.employee),
                employee: cached.graph.employee_name(d.employee),
                person_id: id(d.person),
                person: cached.graph.person_name(d.person),
                meetings: d.meetings as i32,
                last_met: d.last_met,
                interaction_ids: d.interactions.iter().map(|i| id(*i)).collect(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.meetings
                .cmp(&a.meetings)
                .then(a.person.cmp(&b.person))
                .then(a.employee.cmp(&b.employee))
        });
        Ok(out)
    }
    /// What changed in the account's relationships from `since` to `until`
    /// (both inclusive; today if left out): assessments up and down, ties first
    /// assessed, new people, ties gone cold, departures on both sides, and the
    /// org chart's changes (promotions, new roles, managers, dotted lines).
    async fn relationship_changes(
        &self,
        ctx: &Context<'_>,
        since: Date,
        #[graphql(desc = "The window's last day (inclusive); today if left out, never after it.")]
        until: Option<Date>,
    ) -> Result<crate::api::meeting::RelationshipChangesG> {
        crate::api::meeting::relationship_changes(ctx, self.account_id, since, until).await
    }
    /// The relationship planning meeting's material: the inventory by level,
    /// department, buying role and our owner; what changed since `since` (the last
    /// meeting); the improvement points and their status.
    async fn report(
        &self,
        ctx: &Context<'_>,
        since: Date,
        #[graphql(desc = "The window's last day (inclusive); today if left out.")] until: Option<
            Date,
        >,
        #[graphql(default_with = "crate::api::meeting::ReportFormatG::Markdown")]
        format: crate::api::meeting::ReportFormatG,
        #[graphql(default_with = "LangG::En")] lang: LangG,
    ) -> Result<String> {
        crate::api::meeting::planning_report(ctx, self.account_id, since, until, format, lang).await
    }
    /// Key people (of open opportunities, and the top level) held by one thread or none.
    async fn single_threaded(&self, ctx: &Context<'_>) -> Result<Vec<Thread>> {
        Ok(engine(ctx)
            .account_single_threaded(self.account_id)
            .await
            .coded()?
            .1)
    }
    /// Interactions, newest first.
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        since: Option<Date>,
        #[graphql(desc = "At most this many (default 50, at most 500).")] first: Option<i32>,
    ) -> Result<Vec<Interaction>> {
        store(ctx)
            .interactions_of_account(self.account_id, since, interactions_limit(first))
            .await
            .coded()
    }
}

/// Extra fields on the accounts connection.
#[derive(SimpleObject)]
pub struct AccountConnectionFields {
    /// Accounts matching the query, across all pages.
    pub total_count: i64,
}
