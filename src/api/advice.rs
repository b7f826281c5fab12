//! GraphQL faces of the methodology engine: win steps, the four questions, health,
//! coaching prompts, the account plan, the pipeline and stage moves.

use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    context::{employee_of, engine, person_of, store},
    error::Coded,
    ids::{id, parse, parse_opt},
};
use crate::{
    advice::{Answer, Lang, Prompt, StepStatus},
    domain::{Account, Employee, Opportunity, Person},
    engine::{AdvanceRequest, Assessment, PipelineRow},
    graph::paths::IntroductionPath,
    graph::{data::OpportunityNode, AccountGraph},
    methodology::Methodology,
    methodology::StepKind,
    store::{RecordedAnswer, Tick},
};

/// The language of prompts and labels.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "Lang")]
pub enum LangG {
    En,
    Zh,
}

impl From<LangG> for Lang {
    fn from(l: LangG) -> Self {
        match l {
            LangG::En => Lang::En,
            LangG::Zh => Lang::Zh,
        }
    }
}

/// A named fact and its value, as evidence.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Fact {
    pub name: String,
    pub value: String,
}

/// The fact as a coach reads it, in either language: the page and the reports
/// show these, never the rule's id.
#[ComplexObject]
impl Fact {
    /// The fact's label ("interactions with the chain, last 90 days"; English if
    /// `lang` is left out).
    async fn label(&self, lang: Option<LangG>) -> String {
        crate::domain::catalogue::attribute(
            lang.map(Into::into).unwrap_or_default(),
            "fact",
            &self.name,
        )
    }

    /// The value in words where it is a yes or no, a stage, a tier or a budget's
    /// status ("已确认"); numbers as they are.
    async fn shown(&self, ctx: &Context<'_>, lang: Option<LangG>) -> String {
        let lang = lang.map(Lang::from).unwrap_or(Lang::En);
        crate::meeting::gather::fact_value(&self.name, &self.value, lang, store(ctx).methodology())
    }
}

fn facts(pairs: &[(String, String)]) -> Vec<Fact> {
    pairs
        .iter()
        .map(|(name, value)| Fact {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

/// One part of health.
#[derive(SimpleObject)]
pub struct HealthPartG {
    /// key_person, decision_chain, competitor, employee, our_company, win_steps,
    /// qualification, stage_time, contact.
    pub name: String,
    pub weight: f64,
    /// 0..1.
    pub value: f64,
    /// `100 × weight × value`; the parts add up to the score.
    pub points: f64,
}

/// Opportunity health, 0..100.
#[derive(SimpleObject)]
#[graphql(name = "Health")]
pub struct HealthG {
    pub score: f64,
    pub breakdown: Vec<HealthPartG>,
}

/// How a win step is satisfied.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum WinStepKind {
    Manual,
    Auto,
}

/// Where a win step or plan item stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChecklistStatus {
    /// Someone ticked it.
    Done,
    /// Its condition holds on the data.
    Satisfied,
    Missing,
}

impl From<StepStatus> for ChecklistStatus {
    fn from(s: StepStatus) -> Self {
        match s {
            StepStatus::Done => ChecklistStatus::Done,
            StepStatus::Satisfied => ChecklistStatus::Satisfied,
            StepStatus::Missing => ChecklistStatus::Missing,
        }
    }
}

/// A win step of the opportunity's current stage.
#[derive(SimpleObject)]
pub struct WinStepStatus {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub kind: WinStepKind,
    pub required: bool,
    pub status: ChecklistStatus,
    /// For automatic steps, the condition from the methodology.
    pub condition: Option<String>,
    /// The facts the condition read.
    pub evidence: Vec<Fact>,
}

/// YES, NO or UNKNOWN.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum QualificationAnswer {
    Yes,
    No,
    Unknown,
}

impl From<Answer> for QualificationAnswer {
    fn from(a: Answer) -> Self {
        match a {
            Answer::Yes => QualificationAnswer::Yes,
            Answer::No => QualificationAnswer::No,
            Answer::Unknown => QualificationAnswer::Unknown,
        }
    }
}

