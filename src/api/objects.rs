//! Output types: thin resolvers over the domain records. Nested fields load what
//! they need from the store; nothing here computes or validates.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};
use time::{Date, OffsetDateTime};

use super::{
    advice::{
        account_plan, AccountPlanG, AdvanceCheck, CoachingPrompt, Fact, HealthG, LangG,
        OpportunityAdvice, Qualification, WinStepStatus,
    },
    context::{account_of, competitor_of, employee_of, engine, opportunity_of, person_of, store},
    enums::{
        stored, AssessmentSourceG, BudgetStatusG, EmployeeStatusG, LineKindG, OutcomeG,
        RelationshipKindG, TieKindG,
    },
    error::Coded,
    ids::id,
    scores::OpportunityRisks,
};
use crate::{
    domain::{
        Account, Assessment, AssessmentSource, Competitor, DecisionChainMember, Employee,
        EmployeeStatus, Interaction, LineKind, Opportunity, Outcome, Person, Position,
        Relationship, RelationshipKind, ReportingLine, StageChange, SupportResource, TeamMember,
        TieKind,
    },
    graph::{risk::Thread, scores::OpportunityScores, Score},
    methodology::TieHolder,
    store::{RecordedAnswer, Tick},
};

/// Most interactions a nested list returns unless asked for fewer.
const DEFAULT_INTERACTIONS: i64 = 50;
const MAX_INTERACTIONS: i64 = 500;

fn interactions_limit(first: Option<i32>) -> i64 {
    first
        .map(i64::from)
        .unwrap_or(DEFAULT_INTERACTIONS)
        .clamp(0, MAX_INTERACTIONS)
}

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
        super::context::opportunities_of(ctx, self.account_id).await
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
        status: Option<super::improvement::ImprovementStatusG>,
    ) -> Result<Vec<crate::domain::ImprovementPoint>> {
        let filter = crate::store::ImprovementFilter {
            account: Some(self.account_id),
            status: status.map(Into::into),
            ..Default::default()
        };
        super::improvement::improvement_points(ctx, filter).await
    }
    /// The relationship map of the whole account: people by reporting line and
    /// level, ties with their strength, single-threaded key people and cooling ties
    /// marked, with a legend (docs/planning-session.md).
    async fn map(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "super::enums::MapFormatG::Svg")] format: super::enums::MapFormatG,
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
    ) -> Result<super::meeting::RelationshipChangesG> {
        super::meeting::relationship_changes(ctx, self.account_id, since, until).await
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
        #[graphql(default_with = "super::meeting::ReportFormatG::Markdown")]
        format: super::meeting::ReportFormatG,
        #[graphql(default_with = "LangG::En")] lang: LangG,
    ) -> Result<String> {
        super::meeting::planning_report(ctx, self.account_id, since, until, format, lang).await
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
        let account = super::ids::parse("accountId", &account_id).coded()?;
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
        let opportunity = super::ids::parse("opportunityId", &opportunity_id).coded()?;
        engine(ctx)
            .competitor_hold(self.competitor_id, opportunity)
            .await
            .coded()
    }
}

/// The customer's budget for a deal.
#[derive(SimpleObject)]
pub struct Budget {
    pub status: BudgetStatusG,
    /// In major units of `currency`, where known.
    pub amount: Option<f64>,
    /// The deal's currency.
    pub currency: String,
    /// When it was confirmed.
    pub confirmed_on: Option<Date>,
}

/// What makes the customer act by a date (a regulation, a go-live, a tender).
#[derive(SimpleObject)]
pub struct CompellingEvent {
    pub what: String,
    pub by: Option<Date>,
}

