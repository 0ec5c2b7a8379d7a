//! Step 3: how many agents, each one's role, blocks, attachments and dependencies; the
//! execution waves that follow, and warnings where agents of one wave share material.

use super::agent_card::AgentCard;
use super::use_wizard;
use super::waves_preview::WavesPreview;
use crate::domain::create::{overlap_warnings, AgentInterface};
use crate::ui::components::FieldError;
use crate::ui::model::wizard::MAX_AGENTS;
use leptos::prelude::*;

#[component]
pub fn StepAgents() -> impl IntoView {
    let wizard = use_wizard();
    let roster = wizard.field("agents");
    let count = move || wizard.draft.with(|d| d.request.agents.len());
    let ids = move || wizard.draft.with(|d| d.agent_ids());
    let warnings = Memo::new(move |_| wizard.draft.with(|d| overlap_warnings(&d.request)));
    let from_stub = move || {
        wizard.draft.with(|d| {
            (!d.agents_involved.is_empty()).then(|| {
                format!(
                    "The stub names {} agent{}: {}.",
                    d.agents_involved.len(),
                    if d.agents_involved.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    d.agents_involved.join(", ")
                )
            })
        })
    };
    view! {
        <div class="wizard-step">
            <div class="field agent-count">
                <label for="agent-count">"Number of agents"</label>
                <input
                    id="agent-count"
                    type="number"
                    min="1"
                    max=MAX_AGENTS.to_string()
                    prop:value=move || count().to_string()
                    on:input:target=move |ev| {
                        // A half-typed number (empty) waits for the next keystroke.
                        if let Ok(n) = ev.target().value().trim().parse::<usize>() {
                            wizard.draft.update(|d| d.set_agent_count(n));
                        }
                    }
                    aria-invalid=roster.invalid()
                    aria-describedby=roster.described_by()
                />
                {move || from_stub().map(|text| view! { <p class="muted">{text}</p> })}
            </div>
            <FieldError field=roster />
            <AgentInterfaceChoice />
            <ol class="agent-cards">
                <For each=ids key=|id| id.clone() let:id>
                    <AgentCard id />
                </For>
            </ol>
            <WavesPreview />
            <div class="wizard-warnings" role="status">
                {move || {
                    let warnings = warnings.get();
                    (!warnings.is_empty()).then(|| view! {
                        <h4>"Overlaps"</h4>
                        <ul>
                            {warnings
                                .into_iter()
                                .map(|w| view! { <li><crate::ui::components::Icon name=crate::ui::components::IconName::Warning />"Warning: " {w}</li> })
                                .collect_view()}
                        </ul>
                    })
                }}
            </div>
        </div>
    }
    .into_any()
}

/// Whether the prompts teach the `hub` command or the hub's MCP tools.
#[component]
fn AgentInterfaceChoice() -> impl IntoView {
    let wizard = use_wizard();
    let chosen = move || wizard.draft.with(|d| d.request.agent_interface);
    view! {
        <fieldset class="field agent-interface">
            <legend>"How the agents report"</legend>
            {AgentInterface::ALL
                .into_iter()
                .map(|choice| {
                    let id = format!("agent-interface-{}", choice.as_str());
                    let hint = format!("{id}-hint");
                    view! {
                        <div class="agent-interface__choice">
                            <input
                                type="radio"
                                name="agent-interface"
                                id=id.clone()
                                value=choice.as_str()
                                aria-describedby=hint.clone()
                                prop:checked=move || chosen() == choice
                                on:change=move |_| {
                                    wizard.draft.update(|d| d.request.agent_interface = choice)
                                }
                            />
                            <label for=id>{choice.label()}</label>
                            <p class="muted" id=hint>{choice.hint()}</p>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
