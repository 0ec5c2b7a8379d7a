//! Status as an icon plus words: never colour alone.

use super::icon::{Icon, IconName};
use crate::domain::AgentStatus;
use leptos::prelude::*;

#[component]
pub fn AgentStatusBadge(status: AgentStatus) -> impl IntoView {
    let (icon, modifier) = match &status {
        AgentStatus::Pending | AgentStatus::NotStarted => (IconName::NotStarted, "not-started"),
        AgentStatus::InProgress => (IconName::Running, "in-progress"),
        AgentStatus::Complete => (IconName::Complete, "complete"),
        AgentStatus::Blocked => (IconName::Blocked, "blocked"),
        AgentStatus::Unknown(_) => (IconName::Warning, "unknown"),
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
            <Icon name=icon />
            {label}
        </span>
    }
}
