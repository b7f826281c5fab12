use super::Phrase;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{optional_text, Email, LineKind, Name, Phone, MAX_SHORT_TEXT};
use crate::{methodology::Methodology, Error, Result};

/// A customer-side person, at the account they are at now. Earlier positions,
/// including at other accounts, live in [`Position`].
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Raised by every update; an editor sends the one they read (optimistic
    /// concurrency).
    pub revision: i64,
    pub person_id: Uuid,
    pub account_id: Uuid,
    /// As written; Chinese names family name first, no spaces.
    pub name: String,
    pub title: Option<String>,
    pub department: String,
    pub level: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A person's position over a period: where they sat, with which title, at which
/// account. A move closes one position and opens the next, so history stays where
/// it happened.
#[derive(Debug, Clone)]
pub struct Position {
    pub position_id: Uuid,
    pub person_id: Uuid,
    pub account_id: Uuid,
    pub title: Option<String>,
    pub department: String,
    pub level: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

/// A reporting line, solid or dotted, valid over a period.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingLine {
    pub reporting_line_id: Uuid,
    pub account_id: Uuid,
    pub person_id: Uuid,
    pub manager_id: Uuid,
    pub kind: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub account_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub department: String,
    pub level: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Solid-line manager from `since` on.
    pub reports_to: Option<Uuid>,
    /// When this position started; today if not given.
    pub since: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonPatch {
    /// The revision the editor read; a stale one is refused with `CONFLICT`.
    pub expected_revision: Option<i64>,
    /// Moving a person to another account closes their position here.
    pub account_id: Option<Uuid>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub level: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// When a change of position takes effect; today if not given.
    pub since: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct ValidPerson {
    pub account_id: Uuid,
    pub name: Name,
    pub title: Option<String>,
    pub department: String,
    pub level: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub reports_to: Option<Uuid>,
    pub since: Date,
}

impl PersonInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidPerson> {
        let v = &m.vocabularies;
        Ok(ValidPerson {
            account_id: self.account_id,
            name: Name::parse("name", &self.name)?,
            title: optional_text("title", self.title.as_deref(), MAX_SHORT_TEXT)?,
            department: v.departments.check("department", &self.department)?,
            level: v.levels.check("level", &self.level)?,
            email: non_empty(self.email.as_deref())
                .map(|e| Email::parse("email", e))
                .transpose()?,
            phone: non_empty(self.phone.as_deref())
                .map(|p| Phone::parse("phone", p))
                .transpose()?,
            reports_to: self.reports_to,
            since: super::dates::day("since", self.since.unwrap_or_else(super::today))?,
        })
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

impl Person {
    pub fn patched(&self, p: PersonPatch) -> PersonInput {
        PersonInput {
            account_id: p.account_id.unwrap_or(self.account_id),
            name: p.name.unwrap_or_else(|| self.name.clone()),
            title: p.title.or_else(|| self.title.clone()),
            department: p.department.unwrap_or_else(|| self.department.clone()),
            level: p.level.unwrap_or_else(|| self.level.clone()),
            email: p.email.or_else(|| self.email.clone()),
            phone: p.phone.or_else(|| self.phone.clone()),
            reports_to: None,
            since: p.since,
        }
    }

    /// Whether a change moves the person to another seat (account, title,
    /// department or level), which closes the current position.
    pub fn position_changes(&self, to: &ValidPerson) -> bool {
        self.account_id != to.account_id
            || self.title != to.title
            || self.department != to.department
            || self.level != to.level
    }
}

#[derive(Debug, Clone)]
pub struct ReportingLineInput {
    pub person_id: Uuid,
    pub manager_id: Uuid,
    /// `solid` or `dotted`.
    pub kind: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct ValidReportingLine {
    pub person_id: Uuid,
    pub manager_id: Uuid,
    pub kind: LineKind,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl ReportingLineInput {
    pub fn validate(&self) -> Result<ValidReportingLine> {
        if self.person_id == self.manager_id {
            return Err(Error::invalid_said(
                "managerId",
                Phrase::new("error-own-manager"),
            ));
        }
        let valid_from =
            super::dates::day("validFrom", self.valid_from.unwrap_or_else(super::today))?;
        if let Some(to) = super::dates::optional_day("validTo", self.valid_to)? {
            if to < valid_from {
                return Err(Error::invalid(
                    "validTo",
                    format!("ends ({to}) before it starts ({valid_from})"),
                ));
            }
        }
        Ok(ValidReportingLine {
            person_id: self.person_id,
            manager_id: self.manager_id,
            kind: LineKind::parse("kind", &self.kind)?,
            valid_from,
            valid_to: self.valid_to,
        })
    }
}