/// A deal at one account.
#[Object]
impl Opportunity {
    async fn id(&self) -> ID {
        id(self.opportunity_id)
    }
    /// Raised by every change to the record; send it back as `expectedRevision`
    /// when you update it.
    async fn revision(&self) -> i64 {
        self.revision
    }
    async fn name(&self) -> &str {
        &self.name
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        store(ctx).account(self.account_id).await.coded()
    }
    /// In major units of `currency` (yuan, dollars), exact to two decimals.
    #[graphql(name = "amount")]
    async fn amount_major(&self) -> f64 {
        self.amount().major()
    }
    /// ISO 4217 code, upper case.
    async fn currency(&self) -> &str {
        &self.currency
    }
    /// An id from the methodology's stages.
    async fn stage(&self) -> &str {
        &self.stage
    }
    async fn expected_sign_date(&self) -> Option<Date> {
        self.expected_sign_date
    }
    /// The customer's budget for it, as the team found it out ("is there an
    /// opportunity?" reads it).
    async fn budget(&self) -> Budget {
        Budget {
            status: self.budget_status().into(),
            amount: self
                .budget_amount_minor
                .map(|m| crate::domain::Amount::from_minor(m).major()),
            currency: self.currency.clone(),
            confirmed_on: self.budget_confirmed_on,
        }
    }
    /// What makes the customer act by a date, where the team knows one.
    async fn compelling_event(&self) -> Option<CompellingEvent> {
        self.compelling_event.clone().map(|what| CompellingEvent {
            what,
            by: self.compelling_event_by,
        })
    }
    async fn outcome(&self) -> Result<OutcomeG> {
        stored(Outcome::parse("outcome", &self.outcome)).map(Into::into)
    }
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.owner_id).await
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    /// The methodology version the stage was last set under.
    async fn methodology_version(&self) -> &str {
        &self.methodology_version
    }
    /// Stages entered and outcomes reached, oldest first.
    async fn stage_history(&self, ctx: &Context<'_>) -> Result<Vec<StageChange>> {
        store(ctx).stage_history(self.opportunity_id).await.coded()
    }
    /// Competitors in play.
    async fn competitors(&self, ctx: &Context<'_>) -> Result<Vec<Competitor>> {
        store(ctx)
            .competitors_of_opportunity(self.opportunity_id)
            .await
            .coded()
    }
    /// Our employees working the deal, with their parts.
    async fn team(&self, ctx: &Context<'_>) -> Result<Vec<TeamMember>> {
        store(ctx)
            .opportunity_team(self.opportunity_id)
            .await
            .coded()
    }
    /// Interactions recorded for this opportunity, newest first.
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> Result<Vec<Interaction>> {
        store(ctx)
            .interactions_of_opportunity(self.opportunity_id, interactions_limit(first))
            .await
            .coded()
    }
    /// The support its stage and profile call for (`support.toml`), each with the
    /// request answering it. Empty once the deal is closed.
    async fn support_needs(
        &self,
        ctx: &Context<'_>,
        lang: Option<super::advice::LangG>,
    ) -> Result<Vec<super::planning::SupportNeed>> {
        super::planning::support_needs(ctx, self.opportunity_id, lang).await
    }
    /// Improvement points set on this deal, open ones first by due date.
    async fn improvement_points(
        &self,
        ctx: &Context<'_>,
        status: Option<super::improvement::ImprovementStatusG>,
    ) -> Result<Vec<crate::domain::ImprovementPoint>> {
        let filter = crate::store::ImprovementFilter {
            opportunity: Some(self.opportunity_id),
            status: status.map(Into::into),
            ..Default::default()
        };
        super::improvement::improvement_points(ctx, filter).await
    }
    /// Every support request on this deal, by deadline.
    async fn support_requests(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::domain::SupportRequest>> {
        store(ctx)
            .support_requests(Some(self.opportunity_id), None)
            .await
            .coded()
    }
    /// Win probability and forecast category with how they were computed; null for
    /// closed deals.
    async fn forecast(
        &self,
        ctx: &Context<'_>,
        lang: Option<super::advice::LangG>,
    ) -> Result<Option<super::planning::OpportunityForecast>> {
        super::planning::opportunity_forecast(ctx, self.opportunity_id, lang).await
    }
    /// Health 0..100, with a breakdown whose points add up to the score.
    async fn health(&self, ctx: &Context<'_>) -> Result<HealthG> {
        OpportunityAdvice::health(ctx, self.opportunity_id).await
    }
    /// Coaching prompts, best first, with evidence and a suggested action.
    async fn coaching_prompts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "LangG::En")] lang: LangG,
        first: Option<i32>,
    ) -> Result<Vec<CoachingPrompt>> {
        OpportunityAdvice::prompts(ctx, self.opportunity_id, lang.into(), first).await
    }
    /// The current stage's win steps: done, satisfied by the data, or missing.
    async fn win_steps(&self, ctx: &Context<'_>) -> Result<Vec<WinStepStatus>> {
        OpportunityAdvice::win_steps(ctx, self.opportunity_id).await
    }
    /// Every tick of this opportunity's win steps, newest first.
    async fn win_step_history(&self, ctx: &Context<'_>) -> Result<Vec<Tick>> {
        store(ctx).win_step_ticks(self.opportunity_id).await.coded()
    }
    /// The four questions: suggested and recorded answers with evidence.
    async fn qualification(&self, ctx: &Context<'_>) -> Result<Vec<Qualification>> {
        OpportunityAdvice::qualification(ctx, self.opportunity_id).await
    }
    /// The answers people recorded (latest per question), with who and when.
    async fn recorded_answers(&self, ctx: &Context<'_>) -> Result<Vec<RecordedAnswer>> {
        store(ctx)
            .recorded_answers(self.opportunity_id)
            .await
            .coded()
    }
    /// Whether it may move to the next stage, and what stands in the way.
    async fn advance_check(&self, ctx: &Context<'_>) -> Result<AdvanceCheck> {
        OpportunityAdvice::advance(ctx, self.opportunity_id).await
    }
    /// The named facts conditions read (docs/methodology.md).
    async fn facts(&self, ctx: &Context<'_>) -> Result<Vec<Fact>> {
        OpportunityAdvice::facts(ctx, self.opportunity_id).await
    }
    /// The six relationship quantifications, each with its explanation.
    async fn scores(&self, ctx: &Context<'_>) -> Result<std::sync::Arc<OpportunityScores>> {
        engine(ctx)
            .opportunity_scores(self.opportunity_id)
            .await
            .coded()
    }
    /// The relationship map of this deal: its decision chain and the managers
    /// above them, with buying role, influence (box size), attitude (fill), our and
    /// competitors' ties (line weight = strength), single-threaded key people and
    /// cooling ties marked, and a legend.
    async fn map(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "super::enums::MapFormatG::Svg")] format: super::enums::MapFormatG,
        #[graphql(default_with = "LangG::En")] lang: LangG,
    ) -> Result<String> {
        engine(ctx)
            .relationship_map(
                self.account_id,
                Some(self.opportunity_id),
                format.into(),
                lang.into(),
            )
            .await
            .coded()
    }
    /// The opportunity-analysis meeting's material: the four questions with
    /// evidence, the stage's win steps, the six scores, health and its breakdown,
    /// the top prompts with actions and introduction paths, open support requests
    /// (HTML includes the map).
    async fn report(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "super::meeting::ReportFormatG::Markdown")]
        format: super::meeting::ReportFormatG,
        #[graphql(default_with = "LangG::En")] lang: LangG,
    ) -> Result<String> {
        super::meeting::opportunity_report(ctx, self.opportunity_id, format, lang).await
    }
    /// Single-threaded key people and those where a competitor is ahead.
    async fn risks(&self, ctx: &Context<'_>) -> Result<OpportunityRisks> {
        let (_, single_threaded, competitor_ahead) = engine(ctx)
            .opportunity_risks(self.opportunity_id)
            .await
            .coded()?;
        Ok(OpportunityRisks {
            single_threaded,
            competitor_ahead,
        })
    }
    /// Who decides, evaluates, approves and uses, with their influence and attitude.
    async fn decision_chain(&self, ctx: &Context<'_>) -> Result<Vec<DecisionChainMember>> {
        super::context::chain_of(ctx, self.opportunity_id).await
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.updated_at
    }
}

