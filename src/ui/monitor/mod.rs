//! The Monitor tab: the session list, or one session's detail when `&session=` is in the URL.
//!
//! Data flow: the first answer comes from a `Resource` (awaited by the server render, shipped
//! to the browser for hydration); after that the live views keep their data in signals and
//! fetch again through the same server functions whenever `use_refresh` ticks. Rows are keyed,
//! so a refresh only touches what changed and keyboard focus stays where it was.

mod dialog_opener;
mod lifecycle;
mod output_viewer;
mod questions;
mod refetch;
mod session_detail;
mod session_list;
mod timeline;
mod usage;
mod waves;

use crate::domain::monitor::ChangeDetection;
use crate::ui::hooks::{
    use_live_events, use_notifications, use_refresh, Channel, Permission, UseLiveEventsReturn,
    UseNotificationsReturn, UseRefreshReturn,
};
use crate::ui::model::announce::Seen;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use session_detail::SessionDetailView;
use session_list::SessionListView;

/// Shared by the list and the detail.
#[derive(Clone, Copy)]
pub struct MonitorContext {
    pub refresh: UseRefreshReturn,
    pub live: UseLiveEventsReturn,
    /// Polling interval, learned from the server's first answer.
    pub poll_interval_ms: RwSignal<u64>,
    /// Read by screen readers (`aria-live`): status changes seen on refresh.
    pub announcement: RwSignal<String>,
    /// The last fetch failed (the hub is unreachable).
    pub fetch_failed: RwSignal<bool>,
    pub detection: RwSignal<Option<ChangeDetection>>,
    pub notifications: UseNotificationsReturn,
}

impl MonitorContext {
    /// Announces what changed (one `aria-live` message) and notifies what matters.
    pub fn announce(self, seen: Vec<Seen>) {
        if seen.is_empty() {
            return;
        }
        let said: Vec<&str> = seen.iter().map(|s| s.said.as_str()).collect();
        self.announcement.set(said.join(". "));
        for notification in seen.into_iter().filter_map(|s| s.notification) {
            self.notifications.notify.run(notification);
        }
    }

    /// Fetch again when the server announces a generation other than the one on screen.
    pub fn follow_generation(self, shown: Signal<u64>) {
        Effect::new(move |_| {
            if let Some(announced) = self.live.generation.get() {
                if announced != shown.get_untracked() {
                    self.refresh.trigger.run(());
                }
            }
        });
    }
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
    let live =
        use_context::<UseLiveEventsReturn>().unwrap_or_else(|| use_live_events("/api/events"));
    let live_now = Signal::derive(move || live.channel.get() == Channel::Live);
    let context = MonitorContext {
        refresh: use_refresh(poll_interval_ms.into(), live_now),
        live,
        poll_interval_ms,
        announcement: RwSignal::new(String::new()),
        fetch_failed: RwSignal::new(false),
        detection: RwSignal::new(None),
        notifications: use_notifications(),
    };
    provide_context(context);
    let hydrated = crate::ui::app::use_hydrated();

    let query = use_query_map();
    let session = Memo::new(move |_| query.read().get("session").filter(|id| !id.is_empty()));

    view! {
        <p class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || context.announcement.get()}
        </p>
        // Without JavaScript the page is a snapshot: no indicator to show.
        <Show when=move || hydrated.get()>
            <ConnectionIndicator />
        </Show>
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

/// "Live", "Polling" or "Offline", in words and an icon, plus a degraded watcher if any.
#[component]
fn ConnectionIndicator() -> impl IntoView {
    let monitor = use_monitor();
    use crate::ui::components::{Icon, IconName};
    let state = move || match (monitor.live.channel.get(), monitor.fetch_failed.get()) {
        (_, true) => (
            "offline",
            IconName::Offline,
            "Offline".to_owned(),
            "cannot reach the hub; retrying".to_owned(),
        ),
        (Channel::Live, false) => (
            "live",
            IconName::Live,
            "Live".to_owned(),
            "changes appear as they happen".to_owned(),
        ),
        (Channel::Connecting, false) => (
            "connecting",
            IconName::Polling,
            "Connecting".to_owned(),
            String::new(),
        ),
        (Channel::Down, false) => (
            "polling",
            IconName::Polling,
            "Polling".to_owned(),
            format!(
                "live updates are down; checking every {} s",
                monitor.poll_interval_ms.get() / 1000
            ),
        ),
    };
    view! {
        <div class="connection">
            <p class=move || format!("connection__state connection__state--{}", state().0)>
                {move || view! { <Icon name=state().1 /> }}
                <strong>{move || state().2}</strong>
                <span class="connection__detail">
                    {move || { let detail = state().3; (!detail.is_empty()).then(|| format!(": {detail}")) }}
                </span>
            </p>
            {move || match monitor.notifications.permission.get() {
                Permission::Ask => Some(view! {
                    <button type="button" class="button-small button-quiet" on:click=move |_| monitor.notifications.request.run(())>
                        <Icon name=IconName::Bell />
                        "Enable notifications"
                    </button>
                }.into_any()),
                Permission::Granted => Some(view! { <p class="muted">"Notifications on"</p> }.into_any()),
                Permission::Denied | Permission::Unsupported => None,
            }}
            {move || monitor.detection.get().filter(|d| d.degraded).map(|d| view! {
                <p class="connection__degraded"><Icon name=IconName::Warning />"Change detection degraded: " {d.detail}</p>
            })}
        </div>
    }
}
