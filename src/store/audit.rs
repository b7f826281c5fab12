//! The audit trail: who changed what and when, with the record before and after,
//! written inside the change's own transaction so that a change and its entry
//! commit or roll back together.

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{with_pool, Store};
use crate::{domain::Role, Error, Result};

/// One change, as a write method describes it for the trail.
#[derive(Debug, Default)]
pub(crate) struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub id: Option<Uuid>,
    pub account: Option<Uuid>,
    pub people: Vec<Uuid>,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn json<T: Serialize>(record: &T) -> Option<String> {
    serde_json::to_string(record).ok()
}

impl Change {
    pub fn new(action: &'static str, entity: &'static str, id: impl Into<Option<Uuid>>) -> Change {
        Change {
            action,
            entity,
            id: id.into(),
            ..Change::default()
        }
    }

    pub fn account(mut self, account: impl Into<Option<Uuid>>) -> Change {
        self.account = account.into();
        self
    }

    pub fn people(mut self, people: impl IntoIterator<Item = Uuid>) -> Change {
        self.people.extend(people);
        self
    }

    pub fn before<T: Serialize>(mut self, record: &T) -> Change {
        self.before = json(record);
        self
    }

    pub fn after<T: Serialize>(mut self, record: &T) -> Change {
        self.after = json(record);
        self
    }
}

/// The actions whose entries event webhooks read: an assessment recorded, a
/// deal's stage or outcome changed, a person's account changed (they left).
pub(crate) const TOLD: &[&str] = &["assess relationship", "update opportunity", "update person"];

/// Writes `$change` (a [`Change`]) to the trail inside the transaction `$tx`, with
/// the store's caller as author.
macro_rules! audit {
    (author = $author:expr, $tx:ident, $change:expr) => {{
        let change: $crate::store::audit::Change = $change;
        let (token, name, role): (Option<uuid::Uuid>, String, &'static str) = $author;
        let entry = $crate::store::new_id();
        // Changes that event webhooks tell, kept for the dispatcher in the same
        // transaction (see `crate::webhooks`), while anyone is subscribed.
        if $crate::store::audit::TOLD.contains(&change.action) {
            sqlx::query(
                "insert into webhook_outbox (outbox_id, audit_entry_id, action, entity_id, account_id, before_json, after_json)
                 select $1, $2, $3, $4, $5, $6, $7 where exists (select 1 from webhook_subscription)",
            )
            .bind($crate::store::new_id())
            .bind(entry)
            .bind(change.action)
            .bind(change.id)
            .bind(change.account)
            .bind(change.before.as_deref())
            .bind(change.after.as_deref())
            .execute(&mut *$tx)
            .await?;
        }
        sqlx::query(
            "insert into audit_entry (audit_entry_id, at, author_token_id, author_name, author_role,
                    action, entity, entity_id, account_id, before_json, after_json)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(entry)
        .bind($crate::store::now())
        .bind(token)
        .bind(name)
        .bind(role)
        .bind(change.action)
        .bind(change.entity)
        .bind(change.id)
        .bind(change.account)
        .bind(change.before)
        .bind(change.after)
        .execute(&mut *$tx)
        .await?;
        let mut people = change.people;
        people.sort();
        people.dedup();
        for person in people {
            sqlx::query("insert into audit_entry_person (audit_entry_id, person_id) values ($1, $2)")
                .bind(entry)
                .bind(person)
                .execute(&mut *$tx)
                .await?;
        }
    }};
    ($store:expr, $tx:ident, $change:expr) => {
        $crate::store::audit::audit!(author = $store.author(), $tx, $change)
    };
}
pub(crate) use audit;

/// An entry as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub audit_entry_id: Uuid,
    pub at: OffsetDateTime,
    pub author_token_id: Option<Uuid>,
    pub author_name: String,
    pub author_role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Which entries to read; filters combine. `author` is a token's name or id.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub account: Option<Uuid>,
    pub person: Option<Uuid>,
    pub author: Option<String>,
    pub since: Option<OffsetDateTime>,
}

/// Who writes when no API caller does: the command line (demo data, imports, the
/// generator, token commands).
pub const COMMAND_LINE: &str = "command line";

impl Store {
    /// The author of this handle's writes: token id, name and role.
    pub(crate) fn author(&self) -> (Option<Uuid>, String, &'static str) {
        match self.actor() {
            Some(p) => (p.token_id, p.name.clone(), p.role.as_str()),
            None => (None, COMMAND_LINE.to_owned(), "operator"),
        }
    }

    /// Entries newest first, a page at a time, with the total matching. Only
    /// administrators (and the command line) read the trail: it holds the before
    /// and after of every account's records.
    pub async fn audit_trail(
        &self,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        if self.actor().is_some_and(|p| p.role != Role::Admin) {
            return Err(Error::Forbidden(
                "the audit trail is read by administrators".into(),
            ));
        }
        // PostgreSQL refuses text with NUL in it; a filter can never match one anyway.
        if filter.author.as_deref().is_some_and(|a| a.contains('\0')) {
            return Err(Error::invalid(
                "author",
                "an author's name or token id has no NUL characters",
            ));
        }
        let author_id = filter
            .author
            .as_deref()
            .and_then(|a| Uuid::parse_str(a).ok());
        let author_name = filter.author.clone().filter(|_| author_id.is_none());
        let since = filter.since.unwrap_or(OffsetDateTime::UNIX_EPOCH);
        const WHERE: &str = "where ($1 is null or e.account_id = $1)
               and ($2 is null or e.audit_entry_id in
                    (select audit_entry_id from audit_entry_person where person_id = $2))
               and ($3 is null or e.author_token_id = $3)
               and ($4 is null or e.author_name = $4)
               and e.at >= $5";
        let list = format!(
            "select e.* from audit_entry e {WHERE}
             order by e.at desc, e.audit_entry_id desc limit $6 offset $7"
        );
        let count = format!("select count(*) from audit_entry e {WHERE}");
        with_pool!(self, pool => {
            let entries = sqlx::query_as::<_, AuditEntry>(&list)
                .bind(filter.account)
                .bind(filter.person)
                .bind(author_id)
                .bind(&author_name)
                .bind(since)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar(&count)
                .bind(filter.account)
                .bind(filter.person)
                .bind(author_id)
                .bind(&author_name)
                .bind(since)
                .fetch_one(pool)
                .await?;
            Ok((entries, total))
        })
    }
}