/// One of our employees on a deal.
#[Object]
impl TeamMember {
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, Some(self.employee_id)).await
    }
    /// Their part on the deal: an id from `employee_roles`.
    async fn role(&self) -> &str {
        &self.role
    }
}

/// A line of an opportunity's history.
#[Object]
impl StageChange {
    async fn id(&self) -> ID {
        id(self.stage_change_id)
    }
    async fn stage(&self) -> &str {
        &self.stage
    }
    async fn outcome(&self) -> Result<OutcomeG> {
        stored(Outcome::parse("outcome", &self.outcome)).map(Into::into)
    }
    async fn entered_on(&self) -> Date {
        self.entered_on
    }
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.changed_by).await
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    async fn methodology_version(&self) -> &str {
        &self.methodology_version
    }
    /// Why the stage moved although its exit criteria were unmet; null otherwise.
    async fn override_reason(&self) -> Option<&str> {
        self.override_reason.as_deref()
    }
}

/// A person's part in one opportunity's decision.
#[Object]
impl DecisionChainMember {
    async fn id(&self) -> ID {
        id(self.member_id)
    }
    /// Who recorded this judgement (role, influence, attitude, favour): a
    /// token's name, the local author or "command line"; null for records from
    /// before it was kept and for imported ones (`source: import`; the import's
    /// audit entry names who ran it).
    async fn recorded_by(&self) -> Option<&str> {
        self.recorded_by.as_deref()
    }
    /// When the judgement was last made (re-listing it unchanged keeps the day).
    async fn judged_at(&self) -> time::OffsetDateTime {
        self.updated_at
    }
    /// `judgement` or `import`.
    async fn source(&self) -> &str {
        &self.source
    }
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.person_id)).await
    }
    /// An id from the methodology's `buying_roles`.
    async fn buying_role(&self) -> &str {
        &self.buying_role
    }
    /// 1 very low .. 5 very high; null when nobody set it (the graph engine derives it).
    async fn influence(&self) -> Option<i32> {
        self.influence
    }
    /// -2 opponent .. +2 champion.
    async fn attitude(&self) -> i32 {
        self.attitude
    }
    /// The competitor this person favours, if any.
    async fn favoured_competitor(&self, ctx: &Context<'_>) -> Result<Option<Competitor>> {
        competitor_of(ctx, self.favoured_competitor_id).await
    }
    /// The deal's primary contact (a CRM's primary contact role, e.g.
    /// Salesforce's IsPrimary); at most one member of a deal.
    async fn primary(&self) -> bool {
        self.is_primary
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    /// Relationship edges touching this person: our ties, competitors' ties, their
    /// influence on others.
    async fn relationships(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        super::context::ties_of(ctx, self.person_id).await
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.updated_at
    }
}

