//! Keeping keyboard focus inside a modal dialog. leptos-use has no focus trap, so this is ours:
//! Tab from the last focusable element goes to the first, Shift+Tab from the first to the last.

use leptos::ev::KeyboardEvent;

/// What counts as focusable inside the container (enough for the hub's dialogs).
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
     select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Call from the container's `keydown` handler. Returns true when it moved focus.
pub fn wrap_tab(ev: &KeyboardEvent, container: &leptos::web_sys::Element) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if ev.key() != "Tab" {
            return false;
        }
        let Ok(nodes) = container.query_selector_all(FOCUSABLE) else {
            return false;
        };
        let focusable: Vec<web_sys::HtmlElement> = (0..nodes.length())
            .filter_map(|i| nodes.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
            // Skip what is not rendered (hidden, display:none).
            .filter(|element| element.offset_parent().is_some())
            .collect();
        let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
            return false;
        };
        let active = leptos::prelude::document().active_element();
        let at = |element: &web_sys::HtmlElement| {
            active
                .as_ref()
                .is_some_and(|active| active == element.unchecked_ref::<web_sys::Element>())
        };
        let inside = active
            .as_ref()
            .is_some_and(|active| container.contains(Some(active)));
        let target = if ev.shift_key() && (at(first) || !inside) {
            Some(last)
        } else if !ev.shift_key() && (at(last) || !inside) {
            Some(first)
        } else {
            None
        };
        if let Some(target) = target {
            ev.prevent_default();
            let _ = target.focus();
            return true;
        }
        false
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, container);
        false
    }
}