/// One of the four questions for an opportunity.
#[derive(SimpleObject)]
pub struct Qualification {
    pub question_id: String,
    pub question: String,
    pub question_zh: String,
    pub hint: String,
    /// The recorded answer if anyone gave one, else the suggested one.
    pub answer: QualificationAnswer,
    /// What the facts suggest.
    pub suggested: QualificationAnswer,
    pub recorded: Option<QualificationAnswer>,
    /// The facts behind the suggestion.
    pub evidence: Vec<Fact>,
}

/// Why a deal may not leave its stage yet.
#[derive(SimpleObject)]
pub struct Blocker {
    /// `exit_criterion` or `win_step`.
    pub kind: String,
    pub id: String,
    pub label: String,
    pub label_zh: String,
}

/// Whether the opportunity may move to the next stage.
#[derive(SimpleObject)]
pub struct AdvanceCheck {
    pub may_advance: bool,
    pub next_stage: Option<String>,
    pub blockers: Vec<Blocker>,
}

fn blockers(list: Vec<crate::advice::Blocker>) -> Vec<Blocker> {
    list.into_iter()
        .map(|b| Blocker {
            kind: b.kind.to_owned(),
            id: b.id,
            label: b.label,
            label_zh: b.label_zh,
        })
        .collect()
}

/// A coaching prompt: what is wrong, what to do, and why guanxi thinks so.
pub struct CoachingPrompt(pub Prompt);

#[Object]
impl CoachingPrompt {
    /// The rule in `methodology/coaching.toml`.
    async fn rule_id(&self) -> &str {
        &self.0.rule_id
    }
    /// 1 (a nudge) .. 5 (the deal is at risk).
    async fn severity(&self) -> i32 {
        i32::from(self.0.severity)
    }
    /// 0..1: how much acting on it tends to move the deal.
    async fn impact(&self) -> f64 {
        self.0.impact
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The suggested action, naming who should do what.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The facts the rule read, with their values.
    async fn evidence(&self) -> Vec<Fact> {
        facts(&self.0.evidence)
    }
    /// The customer person the prompt is about.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, self.0.person).await
    }
    /// The employee of ours the prompt is about (an owner who left, someone
    /// leaving), where it is about one of ours rather than a customer person.
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        match self.0.person {
            Some(id) if person_of(ctx, Some(id)).await?.is_none() => {
                employee_of(ctx, Some(id)).await
            }
            _ => Ok(None),
        }
    }
    /// The suggested introduction path, where the rule asks for one.
    async fn introduction_path(&self) -> Option<&IntroductionPath> {
        self.0.path.as_ref()
    }
    /// Where the prompt ranks and why: severity × person weight × stake × urgency
    /// (docs/coaching.md, "How prompts are ranked").
    async fn priority(&self) -> PromptPriority {
        PromptPriority(self.0.priority)
    }
}

/// A prompt's priority and its four terms.
pub struct PromptPriority(pub crate::advice::prompts::PriorityTerms);

#[Object]
impl PromptPriority {
    /// severity × personWeight × stake × urgency; prompts rank by it, then by
    /// impact, then by the name of whom they are about, then by rule id.
    async fn value(&self) -> f64 {
        self.0.value
    }
    /// The rule's severity, 1..5.
    async fn severity(&self) -> f64 {
        self.0.severity
    }
    /// How much whom it is about weighs on this deal: the buying-role weight ×
    /// influence / 5 against the deal's weightiest member, from the floor (0.5 by
    /// default) to 1; a prompt about the whole deal or one of ours has its own weight.
    async fn person_weight(&self) -> f64 {
        self.0.person_weight
    }
    /// The deal's stake: the account tier's weight × amount / (amount + the
    /// portfolio's typical amount).
    async fn stake(&self) -> f64 {
        self.0.stake
    }
    /// The later of how far the deal has come (by stage) and how near its signing
    /// date is, from the stage floor to 1.
    async fn urgency(&self) -> f64 {
        self.0.urgency
    }
}