/// A relationship edge with its current strength (0 none .. 5 coach).
#[Object]
impl Relationship {
    async fn id(&self) -> ID {
        id(self.relationship_id)
    }
    async fn kind(&self) -> Result<RelationshipKindG> {
        stored(RelationshipKind::parse("kind", &self.kind)).map(Into::into)
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        account_of(ctx, self.account_id).await
    }
    /// Our employee, for employee–person and employee–employee edges.
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.employee_id).await
    }
    /// The customer person (for person–person edges, the influencer).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, self.person_id).await
    }
    /// The other customer person of a person–person edge.
    async fn other_person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, self.other_person_id).await
    }
    async fn competitor(&self, ctx: &Context<'_>) -> Result<Option<Competitor>> {
        competitor_of(ctx, self.competitor_id).await
    }
    /// The other employee of an employee–employee edge.
    async fn other_employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.other_employee_id).await
    }
    /// For person–person edges.
    async fn tie(&self) -> Result<Option<TieKindG>> {
        match &self.tie {
            Some(t) => stored(TieKind::parse("tie", t)).map(|t| Some(t.into())),
            None => Ok(None),
        }
    }
    /// The latest assessed strength, 0..5.
    async fn strength(&self) -> i32 {
        self.strength
    }
    /// The methodology's label for the strength, worded for whose tie it is (a
    /// competitor's 4 "Supports them", ours "Supports us"), in `lang` (English by
    /// default).
    async fn strength_label(&self, ctx: &Context<'_>, lang: Option<LangG>) -> Option<String> {
        tie_label(ctx, self.strength, &self.kind, lang)
    }
    /// When the latest assessment was made.
    async fn assessed_at(&self) -> OffsetDateTime {
        self.assessed_at
    }
    /// The day of the latest assessment, as the scores date it.
    async fn assessed_on(&self) -> Date {
        self.assessed_at.date()
    }
    /// The strength the scores use today, 0..5 to one decimal: for our active
    /// employees' ties
    /// the latest assessment fading with its age and warmed by shared
    /// interactions (docs/scoring.md, "Effective strength"), so a 4 from two years
    /// ago may count as 2.0; other ties as assessed; null when no score counts
    /// the tie (a departed employee's, or one to someone no longer at the account).
    async fn effective_strength(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        let weight = engine(ctx).tie_weight(self).await.coded()?;
        Ok(weight
            .value(self.strength)
            .map(crate::graph::strength::tenths))
    }
    /// The newest evidence behind our employee's tie (the latest assessment or a
    /// shared interaction, up to today); null for other ties.
    async fn last_contact(&self, ctx: &Context<'_>) -> Result<Option<Date>> {
        Ok(match engine(ctx).tie_weight(self).await.coded()? {
            crate::engine::TieWeight::Decayed(e) => Some(e.last_contact),
            _ => None,
        })
    }
    /// Whether any score counts this tie today: false for a departed employee's
    /// tie (kept as history) or one to someone no longer at the account.
    async fn counted(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(engine(ctx).tie_weight(self).await.coded()? != crate::engine::TieWeight::NotCounted)
    }
    /// Every assessment, newest first, with who made it and from what.
    async fn assessments(&self, ctx: &Context<'_>) -> Result<Vec<Assessment>> {
        store(ctx).assessments(self.relationship_id).await.coded()
    }
}

