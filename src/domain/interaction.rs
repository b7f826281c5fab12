use super::Phrase;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{optional_text, MAX_NOTE_CHARS, MAX_SHORT_TEXT};
use crate::{methodology::Methodology, Error, Result};

/// A visit, call, meal, event... Evidence that keeps relationships warm.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Interaction {
    pub interaction_id: Uuid,
    pub account_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub kind: String,
    pub occurred_on: Date,
    pub subject: Option<String>,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct InteractionInput {
    pub account_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub kind: String,
    pub occurred_on: Option<Date>,
    pub subject: Option<String>,
    pub note: Option<String>,
    pub employee_ids: Vec<Uuid>,
    pub person_ids: Vec<Uuid>,
}

/// Fields to change; `None` keeps the current value. Participant lists replace the
/// current ones.
#[derive(Debug, Clone, Default)]
pub struct InteractionPatch {
    pub opportunity_id: Option<Uuid>,
    pub kind: Option<String>,
    pub occurred_on: Option<Date>,
    pub subject: Option<String>,
    pub note: Option<String>,
    pub employee_ids: Option<Vec<Uuid>>,
    pub person_ids: Option<Vec<Uuid>>,
}

impl Interaction {
    pub fn patched(
        &self,
        p: InteractionPatch,
        employee_ids: Vec<Uuid>,
        person_ids: Vec<Uuid>,
    ) -> InteractionInput {
        InteractionInput {
            account_id: self.account_id,
            opportunity_id: p.opportunity_id.or(self.opportunity_id),
            kind: p.kind.unwrap_or_else(|| self.kind.clone()),
            occurred_on: Some(p.occurred_on.unwrap_or(self.occurred_on)),
            subject: p.subject.or_else(|| self.subject.clone()),
            note: p.note.or_else(|| self.note.clone()),
            employee_ids: p.employee_ids.unwrap_or(employee_ids),
            person_ids: p.person_ids.unwrap_or(person_ids),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ValidInteraction {
    pub account_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub kind: String,
    pub occurred_on: Date,
    pub subject: Option<String>,
    pub note: Option<String>,
    pub employee_ids: Vec<Uuid>,
    pub person_ids: Vec<Uuid>,
}

impl InteractionInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidInteraction> {
        if self.employee_ids.is_empty() {
            return Err(Error::invalid_said(
                "employeeIds",
                Phrase::new("error-our-participant"),
            ));
        }
        if self.person_ids.is_empty() {
            return Err(Error::invalid_said(
                "personIds",
                Phrase::new("error-customer-participant"),
            ));
        }
        let occurred_on = super::dates::past_day(
            "occurredOn",
            self.occurred_on.unwrap_or_else(super::today),
            super::today(),
        )?;
        Ok(ValidInteraction {
            account_id: self.account_id,
            opportunity_id: self.opportunity_id,
            kind: m.vocabularies.interaction_kinds.check("kind", &self.kind)?,
            occurred_on,
            subject: optional_text("subject", self.subject.as_deref(), MAX_SHORT_TEXT)?,
            note: optional_text("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
            employee_ids: dedup(&self.employee_ids),
            person_ids: dedup(&self.person_ids),
        })
    }
}

fn dedup(ids: &[Uuid]) -> Vec<Uuid> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}
