use time::OffsetDateTime;
use uuid::Uuid;

use super::{optional_text, OrganisationName, MAX_SHORT_TEXT};
use crate::{methodology::Methodology, Result};

/// A customer organisation.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Raised by every update; an editor sends the one they read (optimistic
    /// concurrency).
    pub revision: i64,
    pub account_id: Uuid,
    /// Full registered name as entered.
    pub name: String,
    /// Normalised name; unique.
    pub name_key: String,
    pub industry: String,
    pub region: String,
    pub tier: String,
    pub owner_team: Option<String>,
    /// Bumped by every write that touches the account; caches key on it.
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub name: String,
    pub industry: String,
    pub region: String,
    pub tier: String,
    pub owner_team: Option<String>,
}

/// Fields to change; `None` keeps the current value, an empty `owner_team` clears it.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    /// The revision the editor read; a stale one is refused with `CONFLICT`.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub owner_team: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidAccount {
    pub name: OrganisationName,
    pub industry: String,
    pub region: String,
    pub tier: String,
    pub owner_team: Option<String>,
}

impl AccountInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidAccount> {
        let v = &m.vocabularies;
        Ok(ValidAccount {
            name: OrganisationName::parse("name", &self.name)?,
            industry: v.industries.check("industry", &self.industry)?,
            region: v.regions.check("region", &self.region)?,
            tier: v.tiers.check("tier", &self.tier)?,
            owner_team: optional_text("ownerTeam", self.owner_team.as_deref(), MAX_SHORT_TEXT)?,
        })
    }
}

impl Account {
    pub fn patched(&self, p: AccountPatch) -> AccountInput {
        AccountInput {
            name: p.name.unwrap_or_else(|| self.name.clone()),
            industry: p.industry.unwrap_or_else(|| self.industry.clone()),
            region: p.region.unwrap_or_else(|| self.region.clone()),
            tier: p.tier.unwrap_or_else(|| self.tier.clone()),
            owner_team: p.owner_team.or_else(|| self.owner_team.clone()),
        }
    }
}