/// A tick of a win step or plan item, with who and when.
#[Object(name = "ChecklistTick")]
impl Tick {
    async fn id(&self) -> ID {
        id(self.tick_id)
    }
    /// The step or item id.
    async fn item_id(&self) -> &str {
        &self.item
    }
    /// The stage, for win steps.
    async fn stage(&self) -> Option<&str> {
        self.stage.as_deref()
    }
    async fn done(&self) -> bool {
        self.done
    }
    async fn ticked_by(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.ticked_by).await
    }
    async fn ticked_at(&self) -> OffsetDateTime {
        self.ticked_at
    }
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    async fn methodology_version(&self) -> &str {
        &self.methodology_version
    }
}

/// An answer a person recorded to one of the four questions.
#[Object]
impl RecordedAnswer {
    async fn id(&self) -> ID {
        id(self.answer_id)
    }
    /// Who recorded it: a token's name, the local author or "command line".
    async fn recorded_by(&self) -> Option<&str> {
        self.recorded_by.as_deref()
    }
    async fn question_id(&self) -> &str {
        &self.question_id
    }
    async fn answer(&self) -> QualificationAnswer {
        Answer::parse(&self.answer)
            .unwrap_or(Answer::Unknown)
            .into()
    }
    async fn evidence(&self) -> Option<&str> {
        self.evidence.as_deref()
    }
    async fn answered_by(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.answered_by).await
    }
    async fn answered_at(&self) -> OffsetDateTime {
        self.answered_at
    }
    async fn methodology_version(&self) -> &str {
        &self.methodology_version
    }
}

