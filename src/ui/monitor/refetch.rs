//! The list and the detail keep their data fresh the same way: fetch again on every refresh
//! tick (live event, poll, focus, Retry), drop answers that arrive out of order, and keep the
//! last good data on screen when a fetch fails.

use super::MonitorContext;
use crate::domain::monitor::{ChangeDetection, DetailAnswer, ListAnswer};
use crate::domain::HubError;
use crate::ui::hooks::use_clock;
use leptos::prelude::*;
use std::future::Future;

/// What every answer carries besides its data.
pub trait Fresh {
    /// The server's clock when it answered.
    fn now_ms(&self) -> i64;
    fn detection(&self) -> ChangeDetection;
}

impl Fresh for ListAnswer {
    fn now_ms(&self) -> i64 {
        self.now_ms
    }
    fn detection(&self) -> ChangeDetection {
        self.detection.clone()
    }
}

impl Fresh for DetailAnswer {
    fn now_ms(&self) -> i64 {
        self.now_ms
    }
    fn detection(&self) -> ChangeDetection {
        self.detection.clone()
    }
}

#[derive(Clone, Copy)]
pub struct UseRefetchReturn {
    /// Why the last fetch failed, while it did.
    pub error: RwSignal<Option<String>>,
    /// The server's clock at the last good answer.
    pub refreshed_at: RwSignal<i64>,
    /// "Now" for relative times (see `use_clock`).
    pub now: RwSignal<i64>,
}

/// Fetches with `fetch` on every tick after the first render and hands each good answer to
/// `apply` (which updates the data and says what changed).
///
/// ## Server-Side Rendering
/// Effects do not run on the server: there the first answer is all there is.
pub fn use_refetch<T, Fut>(
    monitor: MonitorContext,
    initial: &T,
    fetch: impl Fn() -> Fut + Send + Sync + 'static,
    apply: impl Fn(&T) + Send + Sync + 'static,
) -> UseRefetchReturn
where
    T: Fresh + Send + Sync + 'static,
    Fut: Future<Output = Result<T, HubError>> + 'static,
{
    monitor.detection.set(Some(initial.detection()));
    let state = UseRefetchReturn {
        error: RwSignal::new(None),
        refreshed_at: RwSignal::new(initial.now_ms()),
        now: use_clock(initial.now_ms()),
    };
    let fetch = StoredValue::new(fetch);
    let apply = StoredValue::new(apply);
    let requests = StoredValue::new(0u64);
    Effect::new(move |previous: Option<u64>| {
        let tick = monitor.refresh.tick.get();
        if previous.is_some() {
            requests.update_value(|n| *n += 1);
            let request = requests.get_value();
            let pending = fetch.with_value(|fetch| fetch());
            leptos::task::spawn_local(async move {
                let result = pending.await;
                if requests.try_get_value() != Some(request) {
                    return;
                }
                match result {
                    Ok(answer) => {
                        apply.with_value(|apply| apply(&answer));
                        monitor.detection.set(Some(answer.detection()));
                        state.refreshed_at.set(answer.now_ms());
                        state
                            .now
                            .set(answer.now_ms().max(state.now.get_untracked()));
                        state.error.set(None);
                        monitor.fetch_failed.set(false);
                    }
                    Err(err) => {
                        state.error.set(Some(err.to_string()));
                        monitor.fetch_failed.set(true);
                    }
                }
            });
        }
        tick
    });
    state
}
