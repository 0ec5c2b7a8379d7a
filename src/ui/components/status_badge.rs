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
