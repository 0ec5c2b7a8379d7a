//! Step 4: what will be written and how big the context package is; "Generate Session" (in the
//! nav row, see `Wizard::generate`). A failure (the server validates everything again, and
//! checks the files) shows the error here and keeps every input.

use super::use_wizard;
use crate::domain::create::{validate, CreateRequest};
use crate::domain::format::{group_thousands, human_bytes};
use crate::server_fns::create::{measure_package, preview_prompt};
use crate::ui::model::wizard::{waves_in_order, WizardStep};
use leptos::prelude::*;

#[component]
pub fn StepGenerate() -> impl IntoView {
    let wizard = use_wizard();
    let problems = Memo::new(move |_| wizard.draft.with(|d| validate(&d.request)));
    view! {
        <div class="wizard-step">
            <Summary />
            <PackageSize />
            <PromptPreview />
            <Show when=move || !problems.with(|p| p.is_empty())>
                <div class="refresh-error">
                    <p><strong>"Fix these first (earlier steps):"</strong></p>
                    <ul>
                        {move || problems.get().iter().map(|(field, message)| view! {
                            <li><code>{field.to_owned()}</code>": " {message.to_owned()}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            // The Generate Session button is in the wizard's nav row, described by this.
            <div id=GENERATE_ERROR_ID role="alert">
                {move || wizard.generate_error.get().map(|message| view! {
                    <div class="refresh-error">
                        <p><strong>"The session was not created. "</strong>{message}</p>
                        <p>"Every input is kept: fix the problem (Back) and generate again."</p>
                    </div>
                })}
            </div>
        </div>
    }
    .into_any()
}

/// The element that says why the last generation failed.
pub const GENERATE_ERROR_ID: &str = "generate-error";

/// What the session will contain.
#[component]
fn Summary() -> impl IntoView {
    let wizard = use_wizard();
    view! {
        {move || wizard.draft.with(|d| {
            let r = &d.request;
            let mut kinds: Vec<(String, usize)> = Vec::new();
            for block in &r.instructions {
                match kinds.iter_mut().find(|(k, _)| *k == block.kind) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((block.kind.clone(), 1)),
                }
            }
            let kinds = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ");
            let waves = waves_in_order(r).map(|w| w.len()).unwrap_or(0);
            let attachments = r.attachments.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ");
            view! {
                <dl class="summary">
                    <div><dt>"Stub"</dt><dd>{r.stub.feature_name.clone()} " " <code>{r.stub.id.clone()}</code> <EditStep step=WizardStep::Stub what="stub" /></dd></div>
                    <div><dt>"Description"</dt><dd>{r.stub.description.clone()}</dd></div>
                    <div><dt>"Instruction blocks"</dt><dd>{format!("{} ({kinds})", r.instructions.len())} <EditStep step=WizardStep::Stub what="instruction blocks" /></dd></div>
                    <div><dt>"Context files"</dt><dd>{format!("{} selected", r.context_files.len())} <EditStep step=WizardStep::Context what="context files" /></dd></div>
                    <div><dt>"Attachments"</dt><dd>{if attachments.is_empty() { "none".to_owned() } else { attachments }} <EditStep step=WizardStep::Context what="attachments" /></dd></div>
                    <div>
                        <dt>"Agents"</dt>
                        <dd>
                            {format!("{} in {waves} wave{}", r.agents.len(), if waves == 1 { "" } else { "s" })}
                            " " <EditStep step=WizardStep::Agents what="agents" />
                            <ul class="summary__agents">
                                {r.agents.iter().map(|a| view! {
                                    <li><strong>{a.agent_id.clone()}</strong>": " {a.role.clone()}</li>
                                }).collect_view()}
                            </ul>
                        </dd>
                    </div>
                    <div><dt>"Agents report with"</dt><dd>{r.agent_interface.label()} <EditStep step=WizardStep::Agents what="how agents report" /></dd></div>
                </dl>
            }
        })}
    }
}

/// "Edit …": back to the step that holds it, everything kept.
#[component]
fn EditStep(step: WizardStep, what: &'static str) -> impl IntoView {
    let wizard = use_wizard();
    view! {
        <button
            type="button"
            class="button-small button-quiet"
            aria-label=format!("Edit {what}")
            on:click=move |_| {
                let _ = wizard.draft.try_update(|d| d.jump_to(step));
                wizard.moved();
            }
        >
            "Edit"
        </button>
    }
}

/// The prompt one agent will get, as the server would write it: pick the agent, read the text.
#[component]
fn PromptPreview() -> impl IntoView {
    let wizard = use_wizard();
    let chosen = RwSignal::new(0usize);
    let agents = move || wizard.draft.with(|d| d.agent_ids());
    let prompt = Resource::new(
        move || (wizard.draft.with(|d| d.request.clone()), chosen.get()),
        |(request, agent): (CreateRequest, usize)| preview_prompt(request, agent),
    );
    view! {
        <section class="wizard-section" aria-labelledby="prompt-heading">
            <h4 id="prompt-heading">"What an agent is told"</h4>
            <label class="field field--inline">
                <span>"Prompt of"</span>
                <select on:change:target=move |ev| chosen.set(ev.target().value().parse().unwrap_or(0))>
                    {move || agents().into_iter().enumerate().map(|(n, id)| view! {
                        <option value=n.to_string() selected=move || chosen.get() == n>{id}</option>
                    }).collect_view()}
                </select>
            </label>
            <Transition fallback=|| view! { <p class="loading">"Writing the preview…"</p> }>
                {move || Suspend::new(async move {
                    match prompt.await {
                        Ok(text) => view! {
                            <pre class="prompt-preview" tabindex="0" aria-label="Prompt preview">{text}</pre>
                        }.into_any(),
                        Err(err) => view! {
                            <p class="field-error">"No preview: " {err.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Lines, bytes and an estimate of tokens of the context package, measured by the server.
#[component]
fn PackageSize() -> impl IntoView {
    let wizard = use_wizard();
    let size = Resource::new(
        move || wizard.draft.with(|d| d.request.clone()),
        |request: CreateRequest| measure_package(request),
    );
    view! {
        <section class="wizard-section" aria-labelledby="package-heading">
            <h4 id="package-heading">"Context package"</h4>
            <Transition fallback=|| view! { <p class="loading">"Measuring the context package…"</p> }>
                {move || Suspend::new(async move {
                    match size.await {
                        Ok(size) => {
                            let pasted = if size.pasted > 0 {
                                format!(" and {} pasted text{}", size.pasted, if size.pasted == 1 { "" } else { "s" })
                            } else {
                                String::new()
                            };
                            view! {
                                <p class="package-size">
                                    {format!("{} project file{}{pasted}: ", size.files, if size.files == 1 { "" } else { "s" })}
                                    <strong>{format!("{} lines", group_thousands(size.lines))}</strong>", "
                                    <strong>{human_bytes(size.bytes)}</strong>
                                    {format!(" ({} bytes), about ", group_thousands(size.bytes))}
                                    <strong>{format!("{} tokens", group_thousands(size.estimated_tokens()))}</strong>"."
                                </p>
                            }
                            .into_any()
                        }
                        Err(err) => view! {
                            <p class="field-error">"Cannot measure the context package: " {err.to_string()}</p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
