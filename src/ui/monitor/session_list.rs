//! The list of sessions, most urgent first: search, attention filter, order, invalid entries,
//! empty state; `/` focuses the search, `j`/`k` move between sessions, Enter opens one.

use super::questions::NeedsYou;
use super::refetch::{use_refetch, UseRefetchReturn};
use super::{session_href, use_monitor, RefreshButton, RefreshError};
use crate::domain::attention::Attention;
use crate::domain::monitor::ListAnswer;
use crate::domain::InvalidSession;
use crate::server_fns::sessions::list_sessions;
use crate::ui::components::{
    with_open_questions, AttentionBadge, Icon, IconName, LocalTime, PageTitle,
};
use crate::ui::model::announce::{list_changes, question_changes};
use crate::ui::model::chains::{flat_rows, group_chains, ChainRow};
use crate::ui::model::filter::{filter_invalid, filter_sessions, SortOrder, StatusFilter};
use crate::ui::model::time::relative_time;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// Rows shown at first; "Show more" adds this many.
const PAGE: usize = 100;

#[component]
pub fn SessionListView() -> impl IntoView {
    let query = use_query_map();
    // The archive is a list of its own: the first answer is the one the URL asks for; the
    // live list fetches the other when the filter changes.
    let archived =
        StatusFilter::from_query(query.read_untracked().get("status").as_deref()).wants_archived();
    let first = Resource::new(move || archived, list_sessions);
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
    let query = use_query_map();
    let wants_archived = Memo::new(move |_| {
        StatusFilter::from_query(query.read().get("status").as_deref()).wants_archived()
    });
    let UseRefetchReturn {
        error,
        refreshed_at,
        now,
    } = use_refetch(
        monitor,
        &initial,
        move || list_sessions(wants_archived.get_untracked()),
        move |answer: &ListAnswer| {
            let mut seen =
                questions.with_untracked(|before| question_changes(before, &answer.questions));
            seen.extend(list.with_untracked(|before| list_changes(before, &answer.list)));
            monitor.announce(seen);
            list.set(answer.list.clone());
            questions.set(answer.questions.clone());
        },
    );

    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let status =
        Memo::new(move |_| StatusFilter::from_query(query.read().get("status").as_deref()));
    let order = Memo::new(move |_| SortOrder::from_query(query.read().get("sort").as_deref()));
    let grouped = Memo::new(move |_| query.read().get("group").as_deref() == Some(GROUP_PHASES));
    // Choosing "Archived" (or leaving it) fetches the other list at once.
    Effect::new(move |previous: Option<bool>| {
        let now = wants_archived.get();
        if previous.is_some_and(|before| before != now) {
            monitor.refresh.trigger.run(());
        }
        now
    });
    let archived = move || list.with(|l| l.archived);
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
    let set_param_three = set_param.clone();
    let set_param_four = set_param.clone();
    use_list_keys();

    let visible = Memo::new(move |_| {
        list.with(|list| {
            filter_sessions(&list.sessions, &search.get(), status.get(), order.get())
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
    let shown = move || {
        visible.with(|v| {
            let rows = if grouped.get() {
                group_chains(v)
            } else {
                flat_rows(v)
            };
            rows.into_iter().take(limit.get()).collect::<Vec<_>>()
        })
    };
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
                {move || if archived() { "Archived sessions " } else { "Sessions " }} <span class="count">{move || {
                    let total = list.with(|l| l.sessions.len() + l.invalid.len());
                    let shown = visible.with(Vec::len) + visible_invalid.with(Vec::len);
                    if shown == total { format!("({total})") } else { format!("({shown} of {total})") }
                }}</span>
            </h2>
            <p class="refreshed">
                {move || if error.get().is_some() { "Not current: last refreshed " } else { "Refreshed " }}
                {move || relative_time(now.get(), refreshed_at.get())}
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
                            let label = move || list.with(|l| filter.counted_label(l));
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
            <label class="field">
                <span>"Order"</span>
                <select name="sort" on:change:target=move |ev| {
                    let value = ev.target().value();
                    set_param_three("sort", if value == "attention" { String::new() } else { value })
                }>
                    {SortOrder::ALL
                        .into_iter()
                        .map(|each| view! {
                            <option value=each.slug() selected=move || order.get() == each prop:selected=move || order.get() == each>
                                {each.label()}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="field field--check">
                <input
                    type="checkbox"
                    name="group"
                    value=GROUP_PHASES
                    checked=move || grouped.get()
                    prop:checked=move || grouped.get()
                    on:change:target=move |ev| {
                        let on = ev.target().checked();
                        set_param_four("group", if on { GROUP_PHASES.to_string() } else { String::new() })
                    }
                />
                <span>"Group phases"</span>
            </label>
            // Filters apply as you type once hydrated; without JavaScript this submits them.
            <button type="submit" hidden=move || hydrated.get()>"Apply"</button>
        </form>

        <Show when=move || is_empty() && !archived()>
            <EmptyState dir=list.with_untracked(|l| l.sessions_dir.clone()) />
        </Show>
        <Show when=move || is_empty() && archived()>
            <p class="empty">
                "No archived sessions. Archive a session from its page once it is done. "
                <a href=super::LIST_HREF>"Show the active sessions"</a>
            </p>
        </Show>
        <Show when=no_matches>
            <p class="empty">
                "No sessions match these filters. "
                <a href=super::LIST_HREF>"Show all sessions"</a>
            </p>
        </Show>

        <ul class="session-list" aria-labelledby="sessions-heading">
            <For
                each=shown
                key=|row| (row.session.id.clone(), row.session.updated_ms, row.session.stale, row.session.attention.clone(), row.depth, row.follows.clone())
                let:row
            >
                <SessionRow row now />
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

/// `?group=phases`: each phase under the one it continues.
const GROUP_PHASES: &str = "phases";

#[component]
fn SessionRow(row: ChainRow, now: RwSignal<i64>) -> impl IntoView {
    let ChainRow {
        session,
        depth,
        follows,
    } = row;
    let attention = session.attention.clone();
    let active_ms = attention.last_activity_ms;
    let progress = format!(
        "{} of {} agents complete",
        session.completed_agents, session.total_agents
    );
    // What the row says under its name: why it needs a person, else what it is about.
    let reason = attention
        .attention_reason
        .clone()
        .map(|reason| format!("{}: {}", reason.agent_id, reason.text));
    let about = reason
        .clone()
        .unwrap_or_else(|| session.description.clone());
    let chips = attention
        .attention_counts
        .present()
        .filter(|(state, _)| state.needs_a_person())
        .map(|(state, count)| {
            view! { <span class=format!("chip chip--{}", state.as_str())>{state.count_label(count)}</span> }
        })
        .collect_view();
    view! {
        <li
            // Classes, not a style attribute: the page's CSP allows no inline styles.
            class=format!(
                "session-row session-row--{}{}",
                attention.attention.as_str(),
                match depth {
                    0 => String::new(),
                    depth => format!(" session-row--continues session-row--depth-{}", depth.min(3)),
                },
            )
        >
            {follows.map(|name| view! {
                <p class="session-row__follows">
                    <Icon name=IconName::Continues />
                    "Next phase of " <span class="agent-text">{name}</span>
                </p>
            })}
            <div class="session-row__main">
                <AttentionBadge attention=attention.attention />
                <a class="session-row__link" href=session_href(&session.id)>
                    {session.feature_name.clone()}
                </a>
                <span class="session-row__chips">{chips}</span>
                {session.phase.clone().map(|phase| view! { <span class="chip chip--phase agent-text">{phase}</span> })}
                {session.archived.then(|| view! { <span class="chip chip--archived">"Archived"</span> })}
                {session.stale.then(|| view! {
                    <span class="chip chip--warn" title=session.stale_error.clone()>
                        "Unreadable now: showing last good copy"
                    </span>
                })}
            </div>
            <div class="session-row__meta">
                <span class="progress-text">
                    <ProgressBar counts=attention.attention_counts />
                    {progress}
                </span>
                <span title="The agents' last activity">"Active " {move || relative_time(now.get(), active_ms)}</span>
                {session.usage.map(|usage| view! {
                    <span class="session-row__cost" title=usage.summary()>
                        "Cost " {crate::domain::usage::format_usd(usage.cost_usd)}
                    </span>
                })}
            </div>
            <p class="session-row__about" title=about>
                {reason.map(|reason| view! { <span class="session-row__reason agent-text">{reason}</span> " " })}
                <span class="session-row__description agent-text">{session.description.clone()}</span>
            </p>
            <p class="session-row__when">
                <code class="session-row__id">{session.id.clone()}</code>
                " · created " <LocalTime ms=session.created_ms />
            </p>
            {(!session.warnings.is_empty()).then(|| view! {
                <ul class="warnings" aria-label="Warnings">
                    {session.warnings.iter().map(|w| view! { <li><Icon name=IconName::Warning />{w.clone()}</li> }).collect_view()}
                </ul>
            })}
        </li>
    }
}

/// The agents of a session as one bar, a segment per attention state in that state's colour
/// (decorative: the text beside it and the chips say the same).
#[component]
fn ProgressBar(counts: crate::domain::attention::AttentionCounts) -> impl IntoView {
    let total = counts.total().max(1) as u32;
    let mut x = 0;
    let segments = Attention::ALL
        .into_iter()
        .rev()
        .filter_map(|state| {
            let count = counts.get(state) as u32;
            (count > 0).then(|| {
                let width = count * 100 / total;
                let segment = view! { <rect class=format!("bar--{}", state.as_str()) x=x width=width height="10" /> };
                x += width;
                segment
            })
        })
        .collect_view();
    view! {
        <svg class="progress-bar" aria-hidden="true" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
            <rect class="progress-bar__track" width="100" height="10" />
            {segments}
        </svg>
    }
}

/// `/` focuses the search box; `j` and `k` move to the next and previous session; Enter (on
/// a focused link) opens it. Not while typing in a field.
fn use_list_keys() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                });
            if typing {
                return;
            }
            let focus = |selector: &str| {
                document()
                    .query_selector(selector)
                    .ok()
                    .flatten()
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    .map(|el| el.focus())
            };
            match ev.key().as_str() {
                "/" => {
                    ev.prevent_default();
                    focus("input[name=q]");
                }
                key @ ("j" | "k") => {
                    let Ok(links) = document().query_selector_all(".session-row__link") else {
                        return;
                    };
                    let active = document().active_element();
                    let links: Vec<web_sys::HtmlElement> = (0..links.length())
                        .filter_map(|n| links.item(n))
                        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
                        .collect();
                    let at = links.iter().position(|link| {
                        active
                            .as_ref()
                            .is_some_and(|a| a == link.unchecked_ref::<web_sys::Element>())
                    });
                    let next = match (key, at) {
                        ("j", None) => Some(0),
                        ("j", Some(n)) => Some((n + 1).min(links.len().saturating_sub(1))),
                        (_, Some(n)) => Some(n.saturating_sub(1)),
                        (_, None) => links.len().checked_sub(1),
                    };
                    if let Some(link) = next.and_then(|n| links.get(n)) {
                        ev.prevent_default();
                        let _ = link.focus();
                    }
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }
}

#[component]
fn InvalidRow(session: InvalidSession, now: RwSignal<i64>) -> impl IntoView {
    let updated_ms = session.updated_ms;
    view! {
        <li class="session-row session-row--invalid">
            <div class="session-row__main">
                <span class="attention attention--unreadable">
                    <Icon name=IconName::Warning />
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
            <p><a href="/sessions?tab=create" class="button-link button-primary">"Create a session"</a></p>
        </div>
    }
}
