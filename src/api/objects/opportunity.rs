//! A deal: its budget, compelling event, team, history and decision chain.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use time::{Date, OffsetDateTime};

use super::interactions_limit;
use crate::api::{
    advice::{
        AdvanceCheck, CoachingPrompt, Fact, HealthG, LangG, OpportunityAdvice, Qualification,
        WinStepStatus,
    },
    context::{competitor_of, employee_of, engine, person_of, store},
    enums::{stored, BudgetStatusG, OutcomeG},
    error::Coded,
    ids::id,
    scores::OpportunityRisks,
};
use crate::{
    domain::{
        Account, Competitor, DecisionChainMember, Employee, Interaction, Opportunity, Outcome,
        Person, Relationship, StageChange, TeamMember,
    },
    graph::scores::OpportunityScores,
    store::{RecordedAnswer, Tick},
};

/// The customer's budget for a deal.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Budget {
    pub status: BudgetStatusG,
    /// In major units of `currency`, where known.
    pub amount: Option<f64>,
    /// The deal's currency.
    pub currency: String,
    /// When it was confirmed.
    pub confirmed_on: Option<Date>,
}

#[async_graphql::ComplexObject]
impl Budget {
    /// The amount as a reader of `lang` writes it ("50,000,000 CNY", "5000万元"),
    /// where known.
    async fn amount_text(&self, lang: Option<LangG>) -> Option<String> {
        self.amount.map(|a| amount_in(a, &self.currency, lang))
    }
}

/// An amount as a reader of `lang` writes it: grouped digits and the currency
/// code in English, 万 and 亿 with the currency's Chinese name in Chinese.
fn amount_in(amount: f64, currency: &str, lang: Option<LangG>) -> String {
    match lang {
        Some(LangG::Zh) => crate::domain::money_zh(amount, currency),
        _ => crate::domain::money(amount, currency),
    }
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
    /// The amount as a reader of `lang` writes it: "48,000,000 CNY" in English,
    /// "4800万元" in Chinese (English by default).
    async fn amount_text(&self, lang: Option<LangG>) -> String {
        amount_in(self.amount().major(), &self.currency, lang)
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
        lang: Option<crate::api::advice::LangG>,
    ) -> Result<Vec<crate::api::planning::SupportNeed>> {
        crate::api::planning::support_needs(ctx, self.opportunity_id, lang).await
    }
    /// Improvement points set on this deal, open ones first by due date.
    async fn improvement_points(
        &self,
        ctx: &Context<'_>,
        status: Option<crate::api::improvement::ImprovementStatusG>,
    ) -> Result<Vec<crate::domain::ImprovementPoint>> {
        let filter = crate::store::ImprovementFilter {
            opportunity: Some(self.opportunity_id),
            status: status.map(Into::into),
            ..Default::default()
        };
        crate::api::improvement::improvement_points(ctx, filter).await
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
        lang: Option<crate::api::advice::LangG>,
    ) -> Result<Option<crate::api::planning::OpportunityForecast>> {
        crate::api::planning::opportunity_forecast(ctx, self.opportunity_id, lang).await
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
        #[graphql(default_with = "crate::api::enums::MapFormatG::Svg")]
        format: crate::api::enums::MapFormatG,
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
        #[graphql(default_with = "crate::api::meeting::ReportFormatG::Markdown")]
        format: crate::api::meeting::ReportFormatG,
        #[graphql(default_with = "LangG::En")] lang: LangG,
    ) -> Result<String> {
        crate::api::meeting::opportunity_report(ctx, self.opportunity_id, format, lang).await
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
        crate::api::context::chain_of(ctx, self.opportunity_id).await
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
        crate::api::context::ties_of(ctx, self.person_id).await
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.updated_at
    }
}
