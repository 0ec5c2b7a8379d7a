//! One session: counts, orchestrator, agents, waves, instructions.

use super::lifecycle::{wanted_dialog, LifecycleButton, LifecycleDialog};
use super::output_viewer::{OutputViewer, RawFileViewer, ViewOutputButton, ViewRawFileButton};
use super::questions::SessionQuestions;
use super::refetch::{use_refetch, UseRefetchReturn};
use super::waves::Waves;
use super::{use_monitor, RefreshButton, RefreshError, LIST_HREF};
use crate::domain::attention::Attention;
use crate::domain::format::encode_query_value;
use crate::domain::lifecycle::LifecycleAction;
use crate::domain::monitor::DetailAnswer;
use crate::domain::output::RawFile;
use crate::domain::session::PhaseLink;
use crate::domain::{AgentStatus, AgentView, HubError, SessionDetail};
use crate::server_fns::sessions::get_session;
use crate::ui::components::{
    titled, with_open_questions, AgentStatusBadge, AttentionBadge, CopyButton, Icon, IconName,
    LocalTime, PageTitle,
};
use crate::ui::model::announce::detail_changes;
use crate::ui::model::time::relative_time;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SessionDetailView(id: String) -> impl IntoView {
    let fetch_id = id.clone();
    let first = Resource::new(move || fetch_id.clone(), get_session);
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href=LIST_HREF>"← All sessions"</a>
        </nav>
        <Suspense fallback=|| view! { <p class="loading">"Loading the session…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match first.await {
                        Ok(answer) => view! { <LiveDetail initial=answer /> }.into_any(),
                        Err(error) => view! { <DetailError id error retry=move || first.refetch() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn DetailError(
    id: String,
    error: HubError,
    retry: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(error.status_code()),
    ) {
        response.set_status(status);
    }
    let heading = match &error {
        HubError::NotFound(_) => "Session not found".to_owned(),
        HubError::Unreadable(_) => "This session cannot be read".to_owned(),
        _ => "Cannot load this session".to_owned(),
    };
    let retryable = error.is_internal();
    view! {
        <PageTitle text=titled(&id) />
        <div class="refresh-error" role="alert">
            <h2>{heading}</h2>
            <p>{error.to_string()}</p>
            {retryable.then(|| view! { <button type="button" on:click=move |_| retry()>"Retry"</button> })}
        </div>
    }
}

#[component]
fn LiveDetail(initial: DetailAnswer) -> impl IntoView {
    let monitor = use_monitor();
    monitor
        .poll_interval_ms
        .set(initial.settings.poll_interval_ms);
    let id = initial.session.summary.id.clone();
    let detail = RwSignal::new(initial.session.clone());
    let open_questions = RwSignal::new(initial.open_questions);
    let generation = RwSignal::new(initial.generation);
    monitor.follow_generation(generation.into());
    let fetch_id = id.clone();
    let UseRefetchReturn {
        error,
        refreshed_at,
        now,
    } = use_refetch(
        monitor,
        &initial,
        move || get_session(fetch_id.clone()),
        move |answer: &DetailAnswer| {
            monitor
                .announce(detail.with_untracked(|before| detail_changes(before, &answer.session)));
            detail.set(answer.session.clone());
            open_questions.set(answer.open_questions);
            generation.set(answer.generation);
        },
    );

    let query = use_query_map();
    let viewer = Memo::new(move |_| {
        let query = query.read();
        query
            .get("output")
            .filter(|agent| !agent.is_empty())
            .map(|agent| (agent, query.get("path")))
    });
    let raw = Memo::new(move |_| query.read().get("raw").and_then(|raw| RawFile::parse(&raw)));
    let confirm = Memo::new(move |_| {
        let archived = detail.with(|d| d.summary.archived);
        wanted_dialog(query.read().get("confirm").as_deref(), archived)
    });
    let trash_days = initial.settings.trash_days;
    let session = id.clone();
    let on_answered = Callback::new(move |()| monitor.refresh.trigger.run(()));
    let questions = Signal::derive(move || detail.with(|d| d.questions.clone()));
    view! {
        <DetailHeader detail now refreshed_at id=id.clone() open_questions />
        <Show when=move || error.get().is_some()>
            <RefreshError error=error.get().unwrap_or_default() shown_since=refreshed_at />
        </Show>
        <DetailNotices detail />
        <ArchivedNotice detail />
        <PhaseNav detail />
        <SessionQuestions session=session.clone() questions now on_answered />
        <StartPrompts detail />
        <ProgressSection detail />
        <OrchestratorSection detail />
        // The graph before the table: at 50 agents it is the overview, the table the detail.
        <section aria-labelledby="waves-heading" class="detail-section">
            <h3 id="waves-heading">"Execution waves"</h3>
            {move || view! { <Waves agents=detail.with(|d| d.agents.clone()) /> }}
        </section>
        <AgentsSection detail now session=session.clone() />
        <super::usage::UsageSection detail />
        <super::timeline::TimelineSection session=session.clone() />
        {
            let session = session.clone();
            move || raw.get().map(|file| view! { <RawFileViewer session=session.clone() file /> })
        }
        {move || viewer.get().map(|(agent, path)| {
            view! { <OutputViewer session=session.clone() agent path /> }
        })}
        {move || confirm.get().map(|action| {
            let refused = query.read_untracked().get("move_error");
            let feature_name = detail.with_untracked(|d| d.summary.feature_name.clone());
            view! {
                <LifecycleDialog session=id.clone() feature_name action trash_days refused />
            }
        })}
        <InstructionsSection detail />
    }
}

// The sections below are separate components returning `AnyView` so the view types stay small
// enough for the compiler (release builds do not erase component types).

#[component]
fn DetailHeader(
    detail: RwSignal<SessionDetail>,
    now: RwSignal<i64>,
    refreshed_at: RwSignal<i64>,
    id: String,
    open_questions: RwSignal<usize>,
) -> impl IntoView {
    let monitor = use_monitor();
    let summary = move || detail.with(|d| d.summary.clone());
    let title = Signal::derive(move || {
        with_open_questions(
            open_questions.get(),
            &detail.with(|d| d.summary.feature_name.clone()),
        )
    });
    view! {
        <PageTitle text=title />
        <header class="detail-head">
            <div>
                <h2>{move || summary().feature_name}</h2>
                <p class="detail-head__status">
                    {move || view! { <AttentionBadge attention=summary().attention.attention /> }}
                    {move || {
                        let s = summary();
                        format!(" · {} of {} agents complete", s.completed_agents, s.total_agents)
                    }}
                    <span class="muted">
                        {move || {
                            let s = summary();
                            let source = match s.status_source {
                                crate::domain::StatusSource::Explicit => "set in communication.json",
                                crate::domain::StatusSource::Calculated => "from its agents",
                            };
                            format!(" · session status {} ({source})", s.status.label().to_lowercase())
                        }}
                    </span>
                </p>
                <Show when=move || !summary().description.is_empty()>
                    <p class="detail-head__description">{move || summary().description}</p>
                </Show>
                <p class="muted">
                    <code>{id.clone()}</code>
                    {move || summary().workorder_id.map(|wo| view! { " · work order " <span class="agent-text">{wo}</span> })}
                    " · created " {move || view! { <LocalTime ms=summary().created_ms /> }}
                    " · active " {move || relative_time(now.get(), summary().attention.last_activity_ms)}
                </p>
            </div>
            <div class="detail-head__actions">
                <RefreshButton params=vec![("tab", "monitor".to_string()), ("session", id.clone())] />
                <div class="detail-head__files" role="group" aria-label="Session files">
                    <a class="button-link button-small" href=format!("/api/sessions/{}/report.md", encode_query_value(&id)) download>
                        "Download report"
                    </a>
                    <a class="button-link button-small" href=format!("/api/sessions/{}/export.zip", encode_query_value(&id)) download>
                        "Download zip"
                    </a>
                    <ViewRawFileButton session=id.clone() file=RawFile::Communication />
                    <ViewRawFileButton session=id.clone() file=RawFile::Instructions />
                </div>
                <div class="detail-head__lifecycle" role="group" aria-label="Session actions">
                    {move || {
                        let session = id.clone();
                        if summary().archived {
                            view! {
                                <LifecycleButton session=session.clone() action=LifecycleAction::Restore />
                                <LifecycleButton session action=LifecycleAction::Delete />
                            }
                                .into_any()
                        } else {
                            view! { <LifecycleButton session action=LifecycleAction::Archive /> }.into_any()
                        }
                    }}
                </div>
                <p class="refreshed">
                    {move || if monitor.fetch_failed.get() { "Not current: last refreshed " } else { "Refreshed " }}
                    {move || relative_time(now.get(), refreshed_at.get())}
                </p>
            </div>
        </header>
    }
    .into_any()
}

/// The lines to paste into each agent's terminal, as the hub wrote them at creation (sessions
/// made elsewhere have none). Open while no agent has started, folded away after.
#[component]
fn StartPrompts(detail: RwSignal<SessionDetail>) -> impl IntoView {
    let prompts = Memo::new(move |_| {
        detail.with(|d| {
            d.agents
                .iter()
                .filter_map(|a| {
                    a.start_prompt
                        .clone()
                        .map(|prompt| (a.agent_id.clone(), prompt, a.connect_command.clone()))
                })
                .collect::<Vec<_>>()
        })
    });
    let fresh = move || {
        detail.with(|d| {
            d.agents
                .iter()
                .all(|a| matches!(a.status, AgentStatus::NotStarted | AgentStatus::Pending))
        })
    };
    view! {
        <Show when=move || prompts.with(|p| !p.is_empty())>
            <section class="detail-section" aria-labelledby="start-heading">
                <details class="start-prompts" open=fresh>
                    <summary><h3 id="start-heading">"Start the agents"</h3></summary>
                    <p class="muted">"Paste each line into its agent's terminal."</p>
                    <ol class="one-liners">
                        <For each=move || prompts.get() key=|(agent, prompt, _)| (agent.clone(), prompt.clone()) let:item>
                            <li class="one-liner">
                                <span class="one-liner__agent agent-text">{item.0.clone()}</span>
                                <code class="one-liner__text">{item.1.clone()}</code>
                                <CopyButton text=item.1.clone() what=format!("the line for {}", item.0) />
                                {item.2.clone().map(|connect| view! {
                                    <code class="one-liner__text">{connect.clone()}</code>
                                    <CopyButton text=connect what=format!("the connect command for {}", item.0) />
                                })}
                            </li>
                        </For>
                    </ol>
                </details>
            </section>
        </Show>
    }
    .into_any()
}

/// The feature's phases around this session, linked both ways, and "Start next phase" once
/// the session is complete.
#[component]
fn PhaseNav(detail: RwSignal<SessionDetail>) -> impl IntoView {
    let link = |to: PhaseLink| {
        let label = match &to.phase {
            Some(phase) => format!("{phase} ({})", to.feature_name),
            None => to.feature_name.clone(),
        };
        view! {
            <a class="agent-text" href=super::session_href(&to.id)>{label}</a>
            {to.archived.then_some(" (archived)")}
        }
    };
    move || {
        let (summary, chain) = detail.with(|d| (d.summary.clone(), d.phases.clone()));
        let complete = summary.status == crate::domain::SessionStatus::Complete;
        if summary.phase.is_none() && chain.previous.is_none() && chain.next.is_empty() && !complete
        {
            return ().into_any();
        }
        let next_href = format!(
            "/sessions?tab=create&next_phase={}",
            encode_query_value(&summary.id)
        );
        view! {
            <nav class="phase-nav" aria-label="Phases">
                {summary.phase.clone().map(|phase| view! {
                    <span>"Phase: " <strong class="agent-text">{phase}</strong></span>
                })}
                {chain.previous.clone().map(|previous| view! {
                    <span>"Follows " {link(previous)}</span>
                })}
                {(!chain.next.is_empty()).then(|| view! {
                    <span>
                        "Continued in "
                        {chain.next.iter().cloned().map(|next| view! { {link(next)} " " }).collect_view()}
                    </span>
                })}
                {(complete && !summary.archived).then(|| view! {
                    <a class="button-link button-small" href=next_href>"Start next phase"</a>
                })}
            </nav>
        }
        .into_any()
    }
}

/// An archived session says so first, and what that means.
#[component]
fn ArchivedNotice(detail: RwSignal<SessionDetail>) -> impl IntoView {
    view! {
        <Show when=move || detail.with(|d| d.summary.archived)>
            <p class="notice notice--archived" role="status">
                <strong>"Archived. "</strong>
                "Agents cannot report to this session until it is restored; it is hidden from the list unless the \"Archived\" filter is chosen."
            </p>
        </Show>
    }
    .into_any()
}

#[component]
fn DetailNotices(detail: RwSignal<SessionDetail>) -> impl IntoView {
    let summary = move || detail.with(|d| d.summary.clone());
    view! {
        <Show when=move || summary().stale>
            <p class="notice notice--warn" role="alert">
                <strong>"communication.json cannot be read right now; showing the last good copy. "</strong>
                {move || summary().stale_error.unwrap_or_default()}
            </p>
        </Show>
        <Show when=move || !summary().warnings.is_empty()>
            <ul class="warnings" aria-label="Warnings">
                {move || summary().warnings.into_iter().map(|w| view! { <li><Icon name=IconName::Warning />{w}</li> }).collect_view()}
            </ul>
        </Show>
    }
    .into_any()
}

#[component]
fn ProgressSection(detail: RwSignal<SessionDetail>) -> impl IntoView {
    view! {
        <section aria-labelledby="progress-heading" class="detail-section">
            <h3 id="progress-heading">"Progress"</h3>
            {move || {
                let counts = detail.with(|d| d.summary.attention.attention_counts);
                let unknown = detail.with(|d| d.summary.aggregation.unknown);
                view! {
                    <dl class="counts">
                        <div><dt>"Agents"</dt><dd>{counts.total()}</dd></div>
                        {Attention::ALL.into_iter().map(|state| view! {
                            <div class=format!("counts__{}", state.as_str())>
                                <dt><Icon name=IconName::of(state) />{state.label()}</dt>
                                <dd>{counts.get(state)}</dd>
                            </div>
                        }).collect_view()}
                        {(unknown > 0).then(|| view! { <div><dt>"Unknown status"</dt><dd>{unknown}</dd></div> })}
                    </dl>
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn OrchestratorSection(detail: RwSignal<SessionDetail>) -> impl IntoView {
    view! {
        {move || detail.with(|d| d.orchestrator.clone()).map(|orchestrator| view! {
            <section aria-labelledby="orchestrator-heading" class="detail-section">
                <h3 id="orchestrator-heading">"Orchestrator"</h3>
                <p>
                    <strong>{orchestrator.agent_id.clone().unwrap_or_else(|| "(no id)".into())}</strong>
                    {orchestrator.role.clone().map(|role| view! { ": " <span class="agent-text">{role}</span> })}
                    " "
                    {orchestrator.status.clone().map(|status| view! { <AgentStatusBadge status /> })}
                </p>
            </section>
        })}
    }
    .into_any()
}

#[component]
fn AgentsSection(
    detail: RwSignal<SessionDetail>,
    now: RwSignal<i64>,
    session: String,
) -> impl IntoView {
    view! {
        <section aria-labelledby="agents-heading" class="detail-section">
            <h3 id="agents-heading">"Agents"</h3>
            <div class="table-scroll">
                <table class="agents">
                    <thead>
                        <tr>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Wave"</th>
                            <th scope="col">"Depends on"</th>
                            <th scope="col">"Output"</th>
                            <th scope="col">"Active"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || detail.with(|d| d.agents.clone().into_iter().enumerate().collect::<Vec<_>>())
                            key=|(index, agent)| (
                                *index,
                                agent.agent_id.clone(),
                                agent.status.clone(),
                                agent.updated_ms,
                                agent.blocked_by.clone(),
                                agent.attention,
                                agent.output_ready,
                                agent.status_message.clone(),
                                agent.notes.clone(),
                            )
                            let:((index, agent))
                        >
                            <AgentRow index agent now session=session.clone() />
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || detail.with(|d| d.agents.is_empty())>
                <p class="empty">"This session has no agents."</p>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn InstructionsSection(detail: RwSignal<SessionDetail>) -> impl IntoView {
    view! {
        <section aria-labelledby="instructions-heading" class="detail-section">
            <h3 id="instructions-heading">"Instructions"</h3>
            {move || match detail.with(|d| d.instructions.clone()) {
                None => view! { <p class="muted">"This session has no instructions.json."</p> }.into_any(),
                Some(instructions) if instructions.error.is_some() => view! {
                    <p class="notice notice--warn">{instructions.error.unwrap_or_default()}</p>
                }.into_any(),
                Some(instructions) => view! {
                    <p>
                        {format!("{} blocks: ", instructions.total_blocks)}
                        {instructions.by_type.iter().filter(|(_, n)| *n > 0).map(|(kind, n)| format!("{n} {kind}")).collect::<Vec<_>>().join(", ")}
                    </p>
                    <ol class="instruction-blocks">
                        {instructions.blocks.into_iter().map(|block| view! {
                            <li>
                                <span class=format!("block-kind block-kind--{}", block.kind)>{block.kind.label()}</span>
                                <span class="block-content">{block.content}</span>
                                {(!block.assigned_to.is_empty()).then(|| view! {
                                    <span class="muted">" → " {block.assigned_to.join(", ")}</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// One agent: what it needs first (its attention, and why), then its status and the rest.
/// Each cell names its column too, for the phone layout where rows become cards.
#[component]
fn AgentRow(index: usize, agent: AgentView, now: RwSignal<i64>, session: String) -> impl IntoView {
    let updated_ms = agent.updated_ms;
    let attention = agent.attention;
    // The status adds something when the attention does not already say it.
    let status_too = !matches!(
        (attention, &agent.status),
        (Attention::Blocked, AgentStatus::Blocked)
            | (Attention::Complete, AgentStatus::Complete)
            | (Attention::Running, AgentStatus::InProgress)
            | (Attention::NotStarted, AgentStatus::NotStarted)
    );
    let reason = agent.reason().map(str::to_owned);
    view! {
        <tr id=super::waves::agent_anchor(index) class=format!("agent-row agent-row--{}", attention.as_str())>
            <th scope="row"><code>{agent.agent_id.clone()}</code></th>
            <td data-label="Role" class=empty_cell(agent.role.as_deref().unwrap_or_default().trim().is_empty())>
                {agent.role.clone().unwrap_or_default()}
            </td>
            <td data-label="Status">
                <AttentionBadge attention />
                {status_too.then(|| view! { <span class="agent-row__status">" " <AgentStatusBadge status=agent.status.clone() /></span> })}
                {reason.map(|reason| view! { <p class="status-message agent-text">{reason}</p> })}
                {(!agent.blocked_by.is_empty()).then(|| view! {
                    <p class="blocked-by">"Waiting for " {agent.blocked_by.join(", ")}</p>
                })}
            </td>
            <td data-label="Wave">{agent.wave.map(|w| w.to_string()).unwrap_or_else(|| "–".into())}</td>
            <td data-label="Depends on" class=empty_cell(agent.depends_on.is_empty())>{if agent.depends_on.is_empty() { "–".to_string() } else { agent.depends_on.join(", ") }}</td>
            <td data-label="Output" class=empty_cell(agent.outputs.is_empty())>
                {if agent.outputs.is_empty() {
                    view! { <span class="muted">"none named"</span> }.into_any()
                } else {
                    view! {
                        <ul class="outputs">
                            {agent.outputs.iter().map(|path| view! { <li><code>{path.clone()}</code></li> }).collect_view()}
                        </ul>
                        <ViewOutputButton session agent=agent.agent_id.clone() ready=agent.output_ready />
                    }.into_any()
                }}
            </td>
            <td data-label="Active">{move || relative_time(now.get(), updated_ms)}</td>
        </tr>
    }
}

/// Cells with nothing to say are left out of the phone's cards.
fn empty_cell(empty: bool) -> Option<&'static str> {
    empty.then_some("agents__empty")
}
