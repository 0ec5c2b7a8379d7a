//! Step 2: the project files found for the description, and attachments.

use super::attachments::Attachments;
use super::context_discovery::ContextDiscovery;
use leptos::prelude::*;

#[component]
pub fn StepContext() -> impl IntoView {
    view! {
        <div class="wizard-step">
            <ContextDiscovery />
            <Attachments />
        </div>
    }
    .into_any()
}
