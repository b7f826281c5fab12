//! GraphQL faces of the graph engine: scores with their explanations, risks,
//! introduction paths and what-ifs.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};

use super::{
    advice::LangG,
    context::{employee_of, person_of, store},
    error::Coded,
    ids::id,
};
use crate::{
    domain::{Account, Competitor, Employee, Opportunity, Person},
    engine::whatif::{Picture, Story},
    graph::{
        paths::{IntroductionPath, PathHop},
        risk::{Ahead, Impact, LostPath, OpportunityImpact, ScoreChange, Thread},
        scores::OpportunityScores,
        Evidence, Explanation, Input, NodeKey, Score, Via, Weight,
    },
};

/// A number in [0, 1] that reads "higher is better for us", with how it was computed.
#[Object]
impl Score {
    /// In [0, 1].
    async fn value(&self) -> f64 {
        self.value.get()
    }
    async fn explanation(&self) -> &Explanation {
        &self.explanation
    }
}

/// How a score was computed.
#[Object]
impl Explanation {
    /// One sentence a coach can read out, in `lang` (English by default).
    async fn summary(&self, lang: Option<LangG>) -> String {
        self.summary.say(said_in(lang))
    }
    /// The formula, as documented in docs/scoring.md, in `lang`.
    async fn formula(&self, lang: Option<LangG>) -> String {
        self.formula.say(said_in(lang))
    }
    async fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    async fn weights(&self) -> &[Weight] {
        &self.weights
    }
    /// The ties, roles and positions behind the number.
    async fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }
    /// Edge cases met: empty chain, derived influence, departed employees, ties;
    /// in `lang`.
    async fn notes(&self, lang: Option<LangG>) -> Vec<String> {
        let lang = said_in(lang);
        self.notes.iter().map(|n| n.say(lang)).collect()
    }
}

/// The language a phrase is said in: English unless asked.
fn said_in(lang: Option<LangG>) -> crate::domain::Lang {
    lang.map(Into::into).unwrap_or_default()
}

/// A named number that went into a score.
#[Object(name = "ExplanationInput")]
impl Input {
    /// What the number is, in `lang` (English by default).
    async fn name(&self, lang: Option<LangG>) -> String {
        self.name.say(said_in(lang))
    }
    async fn value(&self) -> f64 {
        self.value
    }
    async fn note(&self, lang: Option<LangG>) -> Option<String> {
        self.note.as_ref().map(|n| n.say(said_in(lang)))
    }
}

/// A weight a formula applied.
#[Object(name = "ExplanationWeight")]
impl Weight {
    /// What the weight weighs, in `lang` (English by default).
    async fn name(&self, lang: Option<LangG>) -> String {
        self.name.say(said_in(lang))
    }
    async fn value(&self) -> f64 {
        self.value
    }
}

/// A record behind a score.
#[Object]
impl Evidence {
    /// `tie`, `departed_tie`, `sole_tie`, `member`, `position`, `competitor_tie`.
    async fn kind(&self) -> &str {
        &self.kind
    }
    /// The record in words, in `lang` (English by default).
    async fn description(&self, lang: Option<LangG>) -> String {
        self.description.say(said_in(lang))
    }
    async fn value(&self) -> Option<f64> {
        self.value
    }
    async fn relationship_id(&self) -> Option<ID> {
        self.relationship_id.map(id)
    }
    async fn interaction_id(&self) -> Option<ID> {
        self.interaction_id.map(id)
    }
    async fn person_id(&self) -> Option<ID> {
        self.person_id.map(id)
    }
    async fn employee_id(&self) -> Option<ID> {
        self.employee_id.map(id)
    }
    async fn competitor_id(&self) -> Option<ID> {
        self.competitor_id.map(id)
    }
}

