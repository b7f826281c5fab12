//! The audit trail as the API serves it: who changed what, when, before and after.

use async_graphql::{ComplexObject, Context, Json, Result, SimpleObject, ID};

use super::{
    context::{account_of, store},
    error::Coded,
    ids::parse_opt,
};
use crate::{
    domain::Account,
    store::{AuditEntry, AuditFilter},
};

/// Who made a change: an API token's name and role, or the command line.
#[derive(SimpleObject)]
pub struct AuditAuthor {
    pub name: String,
    /// admin, coach, member, viewer; `operator` for the command line.
    pub role: String,
    /// The token used; null for the command line and a server without tokens.
    pub token_id: Option<ID>,
}

/// One change.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AuditEntryG {
    pub id: ID,
    pub at: time::OffsetDateTime,
    pub author: AuditAuthor,
    /// What was done, in words: "update opportunity", "assess relationship",
    /// "import", ...
    pub action: String,
    /// The kind of record changed.
    pub entity: String,
    pub entity_id: Option<ID>,
    /// The record as it was (null for a creation or a recorded fact).
    pub before: Option<Json<serde_json::Value>>,
    /// The record as the change left it (an import: its counts per table).
    pub after: Option<Json<serde_json::Value>>,
    #[graphql(skip)]
    pub account_id: Option<uuid::Uuid>,
}

#[ComplexObject]
impl AuditEntryG {
    /// The account the change belongs to; null for organisation-wide changes.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        account_of(ctx, self.account_id).await
    }
}

impl From<AuditEntry> for AuditEntryG {
    fn from(e: AuditEntry) -> Self {
        let json = |s: Option<String>| {
            s.and_then(|s| serde_json::from_str(&s).ok())
                .map(Json::<serde_json::Value>)
        };
        AuditEntryG {
            id: ID(e.audit_entry_id.to_string()),
            at: e.at,
            author: AuditAuthor {
                name: e.author_name,
                role: e.author_role,
                token_id: e.author_token_id.map(|t| ID(t.to_string())),
            },
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id.map(|i| ID(i.to_string())),
            before: json(e.before_json),
            after: json(e.after_json),
            account_id: e.account_id,
        }
    }
}

/// A page of the audit trail, newest first.
#[derive(SimpleObject)]
pub struct AuditPage {
    /// Entries matching the filters, across all pages.
    pub total_count: i32,
    pub nodes: Vec<AuditEntryG>,
    /// Pass as `after` for the next page; null on the last.
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
}

/// The filters of `auditTrail`, combined.
pub(crate) struct AuditQuery {
    pub account: Option<ID>,
    pub person: Option<ID>,
    pub author: Option<String>,
    pub since: Option<time::OffsetDateTime>,
    pub window: super::query::Window,
}

pub(crate) async fn audit_trail(ctx: &Context<'_>, q: AuditQuery) -> Result<AuditPage> {
    let filter = AuditFilter {
        account: parse_opt("account", &q.account).coded()?,
        person: parse_opt("person", &q.person).coded()?,
        author: q.author.filter(|a| !a.trim().is_empty()),
        since: q.since,
    };
    let (offset, first) = (q.window.offset, q.window.first);
    let (entries, total) = store(ctx)
        .audit_trail(&filter, offset as i64, first as i64)
        .await
        .coded()?;
    let last = offset + entries.len();
    let total = usize::try_from(total).unwrap_or(0);
    Ok(AuditPage {
        total_count: i32::try_from(total).unwrap_or(i32::MAX),
        has_next_page: last < total,
        end_cursor: (!entries.is_empty()).then(|| (last - 1).to_string()),
        nodes: entries.into_iter().map(Into::into).collect(),
    })
}
