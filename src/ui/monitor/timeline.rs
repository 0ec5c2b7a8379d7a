//! The detail's "Timeline": one lane per agent, its statuses in colour over the session's time
//! (each segment titled in words), questions as markers, the elapsed time; and the same as a
//! table ("Time in each status") for anyone who cannot see the drawing. Rendered on the server,
//! refetched on every refresh of the page.

use super::use_monitor;
use crate::domain::status::AgentStatus;
use crate::domain::timeline::{duration_words, Timeline};
use crate::server_fns::sessions::get_timeline;
use crate::ui::components::LocalTime;
use leptos::prelude::*;

/// Drawing units: the lanes span this width, each lane this tall.
const WIDTH: f64 = 1000.0;
const LANE: f64 = 16.0;
const GAP: f64 = 6.0;
const AXIS: f64 = 18.0;

/// The colour class of a status: the known ones by name, anything an agent made up as one.
fn status_class(status: &str) -> &'static str {
    match AgentStatus::parse(status) {
        AgentStatus::InProgress => "tl--in_progress",
        AgentStatus::Blocked => "tl--blocked",
        AgentStatus::Complete => "tl--complete",
        AgentStatus::NotStarted | AgentStatus::Pending => "tl--not_started",
        _ => "tl--other",
    }
}

fn status_words(status: &str) -> String {
    AgentStatus::parse(status).label()
}

