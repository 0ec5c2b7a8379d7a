//! The change feed behind the live channel: level-triggered. Each item says "the store is now
//! at generation g" and what changed since the generation the listener last heard of; a
//! listener that comes back with a generation other than the current one gets an item at once,
//! so nothing is missed across reconnects and restarts.
//!
//! A listener's cursor is `<epoch>.<generation>` ([`event_id`]): generations count within one
//! store's epoch, so a cursor from another hub or from before a restart (or an old plain
//! number) is never taken for one of ours and gets a resync, not a wrong partial diff.

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
    /// The feed for a listener whose last event id was `last_event_id` (none: a new one); it
    /// ends when `shutdown` turns true.
    pub fn changes(
        &self,
        last_event_id: Option<&str>,
        shutdown: watch::Receiver<bool>,
    ) -> ChangeStream {
        let store = self.store().clone();
        let last_seen = last_event_id.and_then(|id| seen_generation(id, store.epoch()));
        Box::pin(change_stream(store, last_seen, shutdown))
    }

    /// The id of the feed's item at `generation`.
    pub fn event_id(&self, generation: u64) -> String {
        event_id(self.store().epoch(), generation)
    }
}

/// `<epoch>.<generation>`.
pub fn event_id(epoch: &str, generation: u64) -> String {
    format!("{epoch}.{generation}")
}

/// The generation `last_event_id` names, if it is of this `epoch`; anything else (another
/// epoch, an old plain number, garbage) is a listener that must read everything again.
pub fn seen_generation(last_event_id: &str, epoch: &str) -> Option<u64> {
    let (of, generation) = last_event_id.trim().split_once('.')?;
    (of == epoch).then(|| generation.parse().ok()).flatten()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cursor_of_this_epoch_names_a_generation() {
        let id = event_id("00ab", 1_767_000_000_123);
        assert_eq!(id, "00ab.1767000000123");
        assert_eq!(seen_generation(&id, "00ab"), Some(1_767_000_000_123));
        assert_eq!(
            seen_generation(&format!(" {id}\n"), "00ab"),
            Some(1_767_000_000_123)
        );
        for foreign in [
            "00ac.1767000000123",
            "1767000000123",
            "00ab.",
            "00ab.x",
            ".5",
            "",
        ] {
            assert_eq!(seen_generation(foreign, "00ab"), None, "{foreign:?}");
        }
    }
}