/// Assesses one opportunity of a cached graph against the methodology and hands
/// the graph, methodology, opportunity and assessment to `f`.
async fn assessed<T>(
    ctx: &Context<'_>,
    opportunity: Uuid,
    f: impl FnOnce(&AccountGraph, &Methodology, &OpportunityNode, Assessment<'_>) -> Result<T>,
) -> Result<T> {
    engine(ctx)
        .assessed(opportunity, |cached, m, o, a| f(&cached.graph, m, o, a))
        .await
        .coded()?
}

/// The methodology engine's view of one opportunity (fields of `Opportunity`).
pub(crate) struct OpportunityAdvice;

impl OpportunityAdvice {
    pub(crate) async fn health(ctx: &Context<'_>, opportunity: Uuid) -> Result<HealthG> {
        let advised = engine(ctx)
            .opportunity_advice(opportunity, Lang::En)
            .await
            .coded()?;
        let health = &advised.health;
        Ok(HealthG {
            score: health.score,
            breakdown: health
                .breakdown
                .iter()
                .map(|p| HealthPartG {
                    name: p.name.to_owned(),
                    weight: p.weight,
                    value: p.value,
                    points: p.points,
                })
                .collect(),
        })
    }

    pub(crate) async fn prompts(
        ctx: &Context<'_>,
        opportunity: Uuid,
        lang: Lang,
        first: Option<i32>,
    ) -> Result<Vec<CoachingPrompt>> {
        let advised = engine(ctx)
            .opportunity_advice(opportunity, lang)
            .await
            .coded()?;
        let limit = first.map_or(usize::MAX, |f| usize::try_from(f).unwrap_or(0));
        Ok(advised
            .prompts
            .iter()
            .take(limit)
            .cloned()
            .map(CoachingPrompt)
            .collect())
    }

    pub(crate) async fn win_steps(
        ctx: &Context<'_>,
        opportunity: Uuid,
    ) -> Result<Vec<WinStepStatus>> {
        assessed(ctx, opportunity, |_, _, _, a| {
            Ok(a.steps
                .iter()
                .map(|s| WinStepStatus {
                    id: s.step.id.clone(),
                    label: s.step.label.clone(),
                    label_zh: s.step.label_zh.clone(),
                    kind: match s.step.kind {
                        StepKind::Manual => WinStepKind::Manual,
                        StepKind::Auto(_) => WinStepKind::Auto,
                    },
                    required: s.step.required,
                    status: match s.status {
                        StepStatus::Done => ChecklistStatus::Done,
                        StepStatus::Satisfied => ChecklistStatus::Satisfied,
                        StepStatus::Missing => ChecklistStatus::Missing,
                    },
                    condition: match &s.step.kind {
                        StepKind::Auto(c) => Some(c.source.clone()),
                        StepKind::Manual => None,
                    },
                    evidence: facts(&s.evidence),
                })
                .collect())
        })
        .await
    }

    pub(crate) async fn qualification(
        ctx: &Context<'_>,
        opportunity: Uuid,
    ) -> Result<Vec<Qualification>> {
        assessed(ctx, opportunity, |_, _, _, a| {
            Ok(a.questions
                .iter()
                .map(|q| Qualification {
                    question_id: q.question.id.clone(),
                    question: q.question.text.clone(),
                    question_zh: q.question.text_zh.clone(),
                    hint: q.question.hint.clone(),
                    answer: q.answer().into(),
                    suggested: q.suggested.into(),
                    recorded: q.recorded.map(Into::into),
                    evidence: facts(&q.evidence),
                })
                .collect())
        })
        .await
    }

    pub(crate) async fn advance(ctx: &Context<'_>, opportunity: Uuid) -> Result<AdvanceCheck> {
        assessed(ctx, opportunity, |_, m, o, a| {
            let list = a.advance_blockers(m, o);
            let index = m.vocabularies.stages.iter().position(|s| s.id == o.stage);
            let next = index
                .and_then(|i| m.vocabularies.stages.get(i + 1))
                .map(|s| s.id.clone());
            Ok(AdvanceCheck {
                may_advance: o.open && next.is_some() && list.is_empty(),
                next_stage: next,
                blockers: blockers(list),
            })
        })
        .await
    }

    pub(crate) async fn facts(ctx: &Context<'_>, opportunity: Uuid) -> Result<Vec<Fact>> {
        assessed(ctx, opportunity, |_, _, _, a| {
            Ok(a.facts
                .values
                .iter()
                .map(|(k, v)| Fact {
                    name: k.clone(),
                    value: v.to_string(),
                })
                .collect())
        })
        .await
    }
}

/// An item of the account plan.
#[derive(SimpleObject)]
pub struct PlanItemStatus {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub kind: WinStepKind,
    pub status: ChecklistStatus,
    pub condition: Option<String>,
    pub evidence: Vec<Fact>,
}

/// One of the ESP+ five elements.
#[derive(SimpleObject)]
pub struct PlanElementStatus {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    /// Share of items done or satisfied, 0..1.
    pub completion: f64,
    pub items: Vec<PlanItemStatus>,
}

/// The account plan's checklist and scorecard.
#[derive(SimpleObject)]
pub struct AccountPlanG {
    /// Mean completion of the five elements, 0..1.
    pub completion: f64,
    pub elements: Vec<PlanElementStatus>,
    pub scorecard: Scorecard,
}

/// Open pipeline in one currency.
#[derive(SimpleObject)]
pub struct CurrencyAmount {
    pub currency: String,
    pub amount: f64,
}

/// The account at a glance.
#[derive(SimpleObject)]
pub struct Scorecard {
    /// The account quantification, 0..1.
    pub account_score: f64,
    pub plan_completion: f64,
    pub open_opportunities: i32,
    pub open_amount: Vec<CurrencyAmount>,
    /// Mean health of the open opportunities, 0..100; null without any.
    pub mean_health: Option<f64>,
    pub single_threaded_key_people: i32,
    pub people_mapped: i32,
    pub people_with_real_ties: i32,
}

pub(crate) async fn account_plan(ctx: &Context<'_>, account: Uuid) -> Result<AccountPlanG> {
    let count = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    engine(ctx)
        .account_planned(account, |_, _, plan, card| AccountPlanG {
            completion: plan.completion,
            elements: plan
                .elements
                .iter()
                .map(|e| PlanElementStatus {
                    id: e.element.id.clone(),
                    label: e.element.label.clone(),
                    label_zh: e.element.label_zh.clone(),
                    completion: e.completion,
                    items: e
                        .items
                        .iter()
                        .map(|(item, status, evidence)| PlanItemStatus {
                            id: item.id.clone(),
                            label: item.label.clone(),
                            label_zh: item.label_zh.clone(),
                            kind: if item.condition.is_some() {
                                WinStepKind::Auto
                            } else {
                                WinStepKind::Manual
                            },
                            status: (*status).into(),
                            condition: item.condition.as_ref().map(|c| c.source.clone()),
                            evidence: facts(evidence),
                        })
                        .collect(),
                })
                .collect(),
            scorecard: Scorecard {
                account_score: card.account_score,
                plan_completion: card.plan_completion,
                open_opportunities: count(card.open_opportunities as i64),
                open_amount: card
                    .open_amount
                    .iter()
                    .map(|(currency, amount)| CurrencyAmount {
                        currency: currency.clone(),
                        amount: *amount,
                    })
                    .collect(),
                mean_health: card.mean_health,
                single_threaded_key_people: count(card.single_threaded_key_people),
                people_mapped: count(card.people_mapped),
                people_with_real_ties: count(card.people_with_real_ties),
            },
        })
        .await
        .coded()
}

/// One open opportunity in the coach's pipeline.
pub struct PipelineItem(pub PipelineRow);

#[Object]
impl PipelineItem {
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        store(ctx).opportunity(self.0.opportunity).await.coded()
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        store(ctx).account(self.0.account).await.coded()
    }
    async fn account_name(&self) -> &str {
        &self.0.account_name
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn stage(&self) -> &str {
        &self.0.stage
    }
    async fn amount(&self) -> f64 {
        self.0.amount
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    async fn expected_sign_date(&self) -> Option<Date> {
        self.0.expected_sign_date
    }
    /// The forecast win probability (`Opportunity.forecast` explains it).
    async fn win_probability(&self) -> f64 {
        self.0.win_probability
    }
    /// The forecast category id (`commit`, `best_case`, `pipeline`, `omitted`).
    async fn category(&self) -> &str {
        &self.0.category
    }
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.0.owner).await
    }
    /// Health 0..100.
    async fn health(&self) -> f64 {
        self.0.health
    }
    /// The most pressing coaching prompt (without its introduction path; open the
    /// opportunity for that).
    async fn top_prompt(&self) -> Option<CoachingPrompt> {
        self.0.top_prompt.clone().map(CoachingPrompt)
    }
    /// How many prompts fire.
    async fn prompt_count(&self) -> i32 {
        i32::try_from(self.0.prompts).unwrap_or(i32::MAX)
    }
}

