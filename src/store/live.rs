//! Live notice of what was just recorded, for every screen in a planning session.
//!
//! A committed assessment or interaction is announced on an in-process broadcast
//! channel that subscriptions listen to. The notice names the record and who and
//! what it touches, not its content: a screen re-reads what it shows through the
//! API, under its own caller's scope.
//!
//! Over PostgreSQL, servers sharing the database hear each other: each notice is
//! also sent with `NOTIFY` on the channel `guanxi_live`, and every committed change
//! to an account's or the organisation's version on `guanxi_changes` (a trigger,
//! migration 0019), and every server listens to both ([`Store::follow_other_servers`]):
//! another server's notices go to its own screens, and its caches drop what the
//! changes made stale. A SQLite file is served by one process.

use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

use super::{Backend, Store};

/// The channel live notices travel on between servers.
const LIVE_CHANNEL: &str = "guanxi_live";
/// The channel committed version changes travel on (sent by the database).
const CHANGE_CHANNEL: &str = "guanxi_changes";
/// `NOTIFY` takes payloads under 8,000 bytes.
const PAYLOAD_LIMIT: usize = 7_900;

/// Notices a slow subscriber may fall behind by before it skips ahead.
pub(crate) const BACKLOG: usize = 256;

/// What was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LiveKind {
    Assessment,
    Interaction,
    /// The deal's plan: a place in its decision chain, a win step, an answer to
    /// one of the four questions.
    Plan,
    /// The account as a whole: an improvement point set or closed, a person
    /// added to its org chart.
    Account,
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub kind: LiveKind,
    pub account_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    /// The assessment or interaction.
    pub record_id: Uuid,
    pub person_ids: Vec<Uuid>,
    pub employee_ids: Vec<Uuid>,
    /// Who recorded it (the token's name, or "local administrator").
    pub author: String,
}

/// A recorded change with the moment it was announced.
#[derive(Debug, Clone, PartialEq)]
pub struct Announced {
    pub event: LiveEvent,
    pub at: OffsetDateTime,
}

pub(crate) fn channel() -> broadcast::Sender<Arc<Announced>> {
    broadcast::channel(BACKLOG).0
}

/// A live notice as it travels between servers.
#[derive(Serialize, Deserialize)]
struct Travelling {
    /// The server that took the write, which has told its own screens.
    origin: Uuid,
    event: LiveEvent,
    /// The people and employees were left out to fit the payload; the server
    /// hearing it reads them.
    #[serde(default)]
    cut: bool,
}

/// What a committed write changed, for caches to drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// One account's records, now at this version.
    Account(Uuid, i64),
    /// Organisation-wide records (employees, their ties), which every account's
    /// graph reads.
    Organisation,
    /// Notices may have been missed (the connection was lost): anything.
    Anything,
}

/// Listening to the other servers (see [`Store::follow_other_servers`]).
pub struct Following {
    /// What their writes changed.
    pub changes: mpsc::UnboundedReceiver<Changed>,
    /// The listener; abort it before closing the store.
    pub task: tokio::task::JoinHandle<()>,
}

#[derive(Deserialize)]
struct ChangeNotice {
    account: Option<Uuid>,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    org: bool,
}

impl Store {
    /// Tells the account's screens that a deal's plan changed (see [`LiveKind::Plan`]);
    /// `record_id` is the deal.
    pub(crate) async fn announce_plan(
        &self,
        account_id: Uuid,
        opportunity_id: Uuid,
        person_ids: Vec<Uuid>,
    ) {
        self.announce(LiveEvent {
            kind: LiveKind::Plan,
            account_id,
            opportunity_id: Some(opportunity_id),
            record_id: opportunity_id,
            person_ids,
            employee_ids: Vec::new(),
            author: self.author_name(),
        })
        .await;
    }

    /// Tells the account's screens that something of the account as a whole
    /// changed (see [`LiveKind::Account`]); `record_id` is the point or person.
    pub(crate) async fn announce_account(
        &self,
        account_id: Uuid,
        record_id: Uuid,
        person_ids: Vec<Uuid>,
    ) {
        self.announce(LiveEvent {
            kind: LiveKind::Account,
            account_id,
            opportunity_id: None,
            record_id,
            person_ids,
            employee_ids: Vec::new(),
            author: self.author_name(),
        })
        .await;
    }