#[component]
pub fn TimelineSection(session: String) -> impl IntoView {
    let monitor = use_monitor();
    let timeline = Resource::new(move || session.clone(), get_timeline);
    Effect::new(move |previous: Option<u64>| {
        let tick = monitor.refresh.tick.get();
        if previous.is_some() {
            timeline.refetch();
        }
        tick
    });
    view! {
        <section aria-labelledby="timeline-heading" class="detail-section">
            <h3 id="timeline-heading">"Timeline"</h3>
            <Transition fallback=|| view! { <p class="loading">"Loading the timeline…"</p> }>
                {move || Suspend::new(async move {
                    match timeline.await {
                        Ok(timeline) if timeline.lanes.iter().any(|lane| lane.changes > 0) => {
                            view! { <TimelineView timeline /> }.into_any()
                        }
                        Ok(_) => view! {
                            <p class="muted">"Nothing recorded yet: the timeline starts with the first status change the hub records."</p>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <p class="refresh-error" role="alert">"Cannot load the timeline: " {error.to_string()}</p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TimelineView(timeline: Timeline) -> impl IntoView {
    let elapsed = duration_words(timeline.elapsed_ms());
    let height = AXIS + timeline.lanes.len() as f64 * (LANE + GAP);
    let x = |ms: i64| timeline.fraction(ms) * WIDTH;
    let lanes = timeline
        .lanes
        .iter()
        .enumerate()
        .map(|(n, lane)| {
            let y = AXIS + n as f64 * (LANE + GAP);
            let segments = lane
                .segments
                .iter()
                .map(|segment| {
                    let (from, to) = (x(segment.from_ms), x(segment.to_ms));
                    let title = match segment.folded {
                        1 => format!(
                            "{}: {} for {}",
                            lane.agent,
                            status_words(&segment.status),
                            duration_words(segment.to_ms - segment.from_ms)
                        ),
                        folded => format!(
                            "{}: {folded} changes in {}, mostly {}",
                            lane.agent,
                            duration_words(segment.to_ms - segment.from_ms),
                            status_words(&segment.status)
                        ),
                    };
                    view! {
                        <rect class=status_class(&segment.status) x=format!("{from:.1}") y=format!("{y:.1}")
                            width=format!("{:.1}", (to - from).max(1.0)) height=LANE>
                            <title>{title}</title>
                        </rect>
                    }
                })
                .collect_view();
            view! { <g class="timeline__lane">{segments}</g> }
        })
        .collect_view();
    let lane_of = |agent: &str| timeline.lanes.iter().position(|lane| lane.agent == agent);
    let markers = timeline
        .markers
        .iter()
        .filter_map(|marker| {
            let n = lane_of(&marker.agent)?;
            let cy = AXIS + n as f64 * (LANE + GAP) + LANE / 2.0;
            let title = format!("{} · {}: {}", marker.kind.label(), marker.agent, marker.text);
            Some(view! {
                <circle class="timeline__marker" cx=format!("{:.1}", x(marker.at_ms)) cy=format!("{cy:.1}") r="4">
                    <title>{title}</title>
                </circle>
            })
        })
        .collect_view();
    let ticks = [0.25, 0.5, 0.75]
        .into_iter()
        .map(|at| {
            let label = format!("+{}", duration_words((timeline.elapsed_ms() as f64 * at) as i64));
            view! {
                <line class="timeline__tick" x1=at * WIDTH x2=at * WIDTH y1=AXIS - 4.0 y2=height />
                <text class="timeline__tick-label" x=at * WIDTH y="11" text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let names = timeline
        .lanes
        .iter()
        .map(|lane| view! { <li class="agent-text">{lane.agent.clone()}</li> })
        .collect_view();
    let label = format!(
        "Timeline of {} agents over {elapsed}; the table “Time in each status” below says the same in words",
        timeline.lanes.len()
    );
    view! {
        <p class="timeline__span">
            "From " <LocalTime ms=timeline.start_ms /> " · elapsed " <strong>{elapsed.clone()}</strong>
            " · " {question_events(timeline.markers.len())}
        </p>
        <div class="timeline">
            <ol class="timeline__names" aria-hidden="true">{names}</ol>
            <svg class="timeline__chart" role="img" aria-label=label
                // The height as an attribute, not a style: the page's CSP allows no inline styles.
                viewBox=format!("0 0 {WIDTH} {height:.0}") preserveAspectRatio="none"
                height=format!("{height:.0}")>
                {ticks}
                {lanes}
                {markers}
            </svg>
        </div>
        <TimelineLegend />
        <TimeInStatus timeline />
    }
}

fn question_events(count: usize) -> String {
    match count {
        1 => "1 question event".to_owned(),
        n => format!("{n} question events"),
    }
}

#[component]
fn TimelineLegend() -> impl IntoView {
    let entries = [
        ("tl--not_started", "Not started"),
        ("tl--in_progress", "In progress"),
        ("tl--blocked", "Blocked"),
        ("tl--complete", "Complete"),
        ("tl--other", "Other"),
    ];
    view! {
        <ul class="timeline__legend" aria-label="Colours">
            {entries.into_iter().map(|(class, label)| view! {
                <li><span class=format!("timeline__swatch {class}") aria-hidden="true"></span>{label}</li>
            }).collect_view()}
            <li><span class="timeline__swatch timeline__swatch--marker" aria-hidden="true"></span>"Question"</li>
        </ul>
    }
}

/// The timeline as a table: each agent's time in each status, and how often it changed.
#[component]
fn TimeInStatus(timeline: Timeline) -> impl IntoView {
    let mut statuses: Vec<String> = Vec::new();
    for lane in &timeline.lanes {
        for (status, _) in &lane.totals {
            if !statuses.contains(status) {
                statuses.push(status.clone());
            }
        }
    }
    statuses.sort_by_key(|status| AgentStatus::parse(status).label());
    let head = statuses
        .iter()
        .map(|status| view! { <th scope="col">{status_words(status)}</th> })
        .collect_view();
    let rows = timeline
        .lanes
        .iter()
        .map(|lane| {
            let cells = statuses
                .iter()
                .map(|status| {
                    let ms = lane
                        .totals
                        .iter()
                        .find(|(s, _)| s == status)
                        .map(|(_, ms)| *ms);
                    view! { <td>{ms.map(duration_words).unwrap_or_else(|| "–".into())}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><code>{lane.agent.clone()}</code></th>
                    {cells}
                    <td>{lane.changes}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="timeline__table">
            <summary>"Time in each status (table)"</summary>
            <div class="table-scroll">
                <table class="agents">
                    <caption class="visually-hidden">"Time in each status, per agent"</caption>
                    <thead><tr><th scope="col">"Agent"</th>{head}<th scope="col">"Changes"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}
