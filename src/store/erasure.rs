//! Erasure on request (PIPL art. 47, GDPR art. 17): a customer person's personal
//! data removed for good, their ties and scores kept under a pseudonym so the
//! account's numbers stay right. What is removed: name, title (also in past
//! positions), e-mail, phone; the notes on their ties and decision-chain places;
//! every mention of their name, e-mail or phone in the account's free text
//! (interaction subjects and notes, deal notes, answers' evidence, …); their
//! external ids; the before and after of audit entries about them; any deleted
//! record holding them. What stays: department and level (the organisation's,
//! which the scores weigh), ties with their strengths and dates, and one audit
//! entry saying that an erasure happened, why and by whom, not what was erased.

use serde::Serialize;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    bump_account, now, write_tx, Need, Store,
};
use crate::{domain::Role, Error, Result};

/// What an erasure removed, per place, with counts (never the values).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Erasure {
    pub person_id: Uuid,
    pub account_id: Option<Uuid>,
    /// The name the person now goes by on maps and in reports.
    pub pseudonym: Option<String>,
    pub reason: String,
    pub erased_at: time::OffsetDateTime,
    /// `table.column` (or `auditEntries`, `deletedRecords`) and how many rows.
    pub cleared: Vec<(String, u64)>,
}

/// Free-text columns of account-scoped tables: any mention of an erased person
/// is replaced there.
const FREE_TEXT: &[(&str, &str)] = &[
    ("interaction", "subject"),
    ("interaction", "note"),
    ("assessment", "note"),
    ("decision_chain_member", "note"),
    ("improvement_point", "text"),
    ("improvement_point", "note"),
    ("opportunity", "note"),
    ("opportunity", "compelling_event"),
    ("stage_change", "note"),
    ("stage_change", "override_reason"),
    ("win_step_tick", "note"),
    ("qualification_answer", "evidence"),
    ("support_request", "note"),
    ("support_request", "decision_note"),
    ("plan_item_tick", "note"),
    ("person", "title"),
    ("opportunity", "name"),
];

/// Tables whose records carry a revision (docs/concurrency.md).
const REVISED: &[&str] = &[
    "opportunity",
    "improvement_point",
    "support_request",
    "person",
];

/// What replaces a mention.
pub const ERASED: &str = "[erased]";

/// The pseudonym of an erased person: not their name, and distinct from other
/// erased people of the account on the same map.
pub fn pseudonym(id: Uuid) -> String {
    let short: String = id.simple().to_string().chars().take(6).collect();
    format!("Erased person {short}")
}

/// `json` with every mention replaced in its strings (never in keys, numbers
/// or structure), or `None` when nothing mentions them.
fn scrubbed(json: Option<&str>, needles: &[&str]) -> Option<String> {
    fn walk(v: &mut serde_json::Value, needles: &[&str]) -> bool {
        match v {
            serde_json::Value::String(s) => {
                let mut changed = false;
                for n in needles {
                    if s.contains(n) {
                        *s = s.replace(n, ERASED);
                        changed = true;
                    }
                }
                changed
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().fold(false, |c, x| walk(x, needles) | c)
            }
            serde_json::Value::Object(m) => m.values_mut().fold(false, |c, x| walk(x, needles) | c),
            _ => false,
        }
    }
    let text = json?;
    if !needles.iter().any(|n| text.contains(n)) {
        return None;
    }
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    walk(&mut v, needles).then(|| v.to_string())
}

