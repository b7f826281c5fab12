use time::OffsetDateTime;
use uuid::Uuid;

use super::{optional_text, Name, MAX_SHORT_TEXT};
use crate::{methodology::Methodology, Error, Result};

/// Something scarce to allocate across opportunities: an executive's time, an
/// expert, a lab, a budget.
#[derive(Debug, Clone, sqlx::FromRow)]
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
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct SupportResourceInput {
    pub name: String,
    pub kind: String,
    pub capacity: i64,
    pub unit: Option<String>,
    pub employee_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct SupportResourcePatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub capacity: Option<i64>,
    pub unit: Option<String>,
    pub employee_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct ValidSupportResource {
    pub name: Name,
    pub kind: String,
    pub capacity: i32,
    pub unit: Option<String>,
    pub employee_id: Option<Uuid>,
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
        }
    }
}
