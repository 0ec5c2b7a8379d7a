//! Attachments: the list (remove one, clear all) and the form that adds one.

use super::attachment_form::AttachmentForm;
use super::use_wizard;
use crate::domain::context::count_lines;
use crate::domain::create::AttachmentInput;
use crate::ui::components::FieldError;
use leptos::prelude::*;

#[component]
pub fn Attachments() -> impl IntoView {
    let wizard = use_wizard();
    let attachments = move || wizard.draft.with(|d| d.request.attachments.clone());
    let announcement = RwSignal::new(String::new());
    view! {
        <section class="wizard-section" aria-labelledby="attachments-heading">
            <h4 id="attachments-heading">"Attachments"</h4>
            <p class="muted">
                "Material for particular agents: a file of the project or pasted text. You "
                "choose who gets which on the next step."
            </p>
            <p class="visually-hidden" role="status">{move || announcement.get()}</p>
            <Show
                when=move || !attachments().is_empty()
                fallback=|| view! { <p class="empty">"No attachments."</p> }
            >
                <ul class="attachment-list" aria-label="Attachments">
                    <For each=attachments key=|a| (a.id.clone(), a.name.clone()) let:attachment>
                        <AttachmentItem attachment announcement />
                    </For>
                </ul>
                <button
                    type="button"
                    class="button-secondary"
                    on:click=move |_| {
                        wizard.draft.update(|d| d.clear_attachments());
                        announcement.set("All attachments removed.".to_owned());
                    }
                >
                    "Clear attachments"
                </button>
            </Show>
            <AttachmentForm announcement />
        </section>
    }
}

#[component]
fn AttachmentItem(attachment: AttachmentInput, announcement: RwSignal<String>) -> impl IntoView {
    let wizard = use_wizard();
    let field = wizard.field(&format!("attachments.{}", attachment.id));
    let what = match (attachment.given_path(), attachment.given_content()) {
        (Some(path), _) => view! { <code>{path.to_owned()}</code> }.into_any(),
        (None, Some(text)) => {
            let lines = count_lines(text.as_bytes());
            view! { <span class="muted">{format!("pasted text, {lines} line{}", if lines == 1 { "" } else { "s" })}</span> }
                .into_any()
        }
        (None, None) => view! { <span class="muted">"empty"</span> }.into_any(),
    };
    let (id, name) = (attachment.id.clone(), attachment.name.clone());
    let remove = move |_| {
        wizard.draft.update(|d| d.remove_attachment(&id));
        announcement.set(format!("Removed the attachment {name}."));
    };
    view! {
        <li class="attachment" aria-describedby=field.described_by()>
            <span class="attachment__name">{attachment.name.clone()}</span>
            " "
            {what}
            <button type="button" class="button-secondary attachment__remove" on:click=remove>
                "Remove" <span class="visually-hidden">" " {attachment.name.clone()}</span>
            </button>
            <FieldError field />
        </li>
    }
}
