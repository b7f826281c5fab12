use time::OffsetDateTime;
use uuid::Uuid;

use super::{optional_text, Attitude, Influence, MAX_NOTE_CHARS};
use crate::{methodology::Methodology, Result};

/// A person's part in one opportunity's decision (like a CRM contact role).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionChainMember {
    pub member_id: Uuid,
    pub opportunity_id: Uuid,
    pub account_id: Uuid,
    pub person_id: Uuid,
    pub buying_role: String,
    /// 1..5; `None` means nobody set it and the graph engine derives it.
    pub influence: Option<i32>,
    /// -2..+2.
    pub attitude: i32,
    pub favoured_competitor_id: Option<Uuid>,
    pub note: Option<String>,
    /// When the judgement (role, influence, attitude, favour, note) was last
    /// made: re-listing a member unchanged keeps it.
    pub updated_at: OffsetDateTime,
    /// Who recorded the judgement: a token's name, the local author, or
    /// "command line"; none for records from before it was kept.
    pub recorded_by: Option<String>,
    /// `judgement` (entered by someone) or `import`.
    pub source: String,
    /// The deal's primary contact (a CRM's primary contact role); at most one per deal.
    pub is_primary: bool,
}

#[derive(Debug, Clone, Default)]
pub struct MemberInput {
    pub person_id: Uuid,
    pub buying_role: String,
    pub influence: Option<i64>,
    /// Neutral (0) if not given.
    pub attitude: Option<i64>,
    pub favoured_competitor_id: Option<Uuid>,
    pub note: Option<String>,
    /// Not the primary contact if not given.
    pub primary: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct ValidMember {
    pub person_id: Uuid,
    pub buying_role: String,
    pub influence: Option<Influence>,
    pub attitude: Attitude,
    pub favoured_competitor_id: Option<Uuid>,
    pub note: Option<String>,
    pub primary: bool,
}

impl MemberInput {
    pub fn validate(&self, m: &Methodology) -> Result<ValidMember> {
        Ok(ValidMember {
            person_id: self.person_id,
            buying_role: m
                .vocabularies
                .buying_roles
                .check("buyingRole", &self.buying_role)?,
            influence: self
                .influence
                .map(|i| Influence::parse("influence", i))
                .transpose()?,
            attitude: Attitude::parse("attitude", self.attitude.unwrap_or(0))?,
            favoured_competitor_id: self.favoured_competitor_id,
            note: optional_text("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
            primary: self.primary.unwrap_or(false),
        })
    }
}
