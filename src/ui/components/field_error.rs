//! A validation message next to its field, tied to the control with `aria-describedby`.

use crate::domain::create::FieldErrors;
use leptos::prelude::*;

/// One field's message (if any) and the element id it is shown under: the id scheme of
/// [`FieldErrors::dom_id`], so the server's field ids and the page's element ids agree.
/// `Copy`, so one value can feed the control's attributes and the message.
#[derive(Clone, Copy)]
pub struct FieldMessage {
    dom_id: StoredValue<String>,
    pub message: Signal<Option<String>>,
}

impl FieldMessage {
    pub fn new(field: &str, message: Signal<Option<String>>) -> Self {
        Self::with_dom_id(FieldErrors::dom_id(field), message)
    }

    pub fn with_dom_id(dom_id: String, message: Signal<Option<String>>) -> Self {
        Self {
            dom_id: StoredValue::new(dom_id),
            message,
        }
    }

    pub fn dom_id(self) -> String {
        self.dom_id.get_value()
    }

    fn present(self) -> bool {
        self.message.with(|m| m.is_some())
    }

    /// For `aria-invalid`: `"true"` while there is a message, absent otherwise.
    pub fn invalid(self) -> impl Fn() -> Option<&'static str> + Send + Sync + Copy + 'static {
        move || self.present().then_some("true")
    }

    /// For `aria-describedby`: the message's id while there is one, absent otherwise.
    pub fn described_by(self) -> impl Fn() -> Option<String> + Send + Sync + Copy + 'static {
        move || self.present().then(|| self.dom_id())
    }
}

/// Renders the message under the id its control's `aria-describedby` names.
#[component]
pub fn FieldError(field: FieldMessage) -> impl IntoView {
    move || {
        field.message.get().map(|text| {
            view! {
                <p id=field.dom_id() class="field-error">
                    <crate::ui::components::Icon name=crate::ui::components::IconName::Warning />
                    {text}
                </p>
            }
        })
    }
}