/// The six relationship quantifications of an opportunity, each "higher is better
/// for us".
#[Object]
impl OpportunityScores {
    /// How strong our ties to the key people are, weighted by their influence.
    async fn key_person(&self) -> &Score {
        &self.key_person
    }
    /// Influence-weighted coverage of the chain, times the share of required roles held by someone not against us.
    async fn decision_chain(&self) -> &Score {
        &self.decision_chain
    }
    /// The account as a whole: breadth by people, departments, levels; depth at the top.
    async fn account(&self) -> &Score {
        &self.account
    }
    /// The chain coverage we keep if our most important employee on it leaves.
    async fn employee(&self) -> &Score {
        &self.employee
    }
    /// How well our roles (executive, AR, SR, FR) carry the people they should.
    async fn our_company(&self) -> &Score {
        &self.our_company
    }
    /// Our position against competitors on the key people: 1 = we lead on every one.
    async fn competitor(&self) -> &Score {
        &self.competitor
    }
}

/// A key person held by one thread, or none.
#[Object(name = "SingleThreadedPerson")]
impl Thread {
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.person)).await
    }
    /// The only employee with a real tie; null when nobody has one.
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.employee).await
    }
    /// Influence 1..5 (on the opportunity) or importance × 5 (at account level).
    async fn influence(&self) -> f64 {
        self.influence
    }
}

/// A key person where a competitor's tie beats our best.
#[Object(name = "CompetitorAhead")]
impl Ahead {
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.person)).await
    }
    async fn competitor(&self, ctx: &Context<'_>) -> Result<Option<Competitor>> {
        store(ctx).competitor(self.competitor).await.coded()
    }
    /// Our best effective tie, 0..5.
    async fn ours(&self) -> f64 {
        self.ours
    }
    /// Their tie, 0..5.
    async fn theirs(&self) -> f64 {
        self.theirs
    }
}

/// What threatens an opportunity's relationships.
#[derive(SimpleObject)]
pub struct OpportunityRisks {
    /// Key people we reach through one employee only, or not at all.
    pub single_threaded: Vec<Thread>,
    /// Key people where a competitor's hold beats ours.
    pub competitor_ahead: Vec<Ahead>,
}

/// What a hop goes through.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum HopKind {
    /// Our employee's tie to a customer person.
    Tie,
    /// A tie between two of our employees.
    Colleague,
    /// One customer person influences the other.
    Influence,
    /// An informal tie between customer people.
    Informal,
    /// A solid reporting line (either direction).
    ReportsTo,
    /// A dotted reporting line (either direction).
    DottedLine,
}

/// One step of an introduction path.
#[Object]
impl PathHop {
    async fn kind(&self) -> HopKind {
        match self.via {
            Via::Tie(_) => HopKind::Tie,
            Via::Colleague(_) => HopKind::Colleague,
            Via::Influence(_) => HopKind::Influence,
            Via::Informal(_) => HopKind::Informal,
            Via::ReportsTo { dotted: false } => HopKind::ReportsTo,
            Via::ReportsTo { dotted: true } => HopKind::DottedLine,
        }
    }
    /// The edge's strength, 0..5 (effective strength for our ties).
    async fn strength(&self) -> f64 {
        self.strength
    }
    /// `hop_factor × strength / 5`: what this hop multiplies the path by.
    async fn factor(&self) -> f64 {
        self.factor
    }
    async fn relationship_id(&self) -> Option<ID> {
        match self.via {
            Via::Tie(r) | Via::Colleague(r) | Via::Influence(r) | Via::Informal(r) => Some(id(r)),
            Via::ReportsTo { .. } => None,
        }
    }
    #[graphql(name = "fromEmployee")]
    async fn source_employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        match self.from {
            NodeKey::Employee(e) => employee_of(ctx, Some(e)).await,
            NodeKey::Person(_) => Ok(None),
        }
    }
    #[graphql(name = "fromPerson")]
    async fn source_person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.from {
            NodeKey::Person(p) => person_of(ctx, Some(p)).await,
            NodeKey::Employee(_) => Ok(None),
        }
    }
    async fn to_employee(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        match self.to {
            NodeKey::Employee(e) => employee_of(ctx, Some(e)).await,
            NodeKey::Person(_) => Ok(None),
        }
    }
    async fn to_person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.to {
            NodeKey::Person(p) => person_of(ctx, Some(p)).await,
            NodeKey::Employee(_) => Ok(None),
        }
    }
}

