//! Step 5: the session is written. Its id and files, for MCP agents the command that connects
//! each agent's CLI, one line per agent to paste (with a copy button), "Monitor this session"
//! and "Create another".

use super::use_wizard;
use crate::ui::components::CopyButton;
use crate::ui::model::wizard::WizardDraft;
use crate::ui::monitor::session_href;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn StepComplete() -> impl IntoView {
    let wizard = use_wizard();
    let navigate = use_navigate();
    let Some(generated) = wizard.draft.with_untracked(|d| d.generated.clone()) else {
        return view! { <p class="empty">"No session was generated yet."</p> }.into_any();
    };
    let monitor_href = session_href(&generated.session_id);
    let create_another = move |_| {
        wizard.draft.set(WizardDraft::new());
        wizard.moved();
    };
    let files = generated
        .files
        .iter()
        .map(|file| view! { <li><code>{file.clone()}</code></li> })
        .collect_view();
    let connects: Vec<_> = generated
        .one_liners
        .iter()
        .filter_map(|line| line.connect.clone().map(|c| (line.agent_id.clone(), c)))
        .collect();
    let connect_section = (!connects.is_empty()).then(|| {
        let items = connects
            .into_iter()
            .map(|(agent, command)| {
                view! {
                    <li class="one-liner">
                        <span class="one-liner__agent">{agent.clone()}</span>
                        <code class="one-liner__text">{command.clone()}</code>
                        <CopyButton text=command what=format!("the connect command for {agent}") />
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="wizard-section" aria-labelledby="connect-heading">
                <h4 id="connect-heading">"Connect the agent CLIs"</h4>
                <p class="muted">
                    "Once per agent, in the project it works on (for Codex, "
                    <code>"codex"</code> " in place of " <code>"claude-code"</code>
                    "): the hub's MCP tools, and hooks that report its status by themselves."
                </p>
                <ol class="one-liners">{items}</ol>
            </section>
        }
    });
    let lines = generated
        .one_liners
        .iter()
        .map(|line| {
            let agent = &line.agent_id;
            view! {
                <li class="one-liner">
                    <span class="one-liner__agent">{agent.clone()}</span>
                    <code class="one-liner__text">{line.prompt.clone()}</code>
                    <CopyButton text=line.prompt.clone() what=format!("the line for {agent}") />
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="wizard-step wizard-complete">
            <p class="wizard-complete__done">
                <crate::ui::components::Icon name=crate::ui::components::IconName::Complete />
                "Session " <code class="wizard-complete__id">{generated.session_id.clone()}</code>
                " is written to " <code>{generated.session_path.clone()}</code> "."
            </p>
            <section class="wizard-section" aria-labelledby="files-heading">
                <h4 id="files-heading">"Files written"</h4>
                <ul class="file-list">{files}</ul>
            </section>
            {connect_section}
            <section class="wizard-section" aria-labelledby="lines-heading">
                <h4 id="lines-heading">"Start the agents"</h4>
                <p class="muted">"Paste one line into each agent's terminal:"</p>
                <ol class="one-liners">{lines}</ol>
            </section>
            <div class="wizard-nav">
                <button type="button" class="button-primary" on:click=move |_| navigate(&monitor_href, Default::default())>
                    "Monitor this session"
                </button>
                <button type="button" class="button-secondary" on:click=create_another>
                    "Create another"
                </button>
            </div>
        </div>
    }
    .into_any()
}
