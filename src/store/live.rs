//! Live notice of what was just recorded, for every screen in a planning session.
//!
//! A committed assessment or interaction is announced on an in-process broadcast
//! channel that subscriptions listen to. The notice names the record and who and
//! what it touches, not its content: a screen re-reads what it shows through the
//! API, under its own caller's scope. Announcements reach the server that took the
//! write; screens watching another server over the same database see the change on
//! their next read.

use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::Store;

/// Notices a slow subscriber may fall behind by before it skips ahead.
pub(crate) const BACKLOG: usize = 256;

/// What was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveKind {
    Assessment,
    Interaction,
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq)]
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

impl Store {
    /// Tells every subscriber; nobody listening is fine.
    pub(crate) fn announce(&self, event: LiveEvent) {
        let _ = self.live.send(Arc::new(Announced {
            event,
            at: OffsetDateTime::now_utc(),
        }));
    }

    /// Every change announced from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Announced>> {
        self.live.subscribe()
    }

    pub(crate) fn author_name(&self) -> String {
        self.author().1
    }
}