/// Who should ask whom: a path from one of our employees to a customer person.
#[Object]
impl IntroductionPath {
    /// `Π hop_factor × strength / 5` over the hops, in (0, 1].
    async fn strength(&self) -> f64 {
        self.strength
    }
    /// The employee who asks.
    async fn asker(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, Some(self.asker)).await
    }
    /// The employee whose tie crosses into the customer.
    async fn entry(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, Some(self.entry)).await
    }
    async fn hops(&self) -> &[PathHop] {
        &self.hops
    }
    /// The path as a sentence.
    async fn description(&self, ctx: &Context<'_>) -> Result<String> {
        let mut names = Vec::with_capacity(self.hops.len() + 1);
        let name = |k: NodeKey| async move {
            match k {
                NodeKey::Employee(e) => store(ctx).employee(e).await.map(|e| e.map(|e| e.name)),
                NodeKey::Person(p) => store(ctx).person(p).await.map(|p| p.map(|p| p.name)),
            }
        };
        if let Some(first) = self.hops.first() {
            names.push(name(first.from).await.coded()?.unwrap_or_default());
        }
        for h in &self.hops {
            names.push(name(h.to).await.coded()?.unwrap_or_default());
        }
        Ok(format!(
            "{} ({:.0}%)",
            names.join(" → "),
            self.strength * 100.0
        ))
    }
}

/// How one score moves under a what-if.
#[Object]
impl ScoreChange {
    /// `keyPerson`, `decisionChain`, `account`, `employee`, `ourCompany` or `competitor`.
    async fn dimension(&self) -> &str {
        self.dimension
    }
    async fn before(&self) -> f64 {
        self.before
    }
    async fn after(&self) -> f64 {
        self.after
    }
    /// `before - after`; positive is a loss.
    async fn drop(&self) -> f64 {
        self.before - self.after
    }
}

/// An opportunity's scores under a what-if.
#[Object]
impl OpportunityImpact {
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        store(ctx).opportunity(self.opportunity).await.coded()
    }
    /// The scores that change.
    async fn changes(&self) -> &[ScoreChange] {
        &self.changes
    }
}

/// A key person whose best introduction path weakens or goes.
#[Object]
impl LostPath {
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.person)).await
    }
    /// Best path strength before.
    async fn before(&self) -> f64 {
        self.before
    }
    /// Best path strength after; 0 when no path is left.
    async fn after(&self) -> f64 {
        self.after
    }
}

/// What a what-if does to one account, with each open deal's whole story.
pub struct ImpactG {
    pub impact: Impact,
    pub deals: Vec<Story>,
}

/// What a what-if does to one account. Nothing stored changes.
#[Object(name = "Impact")]
impl ImpactG {
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        store(ctx).account(self.impact.account).await.coded()
    }
    /// The account score before and after.
    async fn account_before(&self) -> f64 {
        self.impact.account_before
    }
    async fn account_after(&self) -> f64 {
        self.impact.account_after
    }
    /// Open opportunities whose scores change.
    async fn opportunities(&self) -> &[OpportunityImpact] {
        &self.impact.opportunities
    }
    /// Key people whose best introduction path weakens or goes.
    async fn lost_paths(&self) -> &[LostPath] {
        &self.impact.lost_paths
    }
    /// Key people only the departing employee reaches (departures only).
    async fn sole_key_people(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let mut out = Vec::with_capacity(self.impact.sole_people.len());
        for p in &self.impact.sole_people {
            if let Some(person) = person_of(ctx, Some(*p)).await? {
                out.push(person);
            }
        }
        Ok(out)
    }
    /// Every open deal whose picture moves: the six scores, health, the win
    /// probability and forecast category, the four questions and the top three
    /// prompts, before and after, and why anything rose (docs/scoring.md, "The
    /// whole story").
    async fn deals(&self) -> Vec<DealWhatIf<'_>> {
        self.deals.iter().map(DealWhatIf).collect()
    }
}

