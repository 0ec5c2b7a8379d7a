//! The list of sessions: search, status filter, invalid entries, empty state.

use super::questions::NeedsYou;
use super::refetch::{use_refetch, UseRefetchReturn};
use super::{session_href, use_monitor, RefreshButton, RefreshError};
use crate::domain::monitor::ListAnswer;
use crate::domain::{InvalidSession, SessionSummary};
use crate::server_fns::sessions::list_sessions;
use crate::ui::components::{
    with_open_questions, LocalTime, Meter, NeedsInputBadge, PageTitle, SessionStatusBadge,
};
use crate::ui::model::announce::{list_changes, question_changes};
use crate::ui::model::filter::{filter_invalid, filter_sessions, StatusFilter};
use crate::ui::model::time::relative_time;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// Rows shown at first; "Show more" adds this many.
const PAGE: usize = 100;

#[component]
pub fn SessionListView() -> impl IntoView {
    let first = Resource::new(|| (), |_| list_sessions());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading sessions…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(answer) => view! { <LiveSessionList initial=answer /> }.into_any(),
                    Err(error) => {
                        view! {
                            <div class="refresh-error" role="alert">
                                <p><strong>"Cannot load the sessions: "</strong>{error.to_string()}</p>
                                <button type="button" on:click=move |_| first.refetch()>"Retry"</button>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn LiveSessionList(initial: ListAnswer) -> impl IntoView {
    let monitor = use_monitor();
    let hydrated = crate::ui::app::use_hydrated();
    monitor
        .poll_interval_ms
        .set(initial.settings.poll_interval_ms);
    let list = RwSignal::new(initial.list.clone());
    let questions = RwSignal::new(initial.questions.clone());
    monitor.follow_generation(Signal::derive(move || list.with(|l| l.generation)));
    let UseRefetchReturn {
        error,
        refreshed_at,
        now,
    } = use_refetch(
        monitor,
        &initial,
        list_sessions,
        move |answer: &ListAnswer| {
            let mut seen =
                questions.with_untracked(|before| question_changes(before, &answer.questions));
            seen.extend(list.with_untracked(|before| list_changes(before, &answer.list)));
            monitor.announce(seen);
            list.set(answer.list.clone());
            questions.set(answer.questions.clone());
        },
    );

    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let status =
        Memo::new(move |_| StatusFilter::from_query(query.read().get("status").as_deref()));
    let limit = Memo::new(move |_| {
        query
            .read()
            .get("limit")
            .and_then(|raw| raw.parse::<usize>().ok())
            .unwrap_or(PAGE)
            .max(1)
    });
    let navigate = use_navigate();
    let set_param = move |name: &'static str, value: String| {
        let mut params = query.get_untracked();
        params.remove(name);
        params.remove("limit");
        if !value.is_empty() {
            params.insert(name, value);
        }
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&format!("/sessions{}", params.to_query_string()), options);
    };
    let set_param_too = set_param.clone();

    let visible = Memo::new(move |_| {
        list.with(|list| {
            filter_sessions(&list.sessions, &search.get(), status.get())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let visible_invalid = Memo::new(move |_| {
        list.with(|list| {
            filter_invalid(&list.invalid, &search.get(), status.get())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let shown = move || visible.with(|v| v.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let hidden_count = move || visible.with(Vec::len).saturating_sub(limit.get());
    let more_href = move || {
        let mut params = query.get();
        params.remove("limit");
        params.insert("limit", (limit.get() + PAGE).to_string());
        format!("/sessions{}", params.to_query_string())
    };
    let is_empty = move || list.with(|l| l.sessions.is_empty() && l.invalid.is_empty());
    let no_matches =
        move || !is_empty() && visible.with(Vec::is_empty) && visible_invalid.with(Vec::is_empty);

    let title =
        Signal::derive(move || with_open_questions(questions.with(Vec::len), "Monitor Sessions"));
    let on_answered = Callback::new(move |()| monitor.refresh.trigger.run(()));
    view! {
        <PageTitle text=title />
        <NeedsYou questions now on_answered />
        <div class="monitor-head">
            <h2 id="sessions-heading">
                "Sessions " <span class="count">{move || format!("({})", list.with(|l| l.count))}</span>
            </h2>
            <p class="refreshed">
                "Refreshed "
                {move || relative_time(now.get(), refreshed_at.get())}
                " · checks every "
                {move || format!("{} s", monitor.poll_interval_ms.get() / 1000)}
            </p>
            <RefreshButton params=vec![("tab", "monitor".to_string())] />
        </div>
        <Show when=move || error.get().is_some()>
            <RefreshError error=error.get().unwrap_or_default() shown_since=refreshed_at />
        </Show>

        <form method="get" action="/sessions" role="search" class="list-filters" on:submit=|ev| ev.prevent_default()>
            <input type="hidden" name="tab" value="monitor" />
            <label class="field">
                <span>"Search sessions"</span>
                <input
                    type="search"
                    name="q"
                    placeholder="Name, id or description"
                    value=move || search.get()
                    prop:value=move || search.get()
                    on:input:target=move |ev| set_param("q", ev.target().value())
                />
            </label>
            <label class="field">
                <span>"Status"</span>
                <select name="status" on:change:target=move |ev| {
                    let value = ev.target().value();
                    set_param_too("status", if value == "all" { String::new() } else { value })
                }>
                    {StatusFilter::ALL
                        .into_iter()
                        .map(|filter| {
                            let label = move || list.with(|l| format!("{} ({})", filter.label(), filter.count(&l.sessions, &l.invalid)));
                            view! {
                                <option
                                    value=filter.slug()
                                    selected=move || status.get() == filter
                                    prop:selected=move || status.get() == filter
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            // Filters apply as you type once hydrated; without JavaScript this submits them.
            <button type="submit" hidden=move || hydrated.get()>"Apply"</button>
        </form>

        <Show when=is_empty>
            <EmptyState dir=list.with_untracked(|l| l.sessions_dir.clone()) />
        </Show>
        <Show when=no_matches>
            <p class="empty">
                "No sessions match these filters. "
                <a href=super::LIST_HREF>"Show all sessions"</a>
            </p>
        </Show>

        <ul class="session-list" aria-labelledby="sessions-heading">
            <For each=shown key=|s| (s.id.clone(), s.updated_ms, s.stale, s.aggregation.needs_input) let:session>
                <SessionRow session now />
            </For>
        </ul>
        <Show when=move || { hidden_count() > 0 }>
            <p class="show-more">
                <a href=more_href>{move || format!("Show more ({} not shown)", hidden_count())}</a>
            </p>
        </Show>

        <Show when=move || visible_invalid.with(|v| !v.is_empty())>
            <section class="invalid-sessions" aria-labelledby="invalid-heading">
                <h3 id="invalid-heading">"Sessions that cannot be read"</h3>
                <ul>
                    <For each=move || visible_invalid.get() key=|s| (s.id.clone(), s.error.clone()) let:session>
                        <InvalidRow session now />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn SessionRow(session: SessionSummary, now: RwSignal<i64>) -> impl IntoView {
    let updated_ms = session.updated_ms;
    let progress = format!(
        "{} of {} agents complete",
        session.completed_agents, session.total_agents
    );
    let percent = (session.completed_agents * 100)
        .checked_div(session.total_agents)
        .unwrap_or(0);
    view! {
        <li class="session-row">
            <div class="session-row__main">
                <a class="session-row__link" href=session_href(&session.id)>
                    {session.feature_name.clone()}
                </a>
                <SessionStatusBadge status=session.status />
                <NeedsInputBadge agents=session.aggregation.needs_input />
                {session.stale.then(|| view! {
                    <span class="badge badge--warn" title=session.stale_error.clone()>
                        <span aria-hidden="true">"⚠ "</span>"Unreadable now: showing last good copy"
                    </span>
                })}
            </div>
            <div class="session-row__meta">
                <span class="progress-text">
                    <Meter percent=percent as u32 class="meter" />
                    {progress}
                </span>
                <span>"Created " <LocalTime ms=session.created_ms /></span>
                <span>"Updated " {move || relative_time(now.get(), updated_ms)}</span>
                <code class="session-row__id">{session.id.clone()}</code>
            </div>
            {(!session.description.is_empty()).then(|| view! { <p class="session-row__description">{session.description.clone()}</p> })}
            {(!session.warnings.is_empty()).then(|| view! {
                <ul class="warnings" aria-label="Warnings">
                    {session.warnings.iter().map(|w| view! { <li><span aria-hidden="true">"⚠ "</span>{w.clone()}</li> }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[component]
fn InvalidRow(session: InvalidSession, now: RwSignal<i64>) -> impl IntoView {
    let updated_ms = session.updated_ms;
    view! {
        <li class="session-row session-row--invalid">
            <div class="session-row__main">
                <span class="status status--unknown">
                    <span class="status__icon" aria-hidden="true">"⚠"</span>
                    "Unreadable"
                </span>
                <code>{session.id.clone()}</code>
            </div>
            <p class="session-row__error">{session.error.clone()}</p>
            <p class="session-row__meta">"Changed " {move || relative_time(now.get(), updated_ms)}</p>
        </li>
    }
}

#[component]
fn EmptyState(dir: String) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h3>"No sessions yet"</h3>
            <p>
                "The hub lists every folder of " <code>{dir}</code>
                " that holds a " <code>"communication.json"</code>
                ". Create one with the wizard, or have your tooling write one there: it appears here as soon as it is on disk."
            </p>
            <p><a href="/sessions?tab=create" class="button-link">"Create a session"</a></p>
        </div>
    }
}
