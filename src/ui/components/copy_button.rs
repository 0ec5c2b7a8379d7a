//! A button that copies a line to paste into a terminal and then reads "Copied" (announced
//! politely).

use crate::domain::untrusted::plain_line;
use crate::ui::hooks::use_clipboard;
use leptos::prelude::*;

/// `what` completes the accessible name: "Copy the line for agent-1". What is copied is one
/// line without control characters, so a pasted line cannot run more than itself (a newline
/// would submit it early; a bidi override would hide what it says).
#[component]
pub fn CopyButton(text: String, what: String) -> impl IntoView {
    let clipboard = use_clipboard();
    let text = plain_line(&text, usize::MAX);
    let what_label = what.clone();
    view! {
        <button
            type="button"
            class="copy-button"
            class:copy-button--copied=move || clipboard.copied.get()
            on:click=move |_| clipboard.copy.run(text.clone())
        >
            {move || clipboard.copied.get().then(|| view! { <super::Icon name=super::IconName::Complete /> })}
            {move || if clipboard.copied.get() { "Copied" } else { "Copy" }}
            <span class="visually-hidden">" " {what_label}</span>
        </button>
        <span class="visually-hidden" role="status">
            {move || {
                if clipboard.copied.get() {
                    format!("Copied {what} to the clipboard.")
                } else if clipboard.failed.get() {
                    format!("Could not copy {what}: select it and copy it by hand.")
                } else {
                    String::new()
                }
            }}
        </span>
        <Show when=move || clipboard.failed.get()>
            <span class="copy-button__failed">"Copying is blocked here: select the line and copy it by hand."</span>
        </Show>
    }
}
