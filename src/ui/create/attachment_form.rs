//! Adds an attachment: a path in the project (checked by the server: it must be a readable
//! text file under the project root) or pasted text. Problems stay next to the form's fields.

use super::use_wizard;
use crate::domain::create::FieldErrors;
use crate::server_fns::create::check_attachment_path;
use crate::ui::components::{FieldError, FieldMessage};
use crate::ui::hooks::focus::{focus_first_invalid, focus_id};
use crate::ui::model::wizard::{
    check_new_attachment, AttachmentSource, NewAttachment, NEW_ATTACHMENT_CONTENT,
    NEW_ATTACHMENT_PATH,
};
use leptos::prelude::*;

#[component]
pub fn AttachmentForm(announcement: RwSignal<String>) -> impl IntoView {
    let wizard = use_wizard();
    let form = RwSignal::new(NewAttachment::default());
    let errors = RwSignal::new(FieldErrors::new());
    let checking = RwSignal::new(false);
    let message = move |field: &'static str| {
        FieldMessage::new(
            field,
            Signal::derive(move || errors.with(|e| e.get(field).map(str::to_owned))),
        )
    };
    let (path_field, content_field) = (
        message(NEW_ATTACHMENT_PATH),
        message(NEW_ATTACHMENT_CONTENT),
    );
    let is_path = move || form.with(|f| f.source == AttachmentSource::Path);

    let finish = move |new: NewAttachment| {
        let name = wizard.draft.try_update(|d| {
            let id = d.add_attachment(&new);
            d.request
                .attachments
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
                .unwrap_or_default()
        });
        announcement.set(format!(
            "Added the attachment {}.",
            name.unwrap_or_default()
        ));
        form.set(NewAttachment {
            source: new.source,
            ..NewAttachment::default()
        });
        focus_id("attachment-name".to_owned());
    };
    let add = move |_| {
        if checking.get_untracked() {
            return;
        }
        let new = form.get_untracked();
        let found = wizard
            .draft
            .with_untracked(|d| check_new_attachment(&new, &d.request.attachments));
        if !found.is_empty() {
            focus_first_invalid(&found);
            errors.set(found);
            return;
        }
        errors.set(FieldErrors::new());
        if new.source == AttachmentSource::Text {
            finish(new);
            return;
        }
        // Whether the file exists (and is a text file inside the root) only the server knows.
        checking.set(true);
        leptos::task::spawn_local(async move {
            let answer = check_attachment_path(new.path.clone()).await;
            checking.try_set(false);
            match answer {
                Ok(file) => finish(NewAttachment {
                    path: file.path,
                    ..new
                }),
                Err(err) => {
                    let mut found = FieldErrors::new();
                    found.insert(NEW_ATTACHMENT_PATH, err.to_string());
                    focus_first_invalid(&found);
                    errors.try_set(found);
                }
            }
        });
    };
    let set_source = move |source: AttachmentSource| {
        form.update(|f| f.source = source);
        errors.set(FieldErrors::new());
    };

    view! {
        <fieldset class="attachment-form">
            <legend>"Add an attachment"</legend>
            <div class="choice" role="radiogroup" aria-label="Attachment kind">
                <label>
                    <input
                        type="radio"
                        name="attachment-source"
                        prop:checked=is_path
                        on:change=move |_| set_source(AttachmentSource::Path)
                    />
                    " A file in the project"
                </label>
                <label>
                    <input
                        type="radio"
                        name="attachment-source"
                        prop:checked=move || !is_path()
                        on:change=move |_| set_source(AttachmentSource::Text)
                    />
                    " Pasted text"
                </label>
            </div>
            <div class="field">
                <label for="attachment-name">"Attachment name (optional)"</label>
                <input
                    id="attachment-name"
                    type="text"
                    autocomplete="off"
                    prop:value=move || form.with(|f| f.name.clone())
                    on:input:target=move |ev| form.update(|f| f.name = ev.target().value())
                />
            </div>
            <Show
                when=is_path
                fallback=move || {
                    let field = content_field;
                    view! {
                        <div class="field field--wide">
                            <label for="attachment-content">"Text to attach"</label>
                            <textarea
                                id="attachment-content"
                                rows="4"
                                prop:value=move || form.with(|f| f.content.clone())
                                on:input:target=move |ev| form.update(|f| f.content = ev.target().value())
                                aria-invalid=field.invalid()
                                aria-describedby=field.described_by()
                            ></textarea>
                            <FieldError field />
                        </div>
                    }
                }
            >
                {
                    let field = path_field;
                    view! {
                        <div class="field">
                            <label for="attachment-path">"Path in the project"</label>
                            <input
                                id="attachment-path"
                                type="text"
                                autocomplete="off"
                                spellcheck="false"
                                placeholder="docs/notes.md"
                                prop:value=move || form.with(|f| f.path.clone())
                                on:input:target=move |ev| form.update(|f| f.path = ev.target().value())
                                aria-invalid=field.invalid()
                                aria-describedby=field.described_by()
                            />
                            <FieldError field />
                        </div>
                    }
                }
            </Show>
            <button type="button" class="button-secondary" on:click=add aria-busy=move || checking.get().to_string()>
                "Add attachment"
            </button>
        </fieldset>
    }
}
