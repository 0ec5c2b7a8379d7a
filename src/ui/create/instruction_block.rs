//! One instruction block: its type, its text, and Remove.

use super::use_wizard;
use crate::domain::create::BlockInput;
use crate::domain::instructions::BlockKind;
use crate::ui::components::FieldError;
use crate::ui::hooks::focus::focus_id;
use leptos::prelude::*;

#[component]
pub fn InstructionBlock(id: String) -> impl IntoView {
    let wizard = use_wizard();
    let field = wizard.field(&format!("instructions.{id}"));
    // Labels number blocks by position, which changes when one above is removed.
    let number = {
        let id = id.clone();
        Memo::new(move |_| {
            wizard.draft.with(|d| {
                d.request
                    .instructions
                    .iter()
                    .position(|b| b.id == id)
                    .map_or(0, |i| i + 1)
            })
        })
    };
    // One of this block's fields, as it is now.
    let read = |pick: fn(&BlockInput) -> &String| {
        let id = id.clone();
        move || {
            wizard.draft.with(|d| {
                d.request
                    .instructions
                    .iter()
                    .find(|b| b.id == id)
                    .map(|b| pick(b).clone())
                    .unwrap_or_default()
            })
        }
    };
    let kind = read(|b| &b.kind);
    let content = read(|b| &b.content);
    let (type_id, text_id) = (format!("block-{id}-type"), format!("block-{id}-text"));
    let options = BlockKind::ALL
        .into_iter()
        .map(|option| {
            let kind = kind.clone();
            view! {
                <option value=option.as_str() prop:selected=move || kind() == option.as_str()>
                    {option.label()}
                </option>
            }
        })
        .collect_view();
    let (retype_id, edit_id, remove_id) = (id.clone(), id.clone(), id.clone());
    let remove = move |_| {
        wizard.draft.update(|d| d.remove_block(&remove_id));
        // Focus would otherwise fall to the page: keep it in the list.
        focus_id("blocks-add".to_owned());
    };
    view! {
        <li class="block">
            <div class="block__fields">
                <div class="field">
                    <label for=type_id.clone()>{move || format!("Block {} type", number.get())}</label>
                    <select
                        id=type_id
                        on:change:target=move |ev| {
                            wizard.draft.update(|d| d.set_block_kind(&retype_id, &ev.target().value()))
                        }
                    >
                        {options}
                    </select>
                </div>
                <div class="field field--wide">
                    <label for=text_id.clone()>{move || format!("Block {} text", number.get())}</label>
                    <textarea
                        id=text_id
                        rows="3"
                        prop:value=content
                        on:input:target=move |ev| {
                            wizard.draft.update(|d| d.set_block_content(&edit_id, &ev.target().value()))
                        }
                        aria-invalid=field.invalid()
                        aria-describedby=field.described_by()
                    ></textarea>
                </div>
                <button type="button" class="button-secondary block__remove" on:click=remove>
                    {move || format!("Remove block {}", number.get())}
                </button>
            </div>
            <FieldError field />
        </li>
    }
}
