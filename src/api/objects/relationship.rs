//! Relationship edges, the judgements behind them, the interactions that keep
//! them warm, and the ties derived from meetings.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use time::{Date, OffsetDateTime};

use crate::api::{
    advice::LangG,
    context::{account_of, competitor_of, employee_of, engine, opportunity_of, person_of, store},
    enums::{stored, AssessmentSourceG, RelationshipKindG, TieKindG},
    error::Coded,
    ids::id,
};
use crate::{
    domain::{
        Account, Assessment, AssessmentSource, Competitor, Employee, Interaction, Opportunity,
        Person, Relationship, RelationshipKind, TieKind,
    },
    methodology::TieHolder,
};

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