/// One open deal under a what-if.
pub struct DealWhatIf<'a>(&'a Story);

#[Object]
impl DealWhatIf<'_> {
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        store(ctx).opportunity(self.0.opportunity).await.coded()
    }
    async fn before(&self) -> DealPicture<'_> {
        DealPicture(&self.0.before)
    }
    async fn after(&self) -> DealPicture<'_> {
        DealPicture(&self.0.after)
    }
    /// All six scores, before and after.
    async fn scores(&self) -> Vec<ScoreChange> {
        self.0
            .before
            .scores
            .iter()
            .zip(self.0.after.scores.iter())
            .map(|(b, a)| ScoreChange {
                dimension: b.0,
                before: b.1,
                after: a.1,
            })
            .collect()
    }
    /// The measures that rise (score names, `health`, `winProbability`); empty
    /// when nothing does.
    async fn rises(&self) -> &[&'static str] {
        &self.0.rises
    }
    /// Why they rise, in the language asked for.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// A deal as one side of a what-if shows it.
pub struct DealPicture<'a>(&'a Picture);

/// One of the four questions and its answer (recorded, else suggested).
#[derive(SimpleObject)]
pub struct QuestionAnswer {
    pub question: String,
    /// `yes`, `no` or `unknown`.
    pub answer: &'static str,
}

#[Object]
impl DealPicture<'_> {
    async fn key_person(&self) -> f64 {
        self.0.scores[0].1
    }
    async fn decision_chain(&self) -> f64 {
        self.0.scores[1].1
    }
    async fn account(&self) -> f64 {
        self.0.scores[2].1
    }
    async fn employee(&self) -> f64 {
        self.0.scores[3].1
    }
    async fn our_company(&self) -> f64 {
        self.0.scores[4].1
    }
    async fn competitor(&self) -> f64 {
        self.0.scores[5].1
    }
    /// 0..100.
    async fn health(&self) -> f64 {
        self.0.health
    }
    async fn win_probability(&self) -> f64 {
        self.0.probability
    }
    /// A category id of forecast.toml.
    async fn category(&self) -> &str {
        &self.0.category
    }
    async fn questions(&self) -> Vec<QuestionAnswer> {
        self.0
            .answers
            .iter()
            .map(|(q, a)| QuestionAnswer {
                question: q.clone(),
                answer: a,
            })
            .collect()
    }
    /// The top three coaching prompts.
    async fn prompts(&self) -> Vec<super::advice::CoachingPrompt> {
        self.0
            .prompts
            .iter()
            .cloned()
            .map(super::advice::CoachingPrompt)
            .collect()
    }
}

/// What an employee's departure would cost.
#[derive(SimpleObject)]
pub struct DepartureImpact {
    pub employee: Employee,
    /// Their planned leaving day, when one is recorded: what is handed over must
    /// be handed over before it.
    pub leaving_on: Option<time::Date>,
    /// One entry per account where the employee has ties.
    pub accounts: Vec<ImpactG>,
    /// On every open deal, each customer person they hold by a real tie and who
    /// of ours should take them over.
    pub handover: Vec<Handover>,
}

/// One tie to hand over before someone leaves.
pub struct Handover(pub crate::engine::Handover);

#[Object]
impl Handover {
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        store(ctx).opportunity(self.0.opportunity).await.coded()
    }
    /// The customer person whose tie is handed over.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person)).await
    }
    /// Who of ours takes them over: an AR of the deal's team who stays, else the
    /// owner, else anyone staying on the team, else the strongest other tie who
    /// stays; null when nobody does yet.
    async fn to(&self, ctx: &Context<'_>) -> Result<Option<Employee>> {
        employee_of(ctx, self.0.to).await
    }
}
