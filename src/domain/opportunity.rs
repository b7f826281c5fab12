use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{currency, optional_text, Amount, BudgetStatus, Name, Outcome, MAX_NOTE_CHARS};
use crate::{methodology::Methodology, Error, Result};

/// A deal at one account.
#[derive(Debug, Clone, serde::Serialize)]
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
    /// `confirmed`, `unconfirmed` or `unknown` ([`BudgetStatus`]).
    pub budget_status: String,
    /// The budget the customer has for it, in minor units of the deal's currency.
    pub budget_amount_minor: Option<i64>,
    /// When the budget was confirmed.
    pub budget_confirmed_on: Option<Date>,
    /// What makes the customer act by a date (a regulation, a go-live, a tender).
    pub compelling_event: Option<String>,
    pub compelling_event_by: Option<Date>,
}

/// The budget as an editor gives it; a field left out keeps what was recorded.
#[derive(Debug, Clone, Default)]
pub struct BudgetInput {
    /// `confirmed`, `unconfirmed` or `unknown`.
    pub status: Option<String>,
    /// In major units of the deal's currency.
    pub amount: Option<f64>,
    pub confirmed_on: Option<Date>,
}

/// The compelling event as an editor gives it; a field left out keeps what was
/// recorded.
#[derive(Debug, Clone, Default)]
pub struct CompellingEventInput {
    pub what: Option<String>,
    pub by: Option<Date>,
}

/// The longest a compelling event's description may be.
pub const MAX_EVENT_CHARS: usize = 200;

/// One step of an opportunity's history: a stage entered, or an outcome reached.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
    pub budget: Option<BudgetInput>,
    pub compelling_event: Option<CompellingEventInput>,
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
    pub budget: Option<BudgetInput>,
    pub compelling_event: Option<CompellingEventInput>,
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
    pub budget_status: BudgetStatus,
    pub budget_amount: Option<Amount>,
    pub budget_confirmed_on: Option<Date>,
    pub compelling_event: Option<String>,
    pub compelling_event_by: Option<Date>,
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
        let budget = self.budget.clone().unwrap_or_default();
        let budget_status = match &budget.status {
            Some(s) => BudgetStatus::parse("budget.status", &s.to_ascii_lowercase())?,
            None => BudgetStatus::Unknown,
        };
        let budget_confirmed_on = budget
            .confirmed_on
            .map(|d| super::dates::past_day("budget.confirmedOn", d, super::today()))
            .transpose()?;
        if budget_confirmed_on.is_some() && budget_status != BudgetStatus::Confirmed {
            return Err(Error::invalid(
                "budget.confirmedOn",
                format!(
                    "only a confirmed budget has a confirmation date; the status is {}",
                    budget_status.as_str().to_uppercase()
                ),
            ));
        }
        let event = self.compelling_event.clone().unwrap_or_default();
        let compelling_event = optional_text(
            "compellingEvent.what",
            event.what.as_deref(),
            MAX_EVENT_CHARS,
        )?;
        let compelling_event_by = super::dates::optional_day("compellingEvent.by", event.by)?;
        if compelling_event_by.is_some() && compelling_event.is_none() {
            return Err(Error::invalid(
                "compellingEvent.what",
                "say what the event is when giving its date",
            ));
        }
        Ok(ValidOpportunity {
            budget_status,
            budget_amount: budget
                .amount
                .map(|a| Amount::from_major("budget.amount", a))
                .transpose()?,
            budget_confirmed_on,
            compelling_event,
            compelling_event_by,
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
            budget: Some(self.budget_patched(p.budget)),
            compelling_event: Some(match p.compelling_event {
                Some(e) => CompellingEventInput {
                    what: e.what.or_else(|| self.compelling_event.clone()),
                    by: e.by.or(self.compelling_event_by),
                },
                None => CompellingEventInput {
                    what: self.compelling_event.clone(),
                    by: self.compelling_event_by,
                },
            }),
        }
    }

    /// The recorded budget with a patch's fields over it. A new status other than
    /// confirmed drops the old confirmation date (it no longer holds).
    fn budget_patched(&self, p: Option<BudgetInput>) -> BudgetInput {
        let recorded = BudgetInput {
            status: Some(self.budget_status.clone()),
            amount: self
                .budget_amount_minor
                .map(|m| Amount::from_minor(m).major()),
            confirmed_on: self.budget_confirmed_on,
        };
        let Some(p) = p else { return recorded };
        let status = p.status.or(recorded.status);
        let confirmed = status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("confirmed"));
        BudgetInput {
            amount: p.amount.or(recorded.amount),
            confirmed_on: p
                .confirmed_on
                .or(recorded.confirmed_on.filter(|_| confirmed)),
            status,
        }
    }

    /// The budget status as the enum (unknown for anything unreadable).
    pub fn budget_status(&self) -> BudgetStatus {
        BudgetStatus::parse("budgetStatus", &self.budget_status).unwrap_or(BudgetStatus::Unknown)
    }
}
