//! The change feed behind the live channel: level-triggered. Each item says "the store is now
//! at generation g" and what changed since the generation the listener last heard of; a
//! listener that comes back with a generation other than the current one gets an item at once,
//! so nothing is missed across reconnects and restarts (generations start from the clock, so
//! they keep increasing across restarts).

use super::Hub;
use crate::store::SessionStore;
use futures::stream::{self, Stream};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// At most one item per listener this often; changes in between are folded into the next.
pub const MIN_GAP: Duration = Duration::from_millis(200);

/// What changed, by session id, since the listener's previous item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangeEvent {
    pub generation: u64,
    /// True when the hub cannot tell what changed since the listener's generation (too long
    /// ago, or from before a restart): the listener should read everything again.
    pub resync: bool,
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    /// The first item of this stream (a browser sets its reconnect delay with it).
    #[serde(skip)]
    pub first: bool,
}

pub type ChangeStream = std::pin::Pin<Box<dyn Stream<Item = ChangeEvent> + Send>>;

impl Hub {
    /// The feed for a listener that last heard of generation `last_seen` (none: a new one); it
    /// ends when `shutdown` turns true.
    pub fn changes(&self, last_seen: Option<u64>, shutdown: watch::Receiver<bool>) -> ChangeStream {
        Box::pin(change_stream(self.store().clone(), last_seen, shutdown))
    }
}

struct Cursor {
    store: Arc<SessionStore>,
    generations: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
    /// The generation the listener last heard of.
    seen: Option<u64>,
    sent_at: Option<Instant>,
}

fn change_stream(
    store: Arc<SessionStore>,
    last_seen: Option<u64>,
    shutdown: watch::Receiver<bool>,
) -> impl Stream<Item = ChangeEvent> {
    let mut generations = store.subscribe();
    generations.mark_changed();
    let cursor = Cursor {
        store,
        generations,
        shutdown,
        seen: last_seen,
        sent_at: None,
    };
    stream::unfold(cursor, |mut cursor| async move {
        loop {
            tokio::select! {
                _ = cursor.shutdown.wait_for(|stopping| *stopping) => return None,
                changed = cursor.generations.changed() => changed.ok()?,
            }
            if let Some(sent_at) = cursor.sent_at {
                tokio::time::sleep_until(sent_at + MIN_GAP).await;
            }
            let current = *cursor.generations.borrow_and_update();
            if cursor.seen == Some(current) {
                continue;
            }
            let changes = cursor
                .seen
                .and_then(|seen| cursor.store.changes_since(seen));
            let event = ChangeEvent {
                generation: current,
                resync: changes.is_none(),
                first: cursor.sent_at.is_none(),
                created: changes
                    .as_ref()
                    .map(|c| c.created.clone())
                    .unwrap_or_default(),
                updated: changes
                    .as_ref()
                    .map(|c| c.updated.clone())
                    .unwrap_or_default(),
                removed: changes.map(|c| c.removed).unwrap_or_default(),
            };
            cursor.seen = Some(current);
            cursor.sent_at = Some(Instant::now());
            return Some((event, cursor));
        }
    })
}