/// A strength's label as the methodology words it for a tie of `kind`.
fn tie_label(ctx: &Context<'_>, strength: i32, kind: &str, lang: Option<LangG>) -> Option<String> {
    let holder = match RelationshipKind::parse("kind", kind) {
        Ok(RelationshipKind::CompetitorPerson) => TieHolder::Competitor,
        Ok(RelationshipKind::PersonPerson) => TieHolder::Peer,
        _ => TieHolder::Ours,
    };
    store(ctx)
        .methodology()
        .scales
        .tie_label(strength, holder, matches!(lang, Some(LangG::Zh)))
        .map(str::to_owned)
}

/// One judgement of a relationship's strength.
#[Object]
impl Assessment {
    async fn id(&self) -> ID {
        id(self.assessment_id)
    }
    /// Who recorded it: a token's name, the local author or "command line"
    /// (beside `assessedBy`, the employee whose judgement it is).
    async fn recorded_by(&self) -> Option<&str> {
        self.recorded_by.as_deref()
    }
    async fn relationship(&self, ctx: &Context<'_>) -> Result<Option<Relationship>> {
        store(ctx).relationship(self.relationship_id).await.coded()
    }
    async fn strength(&self) -> i32 {
        self.strength
    }
    /// The methodology's label for the strength, worded for whose tie it is, in
    /// `lang` (English by default).
    async fn strength_label(
        &self,
        ctx: &Context<'_>,
        lang: Option<LangG>,
    ) -> Result<Option<String>> {
        let kind = store(ctx)
            .relationship(self.relationship_id)
            .await
            .coded()?
            .map(|r| r.kind)
            .unwrap_or_default();
        Ok(tie_label(ctx, self.strength, &kind, lang))
    }
    async fn source(&self) -> Result<AssessmentSourceG> {
        stored(AssessmentSource::parse("source", &self.source)).map(Into::into)
    }
    /// The employee who made the judgement, where known.
    async fn assessed_by(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.assessed_by).await
    }
    async fn assessed_at(&self) -> OffsetDateTime {
        self.assessed_at
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

/// A visit, call, meal, event...: evidence that keeps relationships warm.
#[Object]
impl Interaction {
    async fn id(&self) -> ID {
        id(self.interaction_id)
    }
    /// An id from the methodology's `interaction_kinds`.
    async fn kind(&self) -> &str {
        &self.kind
    }
    async fn occurred_on(&self) -> Date {
        self.occurred_on
    }
    async fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        store(ctx).account(self.account_id).await.coded()
    }
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        opportunity_of(ctx, self.opportunity_id).await
    }
    /// Our participants.
    async fn employees(&self, ctx: &Context<'_>) -> Result<Vec<Employee>> {
        store(ctx)
            .interaction_employees(self.interaction_id)
            .await
            .coded()
    }
    /// Customer participants.
    async fn people(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        store(ctx)
            .interaction_people(self.interaction_id)
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

/// Extra fields on the accounts connection.
#[derive(SimpleObject)]
pub struct AccountConnectionFields {
    /// Accounts matching the query, across all pages.
    pub total_count: i64,
}

/// A tie derived from meetings, never assessed: evidence, not counted.
#[derive(SimpleObject)]
#[graphql(name = "DerivedTie")]
pub struct DerivedTieG {
    pub employee_id: ID,
    pub employee: String,
    pub person_id: ID,
    pub person: String,
    /// Meetings both attended in the last 180 days.
    pub meetings: i32,
    pub last_met: Date,
    /// The interactions behind it, newest first.
    pub interaction_ids: Vec<ID>,
}

/// The methodology in force.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MethodologyInfo {
    pub name: String,
    /// Recorded with every stage change and assessment.
    pub version: String,
    /// SHA-256 of the methodology's files: its content's identity beside the
    /// declared version.
    pub digest: String,
    /// Earlier versions open deals are still on, whose win steps they keep.
    pub pinned_versions: Vec<String>,
}

