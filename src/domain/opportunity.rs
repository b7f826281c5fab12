use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{currency, optional_text, Amount, Name, Outcome, MAX_NOTE_CHARS};
use crate::{methodology::Methodology, Error, Result};

/// A deal at one account.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Opportunity {
    /// Raised by every update; an editor sends the one they read (optimistic
    /// concurrency).
    pub revision: i64,
    pub opportunity_id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub stage: String,
    pub expected_sign_date: Option<Date>,
    pub outcome: String,
    pub owner_id: Option<Uuid>,
    pub note: Option<String>,
    /// The methodology version the stage was last set under.
    pub methodology_version: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One step of an opportunity's history: a stage entered, or an outcome reached.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StageChange {
    pub stage_change_id: Uuid,
    pub opportunity_id: Uuid,
    pub stage: String,
    pub outcome: String,
    pub entered_on: Date,
    pub changed_by: Option<Uuid>,
    pub note: Option<String>,
    pub methodology_version: String,
    /// Set when the change went past unmet exit criteria: why.
    pub override_reason: Option<String>,
}

/// One of our employees working a deal, and their part in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamMember {
    pub opportunity_id: Uuid,
    pub employee_id: Uuid,
    /// An id from the methodology's `employee_roles`: their part on this deal,
    /// which need not be their job title (an expert acting as SR).
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMemberInput {
    pub employee_id: Uuid,
    pub role: String,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityInput {
    pub account_id: Uuid,
    pub name: String,
    /// In major units of `currency`.
    pub amount: f64,
    pub currency: String,
    pub stage: String,
    pub expected_sign_date: Option<Date>,
    /// `open`, `won` or `lost`; open if not given.
    pub outcome: Option<String>,
    pub owner_id: Option<Uuid>,
    pub competitor_ids: Option<Vec<Uuid>>,
    /// Our team on the deal; `None` keeps it as it is.
    pub team: Option<Vec<TeamMemberInput>>,
    pub note: Option<String>,
    /// When the current stage (or outcome) was entered; today if not given.
    pub changed_on: Option<Date>,
    /// Who moved the deal (an employee), for the history.
    pub changed_by: Option<Uuid>,
    /// Why the stage changed although its exit criteria were not met.
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityPatch {
    /// The revision the editor read; a stale one is refused with `CONFLICT`.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub stage: Option<String>,
    pub expected_sign_date: Option<Date>,
    pub outcome: Option<String>,
    pub owner_id: Option<Uuid>,
    pub competitor_ids: Option<Vec<Uuid>>,
    pub team: Option<Vec<TeamMemberInput>>,
    pub note: Option<String>,
    pub changed_on: Option<Date>,
    pub changed_by: Option<Uuid>,
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidOpportunity {
    pub account_id: Uuid,
    pub name: Name,
    pub amount: Amount,
    pub currency: String,
    pub stage: String,
    pub expected_sign_date: Option<Date>,
    pub outcome: Outcome,
    pub owner_id: Option<Uuid>,
    /// `None` keeps the competitors in play as they are.
    pub competitor_ids: Option<Vec<Uuid>>,
    /// `None` keeps the team as it is.
    pub team: Option<Vec<TeamMemberInput>>,
    pub note: Option<String>,
    pub changed_on: Date,
    pub changed_by: Option<Uuid>,
    pub override_reason: Option<String>,
}

impl OpportunityInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidOpportunity> {
        let v = &m.vocabularies;
        if let Some(ids) = &self.competitor_ids {
            let mut seen = std::collections::HashSet::new();
            if let Some(dup) = ids.iter().find(|id| !seen.insert(**id)) {
                return Err(Error::invalid(
                    "competitorIds",
                    format!("competitor {dup} is listed twice"),
                ));
            }
        }
        if let Some(team) = &self.team {
            let mut seen = std::collections::HashSet::new();
            for (i, m) in team.iter().enumerate() {
                if !seen.insert(m.employee_id) {
                    return Err(Error::invalid(
                        format!("team[{i}].employeeId"),
                        "this employee is listed twice; give each one part",
                    ));
                }
                v.employee_roles
                    .check(&format!("team[{i}].role"), &m.role)?;
            }
        }
        Ok(ValidOpportunity {
            account_id: self.account_id,
            name: Name::parse("name", &self.name)?,
            amount: Amount::from_major("amount", self.amount)?,
            currency: currency("currency", &self.currency, &v.currencies)?,
            stage: v.stage_terms.check("stage", &self.stage)?,
            expected_sign_date: super::dates::optional_day(
                "expectedSignDate",
                self.expected_sign_date,
            )?,
            outcome: match &self.outcome {
                Some(o) => Outcome::parse("outcome", o)?,
                None => Outcome::Open,
            },
            owner_id: self.owner_id,
            competitor_ids: self.competitor_ids.clone(),
            team: self.team.clone(),
            note: optional_text("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
            changed_on: super::dates::day(
                "changedOn",
                self.changed_on.unwrap_or_else(super::today),
            )?,
            changed_by: self.changed_by,
            override_reason: optional_text(
                "overrideReason",
                self.override_reason.as_deref(),
                MAX_NOTE_CHARS,
            )?,
        })
    }
}

impl Opportunity {
    pub fn amount(&self) -> Amount {
        Amount::from_minor(self.amount_minor)
    }

    pub fn patched(&self, p: OpportunityPatch) -> OpportunityInput {
        OpportunityInput {
            account_id: self.account_id,
            name: p.name.unwrap_or_else(|| self.name.clone()),
            amount: p.amount.unwrap_or_else(|| self.amount().major()),
            currency: p.currency.unwrap_or_else(|| self.currency.clone()),
            stage: p.stage.unwrap_or_else(|| self.stage.clone()),
            expected_sign_date: p.expected_sign_date.or(self.expected_sign_date),
            outcome: Some(p.outcome.unwrap_or_else(|| self.outcome.clone())),
            owner_id: p.owner_id.or(self.owner_id),
            competitor_ids: p.competitor_ids,
            team: p.team,
            note: p.note.or_else(|| self.note.clone()),
            changed_on: p.changed_on,
            changed_by: p.changed_by,
            override_reason: p.override_reason,
        }
    }
}