#[derive(sqlx::FromRow)]
struct Identity {
    account_id: Uuid,
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

impl Store {
    /// Erases a customer person's personal data for good (administrators and
    /// the command line only). A person who was deleted is erased from the
    /// deleted records. `reason` (the request's reference, say) is kept.
    #[tracing::instrument(skip(self, reason))]
    pub async fn erase_person(&self, id: Uuid, reason: &str) -> Result<Erasure> {
        if self.actor().is_some_and(|p| p.role != Role::Admin) {
            return Err(Error::Forbidden(
                "erasing a person's data is for administrators".into(),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(Error::invalid(
                "reason",
                "say why (the request's reference, say), in at most 500 characters",
            ));
        }
        if reason.chars().any(char::is_control) {
            return Err(Error::invalid("reason", "no control characters"));
        }
        let erased_at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            // A record merged into another is erased as the one it became (and
            // that one may have been merged again).
            let mut id = id;
            for _ in 0..16 {
                let kept: Option<Uuid> = sqlx::query_scalar("select kept_id from person_merge where dropped_id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match kept {
                    Some(k) if k != id => id = k,
                    _ => break,
                }
            }
            let id_text = id.hyphenated().to_string();
            let merged: Vec<(Uuid, String, Option<String>, Option<String>)> = sqlx::query_as(
                "select dropped_id, dropped_name, dropped_email, dropped_phone from person_merge where kept_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let live = sqlx::query_as::<_, Identity>(
                "select account_id, name, email, phone from person where person_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            // Who they were: the live record, else the record kept deleted, else
            // the trail's copy of it (deleted and purged since).
            let identity = match &live {
                Some(p) => Some(Identity { account_id: p.account_id, name: p.name.clone(), email: p.email.clone(), phone: p.phone.clone() }),
                None => {
                    let own: Option<String> = sqlx::query_scalar(
                        "select rows_json from deleted_record where record_id = $1 and entity = 'person'",
                    )
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let from_trail: Option<Option<String>> = sqlx::query_scalar(
                        "select before_json from audit_entry where entity_id = $1 and action = 'delete person'
                         order by at desc limit 1",
                    )
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let parsed = |json: &str, path: &[&str]| -> Option<Identity> {
                        let mut v: serde_json::Value = serde_json::from_str(json).ok()?;
                        for p in path {
                            v = v.get(*p)?.clone();
                        }
                        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
                        Some(Identity {
                            account_id: text("accountId").or_else(|| text("account_id"))?.parse().ok()?,
                            name: text("name")?,
                            email: text("email"),
                            phone: text("phone"),
                        })
                    };
                    own.as_deref()
                        .and_then(|j| {
                            let v: serde_json::Value = serde_json::from_str(j).ok()?;
                            let row = v["rows"]["people"].as_array()?.first()?.to_string();
                            parsed(&row, &[])
                        })
                        .or_else(|| from_trail.flatten().as_deref().and_then(|j| parsed(j, &[])))
                }
            };
            let Some(who) = identity else {
                return Err(Error::not_found("person", id));
            };
            // Every account they sat at: their mentions may be at any.
            let mut accounts: Vec<Uuid> = sqlx::query_scalar("select distinct account_id from position where person_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            accounts.push(who.account_id);
            accounts.sort();
            accounts.dedup();
            for a in &accounts {
                bump_account!(tx, self.reach("account", *a, *a)?);
            }
            let mut cleared: Vec<(String, u64)> = Vec::new();
            let mut note = |what: &str, n: u64| {
                if n > 0 {
                    match cleared.iter_mut().find(|c| c.0 == what) {
                        Some(c) => c.1 += n,
                        None => cleared.push((what.to_owned(), n)),
                    }
                }
            };
            let pseudonym = live.as_ref().map(|_| pseudonym(id));
            let email_lower = who.email.as_deref().map(str::to_lowercase);
            let needles: Vec<&str> = [Some(who.name.as_str()), who.email.as_deref(), email_lower.as_deref(), who.phone.as_deref()]
                .into_iter()
                .chain(merged.iter().flat_map(|m| [Some(m.1.as_str()), m.2.as_deref(), m.3.as_deref()]))
                .flatten()
                .map(str::trim)
                .filter(|n| n.chars().count() >= 2)
                .collect();
            // Mentions in free text, first, while the name is still known.
            for account in &accounts {
                for (table, column) in FREE_TEXT {
                    // An editor holding the old revision must not write the mention back.
                    let revised = if REVISED.contains(table) { ", revision = revision + 1" } else { "" };
                    let sql = format!(
                        "update {table} set {column} = replace({column}, $1, $2){revised}
                         where account_id = $3 and {column} is not null and {column} <> replace({column}, $1, $2)"
                    );
                    let mut n = 0;
                    for needle in &needles {
                        n += sqlx::query(&sql)
                            .bind(*needle)
                            .bind(ERASED)
                            .bind(*account)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    }
                    note(&format!("{table}.{column} (mentions)"), n);
                }
            }
            if live.is_some() {
                let n = sqlx::query(
                    "update person set name = $2, title = null, email = null, phone = null, updated_at = $3,
                            revision = revision + 1
                     where person_id = $1",
                )
                .bind(id)
                .bind(pseudonym.as_deref())
                .bind(erased_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                note("person.name, title, email, phone", n);
            }
            let n = sqlx::query("update position set title = null where person_id = $1 and title is not null")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            note("position.title", n);
            let n = sqlx::query(
                "update assessment set note = null where note is not null and relationship_id in
                    (select relationship_id from relationship where person_id = $1 or other_person_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            note("assessment.note (their ties)", n);
            let n = sqlx::query("update decision_chain_member set note = null where person_id = $1 and note is not null")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            note("decision_chain_member.note", n);
            let n = sqlx::query("delete from external_id where record_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            note("external_id", n);
            // The trail keeps that things happened, not what they said.
            let mut n = 0;
            for who in std::iter::once(id).chain(merged.iter().map(|m| m.0)) {
                n += sqlx::query(
                    "update audit_entry set before_json = null, after_json = null
                     where (entity_id = $1 or audit_entry_id in (select audit_entry_id from audit_entry_person where person_id = $1))
                       and (before_json is not null or after_json is not null)",
                )
                .bind(who)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query("update webhook_outbox set before_json = null, after_json = null where entity_id = $1")
                    .bind(who)
                    .execute(&mut *tx)
                    .await?;
            }
            note("auditEntries (before and after)", n);
            let n = sqlx::query("delete from person_merge where kept_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            note("mergedRecords", n);
            // Their own deleted record goes; others that mention them (a deleted
            // deal they were in) stay restorable, without the mentions.
            let n = sqlx::query("delete from deleted_record where record_id = $1 and entity = 'person'")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            note("deletedRecords", n);
            for account in &accounts {
                let entries: Vec<(Uuid, Option<String>, Option<String>)> = sqlx::query_as(
                    "select audit_entry_id, before_json, after_json from audit_entry where account_id = $1",
                )
                .bind(*account)
                .fetch_all(&mut *tx)
                .await?;
                for (entry, before, after) in entries {
                    let (b, a) = (scrubbed(before.as_deref(), &needles), scrubbed(after.as_deref(), &needles));
                    if b.is_some() || a.is_some() {
                        sqlx::query("update audit_entry set before_json = $2, after_json = $3 where audit_entry_id = $1")
                            .bind(entry)
                            .bind(b.or(before))
                            .bind(a.or(after))
                            .execute(&mut *tx)
                            .await?;
                        note("auditEntries (mentions)", 1);
                    }
                }
                let bins: Vec<(Uuid, String, String)> = sqlx::query_as(
                    "select deleted_record_id, label, rows_json from deleted_record where account_id = $1 or rows_json like $2",
                )
                .bind(*account)
                .bind(format!("%{id_text}%"))
                .fetch_all(&mut *tx)
                .await?;
                for (bin, label, rows) in bins {
                    let mut new_label = label.clone();
                    for n in &needles {
                        new_label = new_label.replace(n, ERASED);
                    }
                    let new_rows = scrubbed(Some(&rows), &needles);
                    if new_rows.is_some() || new_label != label {
                        sqlx::query("update deleted_record set label = $2, rows_json = $3 where deleted_record_id = $1")
                            .bind(bin)
                            .bind(&new_label)
                            .bind(new_rows.unwrap_or(rows))
                            .execute(&mut *tx)
                            .await?;
                        note("deletedRecords (mentions)", 1);
                    }
                }
            }
            audit!(self, tx, Change::new("erase person", "person", id)
                .account(who.account_id)
                .after(&serde_json::json!({ "reason": reason })));
            Ok::<_, Error>(Erasure {
                person_id: id,
                account_id: Some(who.account_id),
                pseudonym,
                reason: reason.to_owned(),
                erased_at,
                cleared,
            })
        })
    }
}
