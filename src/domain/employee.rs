use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{optional_text, Email, EmployeeStatus, Name, MAX_SHORT_TEXT};
use crate::{methodology::Methodology, Error, Result};

/// One of our people.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Employee {
    /// Raised by every update; an editor sends the one they read (optimistic
    /// concurrency).
    pub revision: i64,
    pub employee_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: Option<String>,
    pub status: String,
    pub departed_on: Option<Date>,
    /// Support engagements per month this person can take on across every support
    /// resource they stand behind; `None` sets no limit beyond the resources' own.
    pub support_limit: Option<i32>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The day they leave, when planned: active until then, and the coaching asks
    /// them to hand over before it.
    pub leaving_on: Option<Date>,
}

impl Employee {
    pub fn is_active(&self) -> bool {
        self.status == EmployeeStatus::Active.as_str()
    }

    pub fn patched(&self, p: EmployeePatch) -> EmployeeInput {
        let status = p.status.unwrap_or_else(|| self.status.clone());
        // Reinstating someone clears the departure date unless one is given.
        let departed_on = match (&p.departed_on, status.as_str()) {
            (Some(d), _) => Some(*d),
            (None, "active") => None,
            (None, _) => self.departed_on,
        };
        EmployeeInput {
            // Recording the departure ends the plan to leave.
            leaving_on: match p.leaving_on {
                Some(v) => v,
                None if status == EmployeeStatus::Departed.as_str() => None,
                None => self.leaving_on,
            },
            name: p.name.unwrap_or_else(|| self.name.clone()),
            email: p.email.unwrap_or_else(|| self.email.clone()),
            role: p.role.unwrap_or_else(|| self.role.clone()),
            team: p.team.or_else(|| self.team.clone()),
            status,
            departed_on,
            support_limit: p.support_limit.unwrap_or(self.support_limit.map(i64::from)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EmployeeInput {
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: Option<String>,
    /// `active` or `departed`.
    pub status: String,
    pub departed_on: Option<Date>,
    pub support_limit: Option<i64>,
    /// A planned leaving day (active until then).
    pub leaving_on: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct EmployeePatch {
    /// The revision the editor read; a stale one is refused with `CONFLICT`.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub team: Option<String>,
    pub status: Option<String>,
    pub departed_on: Option<Date>,
    /// `Some(None)` clears the limit.
    pub support_limit: Option<Option<i64>>,
    /// `Some(None)` clears a planned leaving day (they stay).
    pub leaving_on: Option<Option<Date>>,
}

#[derive(Debug, Clone)]
pub struct ValidEmployee {
    pub name: Name,
    pub email: Email,
    pub role: String,
    pub team: Option<String>,
    pub status: EmployeeStatus,
    pub departed_on: Option<Date>,
    pub support_limit: Option<i32>,
    pub leaving_on: Option<Date>,
}

impl EmployeeInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidEmployee> {
        let status = EmployeeStatus::parse("status", &self.status)?;
        let departed_on = match (status, self.departed_on) {
            (EmployeeStatus::Active, Some(_)) => {
                return Err(Error::invalid(
                    "departedOn",
                    "an active employee has no departure date; set status to departed",
                ))
            }
            (EmployeeStatus::Active, None) => None,
            (EmployeeStatus::Departed, d) => Some(super::dates::day(
                "departedOn",
                d.unwrap_or_else(super::today),
            )?),
        };
        let support_limit = match self.support_limit {
            Some(l) if !(0..=1_000).contains(&l) => {
                return Err(Error::invalid(
                    "supportLimit",
                    format!("must be between 0 and 1000 engagements per month, got {l}"),
                ))
            }
            l => l.map(|l| l as i32),
        };
        let leaving_on = super::dates::optional_day("leavingOn", self.leaving_on)?;
        if leaving_on.is_some() && status == EmployeeStatus::Departed {
            return Err(Error::invalid(
                "leavingOn",
                "a departed employee has already left; give departedOn instead",
            ));
        }
        Ok(ValidEmployee {
            leaving_on,
            name: Name::parse("name", &self.name)?,
            email: Email::parse("email", &self.email)?,
            role: m.vocabularies.employee_roles.check("role", &self.role)?,
            team: optional_text("team", self.team.as_deref(), MAX_SHORT_TEXT)?,
            status,
            departed_on,
            support_limit,
        })
    }
}
