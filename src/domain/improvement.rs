//! Improvement points: what a coach or manager asks an account team to do about
//! its relationships ("get a second contact in finance before the proposal"),
//! assigned to one of our people, due by a date, and marked done. They are the
//! coaching record a relationship-planning meeting starts from.

use super::Phrase;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{optional_text, ImprovementStatus, MAX_NOTE_CHARS};
use crate::{Error, Result};

/// Longest text of a point.
pub const MAX_POINT_CHARS: usize = 2000;

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImprovementPoint {
    pub improvement_point_id: Uuid,
    pub account_id: Uuid,
    /// The deal it is about, if it is about one.
    pub opportunity_id: Option<Uuid>,
    pub text: String,
    /// Our employee who is to do it.
    pub owner_id: Option<Uuid>,
    pub due_on: Option<Date>,
    pub status: String,
    /// Who set it (the token's name, or "command line").
    pub set_by: String,
    /// When it was marked done or dropped.
    pub closed_on: Option<Date>,
    pub note: Option<String>,
    pub revision: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl ImprovementPoint {
    pub fn current_status(&self) -> ImprovementStatus {
        ImprovementStatus::parse("status", &self.status).unwrap_or(ImprovementStatus::Open)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImprovementInput {
    pub account_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub text: String,
    pub owner_id: Option<Uuid>,
    pub due_on: Option<Date>,
}

/// Changes to a point; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ImprovementPatch {
    pub expected_revision: Option<i64>,
    pub text: Option<String>,
    pub owner_id: Option<Uuid>,
    pub due_on: Option<Date>,
    pub status: Option<ImprovementStatus>,
    pub note: Option<String>,
    /// The day a status change takes effect (today if left out).
    pub on: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct ValidImprovement {
    pub account_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub text: String,
    pub owner_id: Option<Uuid>,
    pub due_on: Option<Date>,
    pub status: ImprovementStatus,
    pub closed_on: Option<Date>,
    pub note: Option<String>,
}

fn point_text(raw: &str) -> Result<String> {
    optional_text("text", Some(raw), MAX_POINT_CHARS)?
        .ok_or_else(|| Error::invalid_said("text", Phrase::new("error-point-text")))
}

impl ImprovementInput {
    pub fn validate(&self) -> Result<ValidImprovement> {
        Ok(ValidImprovement {
            account_id: self.account_id,
            opportunity_id: self.opportunity_id,
            text: point_text(&self.text)?,
            owner_id: self.owner_id,
            due_on: super::dates::optional_day("dueOn", self.due_on)?,
            status: ImprovementStatus::Open,
            closed_on: None,
            note: None,
        })
    }
}

impl ImprovementPoint {
    /// The point with a patch applied, validated. Closing (done or dropped) stamps
    /// the day; reopening clears it.
    pub fn patched(&self, patch: ImprovementPatch, today: Date) -> Result<ValidImprovement> {
        let status = patch.status.unwrap_or(self.current_status());
        let closed_on = match status {
            ImprovementStatus::Open => None,
            _ if status == self.current_status() => self.closed_on,
            _ => Some(super::dates::day("on", patch.on.unwrap_or(today))?),
        };
        let note = match patch.note {
            Some(n) => optional_text("note", Some(&n), MAX_NOTE_CHARS)?,
            None => self.note.clone(),
        };
        Ok(ValidImprovement {
            account_id: self.account_id,
            opportunity_id: self.opportunity_id,
            text: match &patch.text {
                Some(t) => point_text(t)?,
                None => self.text.clone(),
            },
            owner_id: patch.owner_id.or(self.owner_id),
            due_on: super::dates::optional_day("dueOn", patch.due_on)?.or(self.due_on),
            status,
            closed_on,
            note,
        })
    }
}