/// One allowed value of an enumeration.
#[derive(SimpleObject)]
pub struct TermInfo {
    pub id: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub description: Option<String>,
}

/// An enumeration from `methodology/vocabularies.toml` (or the stages).
#[derive(SimpleObject)]
pub struct VocabularyInfo {
    /// `tiers`, `industries`, `regions`, `levels`, `departments`, `buying_roles`,
    /// `employee_roles`, `interaction_kinds`, `support_resource_kinds`,
    /// `currencies`, `stages`.
    pub name: String,
    pub terms: Vec<TermInfo>,
}

/// A labelled point of a scale.
#[derive(SimpleObject)]
pub struct ScalePoint {
    pub value: i32,
    pub id: String,
    pub label: String,
    /// The label in Chinese (the English one where the methodology gives none).
    pub label_zh: String,
    pub description: Option<String>,
}

/// A win step as the methodology defines it.
#[derive(SimpleObject)]
pub struct WinStepInfo {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub required: bool,
    /// The condition of an automatic step; null for manual steps.
    pub condition: Option<String>,
}

/// What must hold before a deal may leave a stage.
#[derive(SimpleObject)]
pub struct ExitCriterionInfo {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub condition: String,
}

/// A coaching rule as the methodology defines it.
#[derive(SimpleObject)]
pub struct CoachingRuleInfo {
    pub id: String,
    pub severity: i32,
    pub impact: f64,
    /// Stages it applies to; empty means all.
    pub stages: Vec<String>,
    pub condition: String,
    pub text: String,
    pub text_zh: String,
    pub action: String,
    pub action_zh: String,
}

/// One of the four questions as the methodology defines it.
#[derive(SimpleObject)]
pub struct QuestionInfo {
    pub id: String,
    pub text: String,
    pub text_zh: String,
    pub hint: String,
    pub yes_when: String,
    pub no_when: String,
}

/// A stage of the opportunity process.
#[derive(SimpleObject)]
pub struct StageInfo {
    pub id: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub description: Option<String>,
    /// Win probability the stage implies before adjustments.
    pub probability: f64,
    /// Days a deal usually stays in the stage.
    pub expected_days: i32,
    pub win_steps: Vec<WinStepInfo>,
    pub exit_criteria: Vec<ExitCriterionInfo>,
}

