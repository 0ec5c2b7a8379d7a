//! The execution waves of a session: a diagram (columns of agents, arrows from each dependency
//! to its dependent) and, for screen readers and narrow screens, the same as a list that says
//! who each waiting agent is blocked by.

use crate::domain::untrusted::plain_line;
use crate::domain::{AgentStatus, AgentView};
use crate::ui::components::AgentStatusBadge;
use crate::ui::model::layout::{layout_waves, NODE_HEIGHT, NODE_WIDTH};
use leptos::prelude::*;

/// Agents laid out by execution wave, with who each waiting agent waits for.
#[component]
pub fn Waves(agents: Vec<AgentView>) -> impl IntoView {
    let diagram = agents.clone();
    let mut waves: Vec<(Option<u32>, Vec<AgentView>)> = Vec::new();
    for agent in agents {
        match waves.iter_mut().find(|(wave, _)| *wave == agent.wave) {
            Some((_, members)) => members.push(agent),
            None => waves.push((agent.wave, vec![agent])),
        }
    }
    waves.sort_by_key(|(wave, _)| wave.unwrap_or(u32::MAX));
    if waves.is_empty() {
        return view! { <p class="muted">"No agents, no waves."</p> }.into_any();
    }
    view! {
        <WavesDiagram agents=diagram />
        <ol class="waves">
            {waves.into_iter().map(|(wave, members)| view! {
                <li class="wave">
                    <h4>{wave.map(|w| format!("Wave {w}")).unwrap_or_else(|| "Unordered".into())}</h4>
                    <ul>
                        {members.into_iter().map(|agent| view! {
                            <li class="wave__agent">
                                <code>{agent.agent_id.clone()}</code>
                                " "
                                <AgentStatusBadge status=agent.status.clone() />
                                {(!agent.blocked_by.is_empty()).then(|| view! {
                                    <span class="blocked-by">"blocked by " {agent.blocked_by.join(", ")}</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                </li>
            }).collect_view()}
        </ol>
    }.into_any()
}

/// The picture. Decorative for assistive technology: the list after it says the same.
#[component]
fn WavesDiagram(agents: Vec<AgentView>) -> impl IntoView {
    let roster: Vec<(String, Option<u32>, Vec<String>)> = agents
        .iter()
        .map(|a| (a.agent_id.clone(), a.wave, a.depends_on.clone()))
        .collect();
    let layout = layout_waves(&roster);
    let status_of = |id: &str| {
        agents
            .iter()
            .find(|a| a.agent_id == id)
            .map(|a| a.status.clone())
    };
    let modifier = |status: Option<AgentStatus>| match status {
        Some(AgentStatus::Complete) => "complete",
        Some(AgentStatus::InProgress) => "in-progress",
        Some(AgentStatus::Blocked) => "blocked",
        Some(AgentStatus::Unknown(_)) => "unknown",
        _ => "not-started",
    };
    let columns = layout
        .columns
        .iter()
        .map(|(wave, x)| {
            let label = wave
                .map(|w| format!("Wave {w}"))
                .unwrap_or_else(|| "Unordered".into());
            view! { <text class="waves-diagram__column" x=*x y="14">{label}</text> }
        })
        .collect_view();
    let edges = layout
        .edges
        .iter()
        .map(|edge| {
            let middle = (edge.x1 + edge.x2) / 2;
            let path = format!(
                "M{} {} C{middle} {} {middle} {} {} {}",
                edge.x1,
                edge.y1,
                edge.y1,
                edge.y2,
                edge.x2 - 4,
                edge.y2
            );
            view! { <path class="waves-diagram__edge" d=path marker-end="url(#waves-arrow)" /> }
        })
        .collect_view();
    let nodes = layout
        .nodes
        .iter()
        .map(|node| {
            let class = format!(
                "waves-diagram__node waves-diagram__node--{}",
                modifier(status_of(&node.id))
            );
            // Fits the box; no bidi control can reorder it (Leptos escapes the markup).
            let label = plain_line(&node.id, 18);
            view! {
                <g class=class>
                    <rect x=node.x y=node.y width=NODE_WIDTH height=NODE_HEIGHT rx="6" />
                    <text x=node.x + 10 y=node.y + NODE_HEIGHT / 2 + 5>{label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="waves-diagram" aria-hidden="true">
            <svg
                viewBox=format!("0 0 {} {}", layout.width, layout.height)
                width=layout.width
                height=layout.height
            >
                <defs>
                    <marker id="waves-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" class="waves-diagram__arrow" />
                    </marker>
                </defs>
                {columns}
                {edges}
                {nodes}
            </svg>
        </div>
    }
    .into_any()
}
