//! One agent of the roster: role, instruction blocks, attachments, dependencies.

use super::use_wizard;
use crate::domain::create::AgentPlan;
use crate::ui::components::FieldError;
use leptos::prelude::*;

/// A checkbox list; `checked`/`set` read and write the agent's list for one item id.
#[component]
fn Checks(
    legend: &'static str,
    agent: String,
    items: Signal<Vec<(String, String)>>,
    list: fn(&AgentPlan) -> &Vec<String>,
    set: fn(&mut crate::ui::model::wizard::WizardDraft, &str, &str, bool),
    field: crate::ui::components::FieldMessage,
    empty: &'static str,
) -> impl IntoView {
    let wizard = use_wizard();
    let described_by = field.described_by();
    let agent_key = agent.clone();
    view! {
        <fieldset class="checks" aria-describedby=described_by aria-invalid=field.invalid()>
            <legend>{legend}</legend>
            <Show when=move || items.with(|i| i.is_empty())>
                <p class="muted">{empty}</p>
            </Show>
            <For each=move || items.get() key=|(id, label)| (id.clone(), label.clone()) let:item>
                {
                    let (item_id, label) = item;
                    let input_id = format!("{agent_key}-{legend}-{item_id}").replace(' ', "-").to_lowercase();
                    let (agent_read, agent_write) = (agent_key.clone(), agent_key.clone());
                    let (read_id, write_id) = (item_id.clone(), item_id.clone());
                    let checked = move || {
                        wizard.draft.with(|d| {
                            d.request
                                .agents
                                .iter()
                                .find(|a| a.agent_id == agent_read)
                                .is_some_and(|a| list(a).contains(&read_id))
                        })
                    };
                    view! {
                        <label class="check" for=input_id.clone()>
                            <input
                                type="checkbox"
                                id=input_id.clone()
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    wizard.draft.update(|d| set(d, &agent_write, &write_id, on));
                                }
                            />
                            " " {label}
                        </label>
                    }
                }
            </For>
            <FieldError field />
        </fieldset>
    }
}

#[component]
pub fn AgentCard(id: String) -> impl IntoView {
    let wizard = use_wizard();
    let role = wizard.field(&format!("agents.{id}.role"));
    let agent_field = wizard.field(&format!("agents.{id}"));
    let role_id = format!("{id}-role");
    let read_id = id.clone();
    let current_role = move || {
        wizard.draft.with(|d| {
            d.request
                .agents
                .iter()
                .find(|a| a.agent_id == read_id)
                .map(|a| a.role.clone())
                .unwrap_or_default()
        })
    };
    let blocks = Signal::derive(move || {
        wizard.draft.with(|d| {
            d.request
                .instructions
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    (
                        b.id.clone(),
                        format!("Block {} ({}): {}", i + 1, b.kind, snippet(&b.content)),
                    )
                })
                .collect()
        })
    });
    let attachments = Signal::derive(move || {
        wizard.draft.with(|d| {
            d.request
                .attachments
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect()
        })
    });
    let others_of = id.clone();
    let others = Signal::derive(move || {
        wizard.draft.with(|d| {
            d.request
                .agents
                .iter()
                .filter(|a| a.agent_id != others_of)
                .map(|a| {
                    // By name and role: "tests · Tests of the store".
                    let role = a.role.trim();
                    let label = if role.is_empty() {
                        a.agent_id.clone()
                    } else {
                        format!("{} · {}", a.agent_id, snippet(role))
                    };
                    (a.agent_id.clone(), label)
                })
                .collect()
        })
    });
    let write_id = id.clone();
    view! {
        <li class="agent-card">
            <fieldset aria-describedby=agent_field.described_by()>
                <legend class="agent-card__id">{id.clone()}</legend>
                <FieldError field=agent_field />
                <div class="field field--wide">
                    <label for=role_id.clone()>{format!("Role of {id}")}</label>
                    <input
                        id=role_id
                        type="text"
                        autocomplete="off"
                        placeholder="e.g. Backend: the session store"
                        prop:value=current_role
                        on:input:target=move |ev| wizard.draft.update(|d| d.set_role(&write_id, &ev.target().value()))
                        aria-invalid=role.invalid()
                        aria-describedby=role.described_by()
                    />
                    <FieldError field=role />
                </div>
                <div class="agent-card__checks">
                    <Checks
                        legend="Instruction blocks"
                        agent=id.clone()
                        items=blocks
                        list=|a| &a.instructions
                        set=|d, agent, item, on| d.set_agent_block(agent, item, on)
                        field=wizard.field(&format!("agents.{id}.instructions"))
                        empty="No blocks to give."
                    />
                    <Checks
                        legend="Attachments"
                        agent=id.clone()
                        items=attachments
                        list=|a| &a.attachments
                        set=|d, agent, item, on| d.set_agent_attachment(agent, item, on)
                        field=wizard.field(&format!("agents.{id}.attachments"))
                        empty="No attachments to give."
                    />
                    <Checks
                        legend="Depends on"
                        agent=id.clone()
                        items=others
                        list=|a| &a.depends_on
                        set=|d, agent, item, on| d.set_dependency(agent, item, on)
                        field=wizard.field(&format!("agents.{id}.depends_on"))
                        empty="No other agent to wait for."
                    />
                </div>
            </fieldset>
        </li>
    }
    .into_any()
}

/// The start of a block's text, for a checkbox label.
fn snippet(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > 48 {
        format!("{}…", line.chars().take(47).collect::<String>())
    } else if line.is_empty() {
        "(empty)".to_owned()
    } else {
        line.to_owned()
    }
}
