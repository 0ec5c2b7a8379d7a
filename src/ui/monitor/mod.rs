//! The Monitor tab: the session list, or one session's detail when `&session=` is in the URL.
//!
//! Data flow: the first answer comes from a `Resource` (awaited by the server render, shipped
//! to the browser for hydration); after that the live views keep their data in signals and
//! fetch again through the same server functions whenever `use_refresh` ticks. Rows are keyed,
//! so a refresh only touches what changed and keyboard focus stays where it was.

mod session_detail;
mod session_list;

use crate::ui::hooks::{use_refresh, UseRefreshReturn};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use session_detail::SessionDetailView;
use session_list::SessionListView;

/// Shared by the list and the detail.
#[derive(Clone, Copy)]
pub struct MonitorContext {
    pub refresh: UseRefreshReturn,
    /// Polling interval, learned from the server's first answer.
    pub poll_interval_ms: RwSignal<u64>,
    /// Read by screen readers (`aria-live`): status changes seen on refresh.
    pub announcement: RwSignal<String>,
}

pub fn use_monitor() -> MonitorContext {
    expect_context::<MonitorContext>()
}

pub fn session_href(id: &str) -> String {
    format!(
        "/sessions?tab=monitor&session={}",
        crate::domain::format::encode_query_value(id)
    )
}

pub const LIST_HREF: &str = "/sessions?tab=monitor";

#[component]
pub fn MonitorTab() -> impl IntoView {
    let poll_interval_ms = RwSignal::new(10_000u64);
    let context = MonitorContext {
        refresh: use_refresh(poll_interval_ms.into()),
        poll_interval_ms,
        announcement: RwSignal::new(String::new()),
    };
    provide_context(context);

    let query = use_query_map();
    let session = Memo::new(move |_| query.read().get("session").filter(|id| !id.is_empty()));

    view! {
        <p class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || context.announcement.get()}
        </p>
        {move || match session.get() {
            Some(id) => view! { <SessionDetailView id /> }.into_any(),
            None => view! { <SessionListView /> }.into_any(),
        }}
    }
}

/// A failed refresh: the last good data stays on screen, this says why it is not current.
#[component]
fn RefreshError(error: String, shown_since: RwSignal<i64>) -> impl IntoView {
    let monitor = use_monitor();
    view! {
        <div class="refresh-error" role="alert">
            <p>
                <strong>"Cannot refresh: "</strong>
                {error}
                " Showing the data from "
                <crate::ui::components::LocalTime ms=shown_since.get_untracked() />
                "."
            </p>
            <button type="button" on:click=move |_| monitor.refresh.trigger.run(())>
                "Retry"
            </button>
        </div>
    }
}

/// "Refresh": a button that also works without JavaScript (it submits a GET of this page).
#[component]
fn RefreshButton(#[prop(into)] params: Vec<(&'static str, String)>) -> impl IntoView {
    let monitor = use_monitor();
    view! {
        <form
            method="get"
            action="/sessions"
            class="refresh-form"
            on:submit=move |ev| {
                ev.prevent_default();
                leptos::task::spawn_local(async move {
                    // A failure shows up in the fetch that follows.
                    let _ = crate::server_fns::sessions::rescan_sessions().await;
                    monitor.refresh.trigger.run(());
                });
            }
        >
            {params
                .into_iter()
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view()}
            <button type="submit">"Refresh"</button>
        </form>
    }
}
