//! Where the user is: an ordered list with `aria-current="step"`, each step already visited a
//! button that goes back to it (see `WizardDraft::jump_to`), plus a polite live region that
//! announces each move ("Step 2 of 5: Context and attachments"). A phone shows only the
//! current step's "Step 2 of 5" line.

use super::use_wizard;
use crate::ui::components::{Icon, IconName};
use crate::ui::hooks::focus::focus_first_invalid;
use crate::ui::model::wizard::WizardStep;
use leptos::prelude::*;

#[component]
pub fn StepIndicator(step: Memo<WizardStep>) -> impl IntoView {
    let wizard = use_wizard();
    let items = WizardStep::ALL
        .into_iter()
        .map(|item| {
            let state = move || match step.get().cmp(&item) {
                std::cmp::Ordering::Less => "todo",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "done",
            };
            let clickable = move || wizard.draft.with(|d| d.can_jump_to(item));
            let jump = move |_| {
                let result = wizard.draft.try_update(|d| d.jump_to(item));
                match result {
                    Some(Err((_, errors))) => {
                        wizard.show_errors.set(true);
                        focus_first_invalid(&errors);
                    }
                    _ => wizard.moved(),
                }
            };
            let marker = move || {
                if state() == "done" {
                    view! { <Icon name=IconName::Complete /> }.into_any()
                } else {
                    item.number().to_string().into_any()
                }
            };
            let label = move || {
                view! {
                    <span class="wizard-steps__number" aria-hidden="true">{marker}</span>
                    <span class="wizard-steps__label">{item.label()}</span>
                    <span class="visually-hidden">
                        {move || if state() == "done" { " (done)" } else { "" }}
                    </span>
                }
            };
            view! {
                <li
                    class=move || format!("wizard-steps__item wizard-steps__item--{}", state())
                    aria-current=move || (state() == "current").then_some("step")
                >
                    {move || if clickable() {
                        view! { <button type="button" class="wizard-steps__go" on:click=jump>{label()}</button> }.into_any()
                    } else {
                        label().into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="wizard-progress" aria-label="Wizard steps">
            <ol class="wizard-steps">{items}</ol>
            <p class="wizard-steps__compact">
                {move || format!("Step {} of 5: {}", step.get().number(), step.get().label())}
            </p>
        </nav>
        <p class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || step.get().to_string()}
        </p>
    }
}
