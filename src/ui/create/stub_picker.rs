//! The stubs of the stubs directory as radio buttons, plus "Describe a new stub". A stub that
//! cannot be read is listed, disabled, with the reason.

use super::use_wizard;
use crate::domain::stub::StubList;
use crate::domain::stub::{Stub, StubEntry};
use crate::server_fns::create::list_stubs;
use crate::ui::components::FieldError;
use crate::ui::model::wizard::StubChoice;
use leptos::prelude::*;

#[component]
pub fn StubPicker() -> impl IntoView {
    let wizard = use_wizard();
    let field = wizard.field("stub");
    let stubs = Resource::new(|| (), |_| list_stubs());
    view! {
        <fieldset
            class="stub-picker"
            aria-describedby=field.described_by()
            aria-invalid=field.invalid()
        >
            <legend>"Stub"</legend>
            <FieldError field />
            <Suspense fallback=|| view! { <p class="loading">"Loading the stubs…"</p> }>
                {move || Suspend::new(async move {
                    match stubs.await {
                        Ok(list) => view! { <StubOptions list /> }.into_any(),
                        Err(error) => view! {
                            <p class="field-error">"Cannot list the stubs: " {error.to_string()}</p>
                            <AdHocOption />
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </fieldset>
    }
}

#[component]
fn StubOptions(list: StubList) -> impl IntoView {
    let empty = list.stubs.is_empty().then(|| {
        view! {
            <p class="muted">
                "No stubs yet in " <code>{list.stubs_dir.clone()}</code>
                ": a stub is a " <code>"<feature>/stub.json"</code>
                " there. Describe a new one instead."
            </p>
        }
    });
    let options = list
        .stubs
        .into_iter()
        .map(|StubEntry { folder, stub }| match stub {
            Ok(stub) => view! { <StubOption folder stub /> }.into_any(),
            Err(error) => view! { <InvalidStub folder error /> }.into_any(),
        })
        .collect_view();
    view! {
        {empty}
        <ul class="stub-picker__list">
            {options}
            <AdHocOption />
        </ul>
    }
}

#[component]
fn StubOption(folder: String, stub: Stub) -> impl IntoView {
    let wizard = use_wizard();
    let id = format!("stub-option-{folder}");
    let chosen = {
        let folder = folder.clone();
        move || {
            wizard
                .draft
                .with(|d| d.stub_choice == StubChoice::Picked(folder.clone()))
        }
    };
    let description_id = format!("{id}-description");
    let (name, stub_id, description) = (
        stub.feature_name.clone(),
        stub.id.clone(),
        stub.description.clone(),
    );
    let roles = (!stub.agents_involved.is_empty())
        .then(|| format!("Agents: {}", stub.agents_involved.join(", ")));
    view! {
        <li class="stub-option">
            <input
                type="radio"
                name="stub-choice"
                id=id.clone()
                value=folder.clone()
                prop:checked=chosen
                aria-describedby=description_id.clone()
                on:change=move |_| wizard.draft.update(|d| d.pick_stub(&folder, &stub))
            />
            <label for=id>
                <span class="stub-option__name">{name}</span>
                " "
                <code class="stub-option__id">{stub_id}</code>
            </label>
            <p class="stub-option__description" id=description_id>
                {description}
                {roles.map(|roles| view! { <span class="stub-option__roles">{roles}</span> })}
            </p>
        </li>
    }
}

#[component]
fn InvalidStub(folder: String, error: String) -> impl IntoView {
    let id = format!("stub-option-{folder}");
    let error_id = format!("{id}-error");
    view! {
        <li class="stub-option stub-option--invalid">
            <input type="radio" name="stub-choice" id=id.clone() disabled aria-describedby=error_id.clone() />
            <label for=id>{folder}" (cannot be used)"</label>
            <p class="stub-option__error" id=error_id>{error}</p>
        </li>
    }
}

#[component]
fn AdHocOption() -> impl IntoView {
    let wizard = use_wizard();
    view! {
        <li class="stub-option stub-option--adhoc">
            <input
                type="radio"
                name="stub-choice"
                id="stub-option-adhoc"
                value="adhoc"
                prop:checked=move || wizard.draft.with(|d| d.stub_choice == StubChoice::AdHoc)
                on:change=move |_| wizard.draft.update(|d| d.describe_new_stub())
            />
            <label for="stub-option-adhoc">"Describe a new stub"</label>
        </li>
    }
}
