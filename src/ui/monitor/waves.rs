//! The execution waves of a session: the dependency graph, and the same as a list for screen
//! readers (the graph is a picture) that says whom each agent waits for.

use crate::domain::AgentView;
use crate::ui::components::{AttentionBadge, DependencyGraph, GraphAgent};
use leptos::prelude::*;

/// The fragment that selects the n-th agent's row of the agents table.
pub fn agent_anchor(index: usize) -> String {
    format!("agent-{}", index + 1)
}

#[component]
pub fn Waves(agents: Vec<AgentView>) -> impl IntoView {
    if agents.is_empty() {
        return view! { <p class="muted">"No agents, no waves."</p> }.into_any();
    }
    let graph: Vec<GraphAgent> = agents
        .iter()
        .map(|agent| GraphAgent {
            id: agent.agent_id.clone(),
            role: agent.role.clone().unwrap_or_default(),
            wave: agent.wave,
            depends_on: agent.depends_on.clone(),
            attention: agent.attention,
        })
        .collect();
    let mut waves: Vec<(Option<u32>, Vec<AgentView>)> = Vec::new();
    for agent in agents {
        match waves.iter_mut().find(|(wave, _)| *wave == agent.wave) {
            Some((_, members)) => members.push(agent),
            None => waves.push((agent.wave, vec![agent])),
        }
    }
    waves.sort_by_key(|(wave, _)| wave.unwrap_or(u32::MAX));
    view! {
        <DependencyGraph agents=graph agent_anchor=agent_anchor legend=true />
        <ol class="waves visually-hidden">
            {waves.into_iter().map(|(wave, members)| view! {
                <li>
                    {wave.map(|w| format!("Wave {w}")).unwrap_or_else(|| "Unordered".into())}
                    <ul>
                        {members.into_iter().map(|agent| view! {
                            <li>
                                {agent.agent_id.clone()}
                                " "
                                <AttentionBadge attention=agent.attention />
                                {(!agent.blocked_by.is_empty()).then(|| {
                                    format!(", waits for {}", agent.blocked_by.join(", "))
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}