    /// Tells every subscriber of this server, and over PostgreSQL the other
    /// servers'; nobody listening is fine. A notice that cannot be sent to the
    /// others is logged: their screens see the change on their next read.
    pub(crate) async fn announce(&self, event: LiveEvent) {
        // This server's screens first, at once: nothing below may lose it.
        let _ = self.live.send(Arc::new(Announced {
            event: event.clone(),
            at: OffsetDateTime::now_utc(),
        }));
        let Backend::Postgres(pool) = &self.backend else {
            return;
        };
        let mut travelling = Travelling {
            origin: self.origin,
            event,
            cut: false,
        };
        let mut payload = serde_json::to_string(&travelling).unwrap_or_default();
        if payload.len() > PAYLOAD_LIMIT {
            travelling.event.person_ids.clear();
            travelling.event.employee_ids.clear();
            travelling.cut = true;
            payload = serde_json::to_string(&travelling).unwrap_or_default();
        }
        // On its own task: the write has committed, and a caller who hangs up
        // (or a request timeout) must not cancel the other servers' notice.
        let pool = pool.clone();
        tokio::spawn(async move {
            if let Err(e) = sqlx::query("select pg_notify($1, $2)")
                .bind(LIVE_CHANNEL)
                .bind(&payload)
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "telling the other servers of a change");
            }
        });
    }

    /// Over PostgreSQL, listens to the other servers until the returned task is
    /// stopped (before the store closes: the listener holds one of the pool's
    /// connections): their live notices go to this server's subscribers, and
    /// what their writes changed comes out of the returned channel (for caches
    /// to drop). `None` on SQLite. A lost connection is retried every second;
    /// once back, `Changed::Anything` says notices may have been missed.
    pub async fn follow_other_servers(&self) -> super::Result<Option<Following>> {
        let Backend::Postgres(pool) = &self.backend else {
            return Ok(None);
        };
        let pool = pool.clone();
        let (tx, rx) = mpsc::unbounded_channel();
        let store = self.clone();
        let task = tokio::spawn(async move {
            // Listening is retried until it works (the database may be starting
            // too); graphs cached meanwhile may be stale, so all are dropped then.
            let mut wait = Duration::from_secs(1);
            let mut failed = false;
            let mut listener = loop {
                let opened = async {
                    let mut l = sqlx::postgres::PgListener::connect_with(&pool).await?;
                    l.listen_all([LIVE_CHANNEL, CHANGE_CHANNEL]).await?;
                    Ok::<_, sqlx::Error>(l)
                };
                match opened.await {
                    Ok(l) => break l,
                    Err(e) => {
                        if tx.is_closed() {
                            return;
                        }
                        tracing::warn!(error = %e, retry_in = ?wait, "not listening to other servers yet: their writes reach screens here on the next read");
                        failed = true;
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_secs(30));
                    }
                }
            };
            if failed && tx.send(Changed::Anything).is_err() {
                return;
            }
            loop {
                let notice = match listener.try_recv().await {
                    Ok(Some(n)) => n,
                    Ok(None) => {
                        // The connection was lost and is reopened by the next
                        // call; whatever was sent meanwhile is gone.
                        if tx.send(Changed::Anything).is_err() {
                            return;
                        }
                        continue;
                    }
                    Err(e) => {
                        if tx.is_closed() {
                            return;
                        }
                        tracing::warn!(error = %e, "listening to the other servers; retrying in 1 s");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                match notice.channel() {
                    CHANGE_CHANNEL => {
                        let Ok(c) = serde_json::from_str::<ChangeNotice>(notice.payload()) else {
                            continue;
                        };
                        let changed = match (c.account, c.org) {
                            (Some(a), _) => Changed::Account(a, c.version),
                            (None, true) => Changed::Organisation,
                            (None, false) => continue,
                        };
                        if tx.send(changed).is_err() {
                            return;
                        }
                    }
                    LIVE_CHANNEL => store.hear(notice.payload()),
                    _ => {}
                }
            }
        });
        Ok(Some(Following { changes: rx, task }))
    }

    /// Passes another server's live notice to this server's subscribers. A notice
    /// cut for size is completed from the database off the listening loop, so
    /// the notices behind it are not held up.
    fn hear(&self, payload: &str) {
        let Ok(t) = serde_json::from_str::<Travelling>(payload) else {
            tracing::warn!("a live notice from another server could not be read");
            return;
        };
        if t.origin == self.origin {
            return;
        }
        let mut event = t.event;
        if !(t.cut && event.kind == LiveKind::Interaction) {
            let _ = self.live.send(Arc::new(Announced {
                event,
                at: OffsetDateTime::now_utc(),
            }));
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            if let Ok(people) = store.interaction_people(event.record_id).await {
                event.person_ids = people.iter().map(|p| p.person_id).collect();
            }
            if let Ok(employees) = store.interaction_employees(event.record_id).await {
                event.employee_ids = employees.iter().map(|e| e.employee_id).collect();
            }
            let _ = store.live.send(Arc::new(Announced {
                event,
                at: OffsetDateTime::now_utc(),
            }));
        });
    }

    /// Every change announced from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Announced>> {
        self.live.subscribe()
    }

    pub(crate) fn author_name(&self) -> String {
        self.author().1
    }
}