/// How to order the pipeline.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum PipelineSort {
    /// Weakest health first.
    #[default]
    HealthAsc,
    HealthDesc,
    AmountDesc,
    /// Most severe top prompt first.
    SeverityDesc,
    /// Latest stage first.
    StageDesc,
    /// Soonest expected signing first.
    SignDateAsc,
    Name,
}

pub(crate) fn sort_rows(rows: &mut [PipelineRow], sort: PipelineSort) {
    let severity = |r: &PipelineRow| r.top_prompt.as_ref().map_or(0, |p| p.severity);
    rows.sort_by(|a, b| {
        let primary = match sort {
            PipelineSort::HealthAsc => a.health.total_cmp(&b.health),
            PipelineSort::HealthDesc => b.health.total_cmp(&a.health),
            PipelineSort::AmountDesc => b.amount.total_cmp(&a.amount),
            PipelineSort::SeverityDesc => severity(b)
                .cmp(&severity(a))
                .then(a.health.total_cmp(&b.health)),
            PipelineSort::StageDesc => b.stage_index.cmp(&a.stage_index),
            PipelineSort::SignDateAsc => match (a.expected_sign_date, b.expected_sign_date) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
            PipelineSort::Name => a.name.cmp(&b.name),
        };
        primary
            .then(a.name.cmp(&b.name))
            .then(a.opportunity.cmp(&b.opportunity))
    });
}

/// A page of the pipeline.
#[derive(SimpleObject)]
pub struct PipelinePage {
    /// Opportunities matching the filters, across all pages.
    pub total_count: i32,
    pub nodes: Vec<PipelineItem>,
    /// Pass as `after` for the next page; null on the last.
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
    /// Sum of health over the matching opportunities / count (0..100); null if none.
    pub mean_health: Option<f64>,
}