fn points(points: &[crate::methodology::LabelledValue]) -> Vec<ScalePoint> {
    points
        .iter()
        .map(|p| ScalePoint {
            value: p.value,
            id: p.id.clone(),
            label: p.label.clone(),
            label_zh: p.label_zh.clone().unwrap_or_else(|| p.label.clone()),
            description: p.description.clone(),
        })
        .collect()
}

#[ComplexObject]
impl MethodologyInfo {
    /// Every enumeration, for pickers in front ends.
    async fn vocabularies(&self, ctx: &Context<'_>) -> Vec<VocabularyInfo> {
        store(ctx)
            .methodology()
            .vocabularies
            .all()
            .into_iter()
            .map(|v| VocabularyInfo {
                name: v.name.to_owned(),
                terms: v
                    .terms
                    .iter()
                    .map(|t| TermInfo {
                        id: t.id.clone(),
                        label: t.label.clone(),
                        label_zh: t.label_zh.clone(),
                        description: t.description.clone(),
                    })
                    .collect(),
            })
            .collect()
    }
    /// The stages in order.
    async fn stages(&self, ctx: &Context<'_>) -> Vec<StageInfo> {
        store(ctx)
            .methodology()
            .vocabularies
            .stages
            .iter()
            .map(|s| {
                let process = store(ctx).methodology().process.get(&s.id);
                StageInfo {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    label_zh: s.label_zh.clone(),
                    description: s.description.clone(),
                    probability: s.probability,
                    expected_days: i32::try_from(s.expected_days).unwrap_or(i32::MAX),
                    win_steps: process
                        .map(|p| {
                            p.win_steps
                                .iter()
                                .map(|w| WinStepInfo {
                                    id: w.id.clone(),
                                    label: w.label.clone(),
                                    label_zh: w.label_zh.clone(),
                                    required: w.required,
                                    condition: match &w.kind {
                                        crate::methodology::StepKind::Auto(c) => {
                                            Some(c.source.clone())
                                        }
                                        crate::methodology::StepKind::Manual => None,
                                    },
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    exit_criteria: process
                        .map(|p| {
                            p.exit_criteria
                                .iter()
                                .map(|c| ExitCriterionInfo {
                                    id: c.id.clone(),
                                    label: c.label.clone(),
                                    label_zh: c.label_zh.clone(),
                                    condition: c.condition.source.clone(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }
    /// The coaching rules.
    async fn coaching_rules(&self, ctx: &Context<'_>) -> Vec<CoachingRuleInfo> {
        store(ctx)
            .methodology()
            .rules
            .iter()
            .map(|r| CoachingRuleInfo {
                id: r.id.clone(),
                severity: i32::from(r.severity),
                impact: r.impact,
                stages: r.stages.clone(),
                condition: r.condition.source.clone(),
                text: r.text.clone(),
                text_zh: r.text_zh.clone(),
                action: r.action.clone(),
                action_zh: r.action_zh.clone(),
            })
            .collect()
    }
    /// The four questions.
    async fn questions(&self, ctx: &Context<'_>) -> Vec<QuestionInfo> {
        store(ctx)
            .methodology()
            .questions
            .iter()
            .map(|q| QuestionInfo {
                id: q.id.clone(),
                text: q.text.clone(),
                text_zh: q.text_zh.clone(),
                hint: q.hint.clone(),
                yes_when: q.yes_when.source.clone(),
                no_when: q.no_when.source.clone(),
            })
            .collect()
    }
    /// Relationship strength 0..5.
    async fn strength_scale(&self, ctx: &Context<'_>) -> Vec<ScalePoint> {
        points(&store(ctx).methodology().scales.strength)
    }
    /// Influence 1..5.
    async fn influence_scale(&self, ctx: &Context<'_>) -> Vec<ScalePoint> {
        points(&store(ctx).methodology().scales.influence)
    }
    /// Attitude -2..2.
    async fn attitude_scale(&self, ctx: &Context<'_>) -> Vec<ScalePoint> {
        points(&store(ctx).methodology().scales.attitude)
    }
}
