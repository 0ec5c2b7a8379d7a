//! `GET /api/events`: the service's change feed as Server-Sent Events. Each event's `id` is
//! `<epoch>.<generation>`; a client that reconnects with a `Last-Event-ID` other than the
//! current one gets an event at once (a resync when the id is not of this hub's epoch).

use super::AppState;
use crate::service::ChangeEvent;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures::StreamExt;
use std::convert::Infallible;
use std::time::Duration;

const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Browsers reconnect after this long when the connection drops.
const RETRY: Duration = Duration::from_secs(2);

pub async fn events(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok());
    let hub = state.hub.clone();
    let stream = state
        .hub
        .changes(last_event_id, state.shutdown.subscribe())
        .map(move |change| Ok::<_, Infallible>(event(&hub.event_id(change.generation), &change)));
    (
        [(
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        )],
        Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)),
    )
}

fn event(id: &str, change: &ChangeEvent) -> Event {
    let data = serde_json::to_string(change).expect("a change event always serialises");
    let event = Event::default().id(id).data(data);
    if change.first {
        event.retry(RETRY)
    } else {
        event
    }
}
