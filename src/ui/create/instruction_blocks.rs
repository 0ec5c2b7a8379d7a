//! The instruction blocks: a list to add to, edit, retype and remove from.

use super::instruction_block::InstructionBlock;
use super::use_wizard;
use crate::domain::instructions::BlockKind;
use crate::ui::components::FieldError;
use crate::ui::hooks::focus::focus_id;
use leptos::prelude::*;

#[component]
pub fn InstructionBlocks() -> impl IntoView {
    let wizard = use_wizard();
    let list = wizard.field("instructions");
    let ids = move || {
        wizard.draft.with(|d| {
            d.request
                .instructions
                .iter()
                .map(|b| b.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        let mut id = String::new();
        wizard.draft.update(|d| id = d.add_block(BlockKind::Task));
        focus_id(format!("block-{id}-text"));
    };
    view! {
        <section class="wizard-section" aria-labelledby="blocks-heading">
            <h4 id="blocks-heading">"Instruction blocks"</h4>
            <p class="muted">
                "What the agents are to do (task), how (guideline), what good looks like "
                "(example) and what they must not do (constraint)."
            </p>
            <Show when=move || ids().is_empty()>
                <p class="empty">"No blocks yet."</p>
            </Show>
            <ol class="blocks">
                <For each=ids key=|id| id.clone() let:id>
                    <InstructionBlock id />
                </For>
            </ol>
            <FieldError field=list />
            <button
                type="button"
                id="blocks-add"
                class="button-secondary"
                on:click=add
                aria-invalid=list.invalid()
                aria-describedby=list.described_by()
            >
                "Add instruction block"
            </button>
        </section>
    }
}
