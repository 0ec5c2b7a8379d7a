//! Where the user is: an ordered list with `aria-current="step"`, plus a polite live region
//! that announces each move ("Step 2 of 5: Context and attachments").

use crate::ui::model::wizard::WizardStep;
use leptos::prelude::*;

#[component]
pub fn StepIndicator(step: Memo<WizardStep>) -> impl IntoView {
    let items = WizardStep::ALL
        .into_iter()
        .map(|item| {
            let state = move || match step.get().cmp(&item) {
                std::cmp::Ordering::Less => "todo",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "done",
            };
            view! {
                <li
                    class=move || format!("wizard-steps__item wizard-steps__item--{}", state())
                    aria-current=move || (state() == "current").then_some("step")
                >
                    <span class="wizard-steps__number" aria-hidden="true">
                        {move || if state() == "done" { "✓".to_owned() } else { item.number().to_string() }}
                    </span>
                    <span class="wizard-steps__label">{item.label()}</span>
                    <span class="visually-hidden">
                        {move || if state() == "done" { " (done)" } else { "" }}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="wizard-progress" aria-label="Wizard steps">
            <ol class="wizard-steps">{items}</ol>
        </nav>
        <p class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || step.get().to_string()}
        </p>
    }
}
