//! Moving keyboard focus where a screen-reader user needs it next.
//!
//! ## Server-Side Rendering
//! Both are no-ops on the server (focus only exists in a browser).

use crate::domain::create::FieldErrors;
use leptos::html;
use leptos::prelude::*;

/// Focuses `heading` (a `tabindex="-1"` step heading) after the next paint, when the new step
/// is in the document.
pub fn focus_heading(heading: NodeRef<html::H3>) {
    request_animation_frame(move || {
        if let Some(heading) = heading.get_untracked() {
            let _ = heading.focus();
        }
    });
}

/// Focuses the first control whose `aria-describedby` names one of `errors`' messages, in form
/// order: the field the user has to fix first. A group (fieldset) passes focus to its first
/// enabled control.
pub fn focus_first_invalid(errors: &FieldErrors) {
    let ids: Vec<String> = errors.fields().map(FieldErrors::dom_id).collect();
    // After the paint that renders the messages and their aria-describedby.
    request_animation_frame(move || {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let document = document();
            for id in ids {
                // Ids are [A-Za-z0-9_-] (FieldErrors::dom_id), safe inside a selector.
                let selector = format!("[aria-describedby~=\"{id}\"]");
                let Ok(Some(element)) = document.query_selector(&selector) else {
                    continue;
                };
                let control = match element.tag_name().as_str() {
                    "FIELDSET" | "DIV" | "SECTION" | "UL" | "OL" | "LI" => element
                        .query_selector(
                            "input:not([disabled]), select, textarea, button:not([disabled])",
                        )
                        .ok()
                        .flatten()
                        .unwrap_or(element),
                    _ => element,
                };
                if let Ok(control) = control.dyn_into::<web_sys::HtmlElement>() {
                    let _ = control.focus();
                }
                return;
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ids;
    });
}

/// Focuses the element with `id` after the next paint (a control just added).
pub fn focus_id(id: String) {
    request_animation_frame(move || {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(element) = document()
                .get_element_by_id(&id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    });
}

/// Gives focus back to the control that opened a dialog (`opener`, an element id) once the
/// dialog has left the document, or to `main` when that control is gone (a session archived
/// from the palette, say): focus must never fall to `body`.
pub fn return_focus(opener: Option<String>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        // A macrotask, not a frame: the dialog's removal and the router's update land first.
        gloo_timers::future::TimeoutFuture::new(0).await;
        use wasm_bindgen::JsCast;
        let document = document();
        let target = opener
            .and_then(|id| document.get_element_by_id(&id))
            .or_else(|| document.query_selector("main").ok().flatten());
        if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = opener;
}
