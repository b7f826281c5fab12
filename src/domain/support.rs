use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{optional_text, Name, SupportStatus, YearMonth, MAX_NOTE_CHARS, MAX_SHORT_TEXT};
use crate::{methodology::Methodology, Error, Result};

/// Something scarce to allocate across opportunities: an executive's time, an
/// expert, a lab, a budget.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportResource {
    pub support_resource_id: Uuid,
    pub name: String,
    pub kind: String,
    /// Units available per period.
    pub capacity: i32,
    /// What a unit is ("days per month", "visits per quarter").
    pub unit: Option<String>,
    /// The employee behind it, for experts and executives.
    pub employee_id: Option<Uuid>,
    /// Industry ids it serves, comma-separated; empty: every industry.
    pub industries: String,
    /// Skill tags it brings, comma-separated.
    pub skills: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The tags of a comma-separated column.
pub fn tags(joined: &str) -> Vec<String> {
    joined
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Skill tags as stored: trimmed, lower case, each 1..40 characters of letters,
/// digits, `_`, `-` or spaces, at most 20, without repeats, sorted.
pub fn skill_tags(field: &str, given: &[String]) -> Result<String> {
    let mut out: Vec<String> = Vec::new();
    for g in given {
        let t = g.trim().to_lowercase();
        let ok = (1..=40).contains(&t.chars().count())
            && t.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ');
        if !ok {
            return Err(Error::invalid(
                field,
                format!("'{g}' is not a skill tag: 1 to 40 letters, digits, '_', '-' or spaces"),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 20 {
        return Err(Error::invalid(
            field,
            format!("at most 20 skills, got {}", out.len()),
        ));
    }
    out.sort();
    Ok(out.join(","))
}

impl SupportRequest {
    /// The skills the support must bring.
    pub fn skill_list(&self) -> Vec<String> {
        tags(&self.skills)
    }
}

impl SupportResource {
    pub fn industry_list(&self) -> Vec<String> {
        tags(&self.industries)
    }
    pub fn skill_list(&self) -> Vec<String> {
        tags(&self.skills)
    }
}

#[derive(Debug, Clone, Default)]
pub struct SupportResourceInput {
    pub name: String,
    pub kind: String,
    pub capacity: i64,
    pub unit: Option<String>,
    pub employee_id: Option<Uuid>,
    /// Industry ids it serves; none: every industry.
    pub industries: Vec<String>,
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SupportResourcePatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub capacity: Option<i64>,
    pub unit: Option<String>,
    pub employee_id: Option<Uuid>,
    pub industries: Option<Vec<String>>,
    pub skills: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct ValidSupportResource {
    pub name: Name,
    pub kind: String,
    pub capacity: i32,
    pub unit: Option<String>,
    pub employee_id: Option<Uuid>,
    pub industries: String,
    pub skills: String,
}

impl SupportResourceInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidSupportResource> {
        if !(0..=100_000).contains(&self.capacity) {
            return Err(Error::invalid(
                "capacity",
                format!(
                    "must be between 0 and 100000 units per period, got {}",
                    self.capacity
                ),
            ));
        }
        Ok(ValidSupportResource {
            name: Name::parse("name", &self.name)?,
            kind: m
                .vocabularies
                .support_resource_kinds
                .check("kind", &self.kind)?,
            capacity: self.capacity as i32,
            unit: optional_text("unit", self.unit.as_deref(), MAX_SHORT_TEXT)?,
            employee_id: self.employee_id,
            industries: {
                let mut ids = Vec::new();
                for i in &self.industries {
                    let id = m.vocabularies.industries.check("industries", i)?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                ids.sort();
                ids.join(",")
            },
            skills: skill_tags("skills", &self.skills)?,
        })
    }
}

impl SupportResource {
    pub fn patched(&self, p: SupportResourcePatch) -> SupportResourceInput {
        SupportResourceInput {
            name: p.name.unwrap_or_else(|| self.name.clone()),
            kind: p.kind.unwrap_or_else(|| self.kind.clone()),
            capacity: p.capacity.unwrap_or(i64::from(self.capacity)),
            unit: p.unit.or_else(|| self.unit.clone()),
            employee_id: p.employee_id.or(self.employee_id),
            industries: p.industries.unwrap_or_else(|| self.industry_list()),
            skills: p.skills.unwrap_or_else(|| self.skill_list()),
        }
    }
}

/// A request for support on one opportunity, and what was decided.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportRequest {
    /// Raised by every update; an editor sends the one they read (optimistic
    /// concurrency).
    pub revision: i64,
    pub support_request_id: Uuid,
    pub opportunity_id: Uuid,
    pub account_id: Uuid,
    pub kind: String,
    /// A particular resource asked for; any resource of the kind when `None`.
    pub resource_id: Option<Uuid>,
    pub units: i32,
    /// The last day the support is still useful.
    pub needed_by: Date,
    /// The requester's own estimate of the lift; the methodology's when `None`.
    pub lift: Option<f64>,
    pub requested_by: Option<Uuid>,
    pub note: Option<String>,
    pub status: String,
    pub granted_resource_id: Option<Uuid>,
    /// `YYYY-MM`: the month the granted units are booked in.
    pub granted_month: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_on: Option<Date>,
    pub decision_note: Option<String>,
    pub methodology_version: String,
    /// Skill tags the support must bring, comma-separated.
    pub skills: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl SupportRequest {
    pub fn current_status(&self) -> SupportStatus {
        SupportStatus::parse("status", &self.status).unwrap_or(SupportStatus::Requested)
    }

    /// The month its units are booked in, when granted or done.
    pub fn booked_month(&self) -> Option<YearMonth> {
        match self.current_status() {
            SupportStatus::Granted | SupportStatus::Done => self
                .granted_month
                .as_deref()
                .and_then(|m| YearMonth::parse("grantedMonth", m).ok()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SupportRequestInput {
    pub opportunity_id: Uuid,
    pub kind: String,
    pub resource_id: Option<Uuid>,
    pub units: i64,
    pub needed_by: Option<Date>,
    pub lift: Option<f64>,
    pub requested_by: Option<Uuid>,
    pub note: Option<String>,
    /// Skills the support must bring; a resource lacking one cannot serve it.
    pub skills: Vec<String>,
}

/// Changes to a request still waiting for a decision; fields left out keep their
/// value.
#[derive(Debug, Clone, Default)]
pub struct SupportRequestPatch {
    /// The revision the editor read; a stale one is refused with `CONFLICT`.
    pub expected_revision: Option<i64>,
    pub resource_id: Option<Option<Uuid>>,
    pub units: Option<i64>,
    pub needed_by: Option<Date>,
    pub lift: Option<Option<f64>>,
    pub note: Option<String>,
    pub skills: Option<Vec<String>>,
}

impl SupportRequest {
    pub fn patched(&self, p: SupportRequestPatch) -> SupportRequestInput {
        SupportRequestInput {
            opportunity_id: self.opportunity_id,
            kind: self.kind.clone(),
            resource_id: p.resource_id.unwrap_or(self.resource_id),
            units: p.units.unwrap_or(i64::from(self.units)),
            needed_by: Some(p.needed_by.unwrap_or(self.needed_by)),
            lift: p.lift.unwrap_or(self.lift),
            requested_by: self.requested_by,
            note: p.note.or_else(|| self.note.clone()),
            skills: p.skills.unwrap_or_else(|| tags(&self.skills)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ValidSupportRequest {
    pub opportunity_id: Uuid,
    pub kind: String,
    pub resource_id: Option<Uuid>,
    pub units: i32,
    pub needed_by: Date,
    pub lift: Option<f64>,
    pub requested_by: Option<Uuid>,
    pub note: Option<String>,
    pub skills: String,
}

impl SupportRequestInput {
    pub fn validate(&self, m: &Methodology, today: Date) -> Result<ValidSupportRequest> {
        if !(1..=10_000).contains(&self.units) {
            return Err(Error::invalid(
                "units",
                format!("must be between 1 and 10000, got {}", self.units),
            ));
        }
        if let Some(l) = self.lift {
            if !(0.0..=1.0).contains(&l) || l.is_nan() {
                return Err(Error::invalid(
                    "lift",
                    format!("is a rise in the chance of winning, between 0 and 1; got {l}"),
                ));
            }
        }
        let needed_by = self.needed_by.unwrap_or_else(|| {
            // Without a deadline the request is for the rest of this month.
            let next = YearMonth::of(today).next().first_day();
            next.previous_day().unwrap_or(today)
        });
        Ok(ValidSupportRequest {
            opportunity_id: self.opportunity_id,
            kind: m
                .vocabularies
                .support_resource_kinds
                .check("kind", &self.kind)?,
            resource_id: self.resource_id,
            units: self.units as i32,
            needed_by: super::dates::day("neededBy", needed_by)?,
            lift: self.lift,
            requested_by: self.requested_by,
            note: optional_text("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
            skills: skill_tags("skills", &self.skills)?,
        })
    }
}

/// What a decider says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportDecision {
    /// Book a resource for a month.
    Grant,
    Decline,
    /// The granted support was given.
    Done,
    /// The requester withdrew it.
    Cancel,
}

#[derive(Debug, Clone)]
pub struct SupportDecisionInput {
    pub decision: SupportDecision,
    /// For a grant: the resource; the requested one when `None`.
    pub resource_id: Option<Uuid>,
    /// For a grant: the month booked; the deadline's month when `None`.
    pub month: Option<String>,
    pub decided_by: Option<Uuid>,
    pub note: Option<String>,
}

impl SupportDecision {
    /// The status a decision leads to, if allowed from `from`.
    pub fn next(self, from: SupportStatus) -> Result<SupportStatus> {
        use SupportStatus as S;
        let to = match self {
            SupportDecision::Grant => S::Granted,
            SupportDecision::Decline => S::Declined,
            SupportDecision::Done => S::Done,
            SupportDecision::Cancel => S::Cancelled,
        };
        let allowed = matches!(
            (from, to),
            (S::Requested, S::Granted | S::Declined | S::Cancelled)
                | (S::Granted, S::Done | S::Cancelled | S::Declined)
                // A declined request may be reconsidered when capacity frees up.
                | (S::Declined, S::Granted)
        );
        if allowed {
            Ok(to)
        } else {
            Err(Error::invalid(
                "decision",
                format!("a {} request cannot be {}", from.as_str(), to.as_str()),
            ))
        }
    }
}
