//! `GET /api/events`: Server-Sent Events carrying the store generation.
//!
//! Level-triggered: each event says "the store is now at generation g" (its `id`) and what
//! changed since the client's previous event. A client that reconnects with a `Last-Event-ID`
//! other than the current generation gets an event at once, so nothing is missed, across
//! reconnects and server restarts alike (generations start from the clock, so they keep
//! increasing across restarts).

use super::AppState;
use crate::store::SessionStore;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures::stream::{self, Stream};
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// At most one event per client this often; changes in between are folded into the next.
const MIN_GAP: Duration = Duration::from_millis(200);
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Browsers reconnect after this long when the connection drops.
const RETRY: Duration = Duration::from_secs(2);

pub async fn events(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let stream = generation_events(state.store.clone(), last_seen, state.shutdown.subscribe());
    (
        [(
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        )],
        Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)),
    )
}

struct Cursor {
    store: Arc<SessionStore>,
    generations: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
    /// The generation the client last heard of.
    seen: Option<u64>,
    sent_at: Option<Instant>,
}

fn generation_events(
    store: Arc<SessionStore>,
    last_seen: Option<u64>,
    shutdown: watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
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
            let event = event_for(
                &cursor.store,
                cursor.seen,
                current,
                cursor.sent_at.is_none(),
            );
            cursor.seen = Some(current);
            cursor.sent_at = Some(Instant::now());
            return Some((Ok(event), cursor));
        }
    })
}

fn event_for(store: &SessionStore, seen: Option<u64>, current: u64, first: bool) -> Event {
    let changes = seen.and_then(|seen| store.changes_since(seen));
    let data = json!({
        "generation": current,
        "resync": changes.is_none(),
        "created": changes.as_ref().map(|c| c.created.clone()).unwrap_or_default(),
        "updated": changes.as_ref().map(|c| c.updated.clone()).unwrap_or_default(),
        "removed": changes.as_ref().map(|c| c.removed.clone()).unwrap_or_default(),
    });
    let event = Event::default()
        .id(current.to_string())
        .data(data.to_string());
    if first {
        event.retry(RETRY)
    } else {
        event
    }
}
