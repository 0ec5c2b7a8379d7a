//! The stub's id, feature name and description: filled in by picking a stub (and adjustable),
//! or typed in for an ad-hoc stub.

use super::use_wizard;
use crate::domain::create::StubInput;
use crate::ui::components::FieldError;
use crate::ui::model::wizard::StubChoice;
use leptos::prelude::*;

#[component]
pub fn StubFields() -> impl IntoView {
    let wizard = use_wizard();
    // Typing into the fields with nothing picked means "a new stub".
    let edit = move |change: fn(&mut StubInput, String), value: String| {
        wizard.draft.update(|d| {
            if d.stub_choice == StubChoice::None {
                d.stub_choice = StubChoice::AdHoc;
            }
            change(&mut d.request.stub, value);
        });
    };
    let legend = move || {
        wizard.draft.with(|d| match d.stub_choice {
            StubChoice::Picked(_) => "The picked stub (adjust it if needed)",
            _ => "Stub details",
        })
    };

    let id = wizard.field("stub.id");
    let name = wizard.field("stub.feature_name");
    let description = wizard.field("stub.description");
    view! {
        <fieldset class="stub-fields">
            <legend>{legend}</legend>
            <div class="field">
                <label for="stub-id">"Stub id"</label>
                <input
                    id="stub-id"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="e.g. AUTH-7"
                    prop:value=move || wizard.draft.with(|d| d.request.stub.id.clone())
                    on:input:target=move |ev| edit(|s, v| s.id = v, ev.target().value())
                    aria-invalid=id.invalid()
                    aria-describedby=id.described_by()
                />
                <FieldError field=id />
            </div>
            <div class="field">
                <label for="stub-feature-name">"Feature name"</label>
                <input
                    id="stub-feature-name"
                    type="text"
                    autocomplete="off"
                    prop:value=move || wizard.draft.with(|d| d.request.stub.feature_name.clone())
                    on:input:target=move |ev| edit(|s, v| s.feature_name = v, ev.target().value())
                    aria-invalid=name.invalid()
                    aria-describedby=name.described_by()
                />
                <FieldError field=name />
            </div>
            <div class="field field--wide">
                <label for="stub-description">"Description"</label>
                <textarea
                    id="stub-description"
                    rows="3"
                    prop:value=move || wizard.draft.with(|d| d.request.stub.description.clone())
                    on:input:target=move |ev| edit(|s, v| s.description = v, ev.target().value())
                    aria-invalid=description.invalid()
                    aria-describedby=description.described_by()
                ></textarea>
                <FieldError field=description />
            </div>
        </fieldset>
    }
}
