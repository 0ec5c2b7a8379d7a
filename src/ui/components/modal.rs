//! A modal dialog on the native `<dialog>`: opened with `showModal()` once hydrated, so the page
//! behind is inert; Tab and Shift+Tab stay inside; Escape closes. Without JavaScript the server
//! renders it open in place and closing is a plain link-like GET (the caller's Close form).

use crate::ui::app::use_hydrated;
use crate::ui::hooks::focus_trap::wrap_tab;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Modal(
    /// Id of the element that names the dialog (its heading).
    labelled_by: &'static str,
    /// Asked to close (Escape, or the dialog closed by the browser).
    on_close: Callback<()>,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let hydrated = use_hydrated();
    let closing = StoredValue::new(false);
    // Once only, and never after the component is gone (a late `close` event).
    let close = move || {
        if closing.try_get_value() == Some(false) {
            closing.set_value(true);
            on_close.run(());
        }
    };

    // Server-rendered open (non-modal); re-opened as modal once the page is interactive, with
    // focus on the element marked `data-autofocus`.
    Effect::new(move |_| {
        let (Some(dialog), true) = (dialog.get(), hydrated.get()) else {
            return;
        };
        if dialog.open() {
            dialog.close();
        }
        let _ = dialog.show_modal();
        if let Ok(Some(target)) = dialog.query_selector("[data-autofocus]") {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(target) = target.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = target.focus();
            }
        }
    });

    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
            return;
        }
        if let Some(dialog) = dialog.get() {
            wrap_tab(&ev, &dialog);
        }
    };

    view! {
        <dialog
            node_ref=dialog
            class=format!("modal {class}")
            open=true
            aria-modal="true"
            aria-labelledby=labelled_by
            on:keydown=on_keydown
            // Re-opening as modal closes the dialog for a moment: only a close that sticks counts.
            on:close=move |_| {
                if dialog.get_untracked().is_some_and(|dialog| !dialog.open()) {
                    close();
                }
            }
        >
            {children()}
        </dialog>
    }
}