/// A methodology change as it touches one open opportunity.
#[derive(SimpleObject)]
pub struct MethodologyChange {
    pub opportunity_id: ID,
    pub stage: String,
    /// The version the opportunity's stage was set under.
    pub recorded_version: String,
    pub current_version: String,
    /// Required win steps of its stage that the current version adds.
    pub added_required_steps: Vec<String>,
    /// Win steps of its stage the current version removed.
    pub removed_steps: Vec<String>,
    /// Exit criteria unmet and required steps missing (ids) under its version,
    /// and under the current one once adopted.
    pub blockers_before: Vec<String>,
    pub blockers_after: Vec<String>,
    /// Health (0..100) under its version, and once adopted.
    pub health_before: f64,
    pub health_after: f64,
    /// Forecast category under its version, and once adopted.
    pub category_before: String,
    pub category_after: String,
}

#[derive(InputObject)]
pub struct AdvanceStageInput {
    pub opportunity_id: ID,
    /// The stage to move to; the next one if left out.
    pub to_stage: Option<String>,
    /// Why the deal moves although exit criteria or required win steps are unmet.
    pub override_reason: Option<String>,
    pub changed_by: Option<ID>,
    pub changed_on: Option<Date>,
}

impl AdvanceStageInput {
    pub(crate) fn into_request(self) -> crate::Result<AdvanceRequest> {
        Ok(AdvanceRequest {
            opportunity: parse("opportunityId", &self.opportunity_id)?,
            to_stage: self.to_stage,
            override_reason: self.override_reason,
            changed_by: parse_opt("changedBy", &self.changed_by)?,
            changed_on: self.changed_on,
        })
    }
}

/// The result of a stage move.
#[derive(SimpleObject)]
pub struct AdvanceResult {
    pub opportunity: Opportunity,
    /// The move went past unmet criteria with a recorded reason.
    pub overridden: bool,
    /// What was unmet (empty unless overridden).
    pub blockers: Vec<Blocker>,
}

pub(crate) fn advance_result(a: crate::engine::Advanced) -> AdvanceResult {
    AdvanceResult {
        opportunity: a.opportunity,
        overridden: a.overridden,
        blockers: blockers(a.blockers),
    }
}

#[derive(InputObject)]
pub struct TickWinStepInput {
    pub opportunity_id: ID,
    /// A win step of the opportunity's current stage.
    pub step_id: String,
    /// false to untick.
    pub done: Option<bool>,
    pub ticked_by: Option<ID>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct AnswerQuestionInput {
    pub opportunity_id: ID,
    pub question_id: String,
    pub answer: QualificationAnswer,
    /// What the answer rests on.
    pub evidence: Option<String>,
    pub answered_by: Option<ID>,
}

#[derive(InputObject)]
pub struct TickPlanItemInput {
    pub account_id: ID,
    pub item_id: String,
    /// false to untick.
    pub done: Option<bool>,
    pub ticked_by: Option<ID>,
    pub note: Option<String>,
}

pub(crate) fn answer_str(a: QualificationAnswer) -> &'static str {
    match a {
        QualificationAnswer::Yes => "yes",
        QualificationAnswer::No => "no",
        QualificationAnswer::Unknown => "unknown",
    }
}

pub(crate) fn methodology_changes(
    list: Vec<crate::engine::MethodologyImpact>,
    current: &str,
) -> Vec<MethodologyChange> {
    list.into_iter()
        .map(|i| MethodologyChange {
            opportunity_id: id(i.opportunity),
            stage: i.stage,
            recorded_version: i.recorded_version,
            current_version: current.to_owned(),
            added_required_steps: i.added_required,
            removed_steps: i.removed,
            blockers_before: i.blockers_before,
            blockers_after: i.blockers_after,
            health_before: i.health_before,
            health_after: i.health_after,
            category_before: i.category_before,
            category_after: i.category_after,
        })
        .collect()
}
