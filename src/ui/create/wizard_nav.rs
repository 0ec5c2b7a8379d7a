//! "Back", "Next", and on step 4 "Generate Session". Next validates the step (the server's rules) and either moves on or
//! shows the messages and puts focus on the first field to fix.

use super::step_generate::GENERATE_ERROR_ID;
use super::use_wizard;
use crate::ui::app::use_hydrated;
use crate::ui::hooks::focus::focus_first_invalid;
use crate::ui::model::wizard::{validate_step, WizardStep};
use leptos::prelude::*;

#[component]
pub fn WizardNav(step: Memo<WizardStep>) -> impl IntoView {
    let wizard = use_wizard();
    let hydrated = use_hydrated();

    let next = move |_| {
        let errors = wizard
            .draft
            .with_untracked(|d| validate_step(&d.request, d.step));
        if errors.is_empty() {
            wizard.draft.update(|d| d.advance());
            wizard.moved();
        } else {
            wizard.show_errors.set(true);
            focus_first_invalid(&errors);
        }
    };
    let back = move |_| {
        wizard.draft.update(|d| d.go_back());
        wizard.moved();
    };
    let has_back = move || !matches!(step.get(), WizardStep::Stub | WizardStep::Complete);
    let has_next = move || step.get() < WizardStep::Generate;
    let generating = wizard.generating;

    view! {
        // Step 5 has its own actions ("Monitor this session", "Create another").
        <div class="wizard-nav" hidden=move || step.get() == WizardStep::Complete>
            <Show when=has_back>
                <button type="button" class="button-secondary" on:click=back>
                    "Back"
                </button>
            </Show>
            <Show when=has_next>
                // Without JavaScript the button could do nothing: say so by disabling it.
                <button
                    type="button"
                    class="wizard-nav__next button-primary"
                    on:click=next
                    disabled=move || !hydrated.get()
                >
                    "Next"
                </button>
            </Show>
            <Show when=move || step.get() == WizardStep::Generate>
                <span class="wizard-nav__status muted" role="status">
                    {move || generating.get().then_some("Writing the session…")}
                </span>
                <button
                    type="button"
                    class="wizard-nav__next wizard-generate__button button-primary"
                    on:click=move |_| wizard.generate()
                    aria-disabled=move || generating.get().to_string()
                    aria-describedby=move || {
                        wizard.generate_error.with(|e| e.is_some()).then_some(GENERATE_ERROR_ID)
                    }
                >
                    "Generate Session"
                </button>
            </Show>
            <Show when=move || wizard.show_errors.get() && !wizard.errors.with(|e| e.is_empty())>
                <p class="wizard-nav__blocked">
                    {move || {
                        let n = wizard.errors.with(|e| e.len());
                        if n == 1 {
                            "Fix the marked field to go on.".to_owned()
                        } else {
                            format!("Fix the {n} marked fields to go on.")
                        }
                    }}
                </p>
            </Show>
        </div>
    }
}
