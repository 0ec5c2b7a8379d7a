//! Status as an icon plus words: never colour alone.

use crate::domain::{AgentStatus, SessionStatus};
use leptos::prelude::*;

#[component]
pub fn AgentStatusBadge(status: AgentStatus) -> impl IntoView {
    let (icon, modifier) = match &status {
        AgentStatus::Pending | AgentStatus::NotStarted => ("○", "not-started"),
        AgentStatus::InProgress => ("◐", "in-progress"),
        AgentStatus::Complete => ("✓", "complete"),
        AgentStatus::Blocked => ("⊘", "blocked"),
        AgentStatus::Unknown(_) => ("⚠", "unknown"),
    };
    let title = status.is_unknown().then(|| {
        format!(
            "{:?} is not a status the hub knows; the agent may have a typo",
            status.as_str()
        )
    });
    // An unknown status is the agent's own text: isolated, so no bidi control in it can
    // reorder the words around it.
    let label = match &status {
        AgentStatus::Unknown(raw) => {
            view! { "Unknown (" <span class="agent-text">{raw.clone()}</span> ")" }.into_any()
        }
        known => known.label().into_any(),
    };
    view! {
        <span class=format!("status status--{modifier}") title=title>
            <span class="status__icon" aria-hidden="true">{icon}</span>
            {label}
        </span>
    }
}

#[component]
pub fn SessionStatusBadge(status: SessionStatus) -> impl IntoView {
    let (icon, modifier) = match status {
        SessionStatus::NotStarted => ("○", "not-started"),
        SessionStatus::InProgress => ("◐", "in-progress"),
        SessionStatus::Complete => ("✓", "complete"),
    };
    view! {
        <span class=format!("status status--{modifier}")>
            <span class="status__icon" aria-hidden="true">{icon}</span>
            {status.label()}
        </span>
    }
}

/// "Needs input" (one agent, on the agent's row) or "2 agents need input" (a session): shown
/// only when an agent has an open question.
#[component]
pub fn NeedsInputBadge(agents: usize, #[prop(optional)] single: bool) -> impl IntoView {
    let label = match (single, agents) {
        (_, 0) => None,
        (true, _) => Some("Needs input".to_owned()),
        (false, 1) => Some("1 agent needs input".to_owned()),
        (false, n) => Some(format!("{n} agents need input")),
    };
    label.map(|label| {
        view! {
            <span class="status status--needs-input">
                <span class="status__icon" aria-hidden="true">"?"</span>
                {label}
            </span>
        }
    })
}
