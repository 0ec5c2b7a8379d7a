//! Step 1: the stub (picked or typed in) and the instruction blocks.

use super::instruction_blocks::InstructionBlocks;
use super::stub_fields::StubFields;
use super::stub_picker::StubPicker;
use leptos::prelude::*;

#[component]
pub fn StepStub() -> impl IntoView {
    view! {
        <div class="wizard-step">
            <StubPicker />
            <StubFields />
            <InstructionBlocks />
        </div>
    }
    .into_any()
}
