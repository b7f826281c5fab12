use time::OffsetDateTime;
use uuid::Uuid;

use super::{optional_text, OrganisationName, MAX_NOTE_CHARS};
use crate::Result;

/// A rival vendor.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Competitor {
    /// Raised by every update; an editor sends the one they read (optimistic
    /// concurrency).
    pub revision: i64,
    pub competitor_id: Uuid,
    pub name: String,
    pub name_key: String,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct CompetitorInput {
    pub name: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CompetitorPatch {
    /// The revision the editor read; a stale one is refused with `CONFLICT`.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidCompetitor {
    pub name: OrganisationName,
    pub note: Option<String>,
}

impl CompetitorInput {
    pub fn validate(&self) -> Result<ValidCompetitor> {
        Ok(ValidCompetitor {
            name: OrganisationName::parse("name", &self.name)?,
            note: optional_text("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
        })
    }
}

impl Competitor {
    pub fn patched(&self, p: CompetitorPatch) -> CompetitorInput {
        CompetitorInput {
            name: p.name.unwrap_or_else(|| self.name.clone()),
            note: p.note.or_else(|| self.note.clone()),
        }
    }
}
