//! A small bar that shows a share (progress, relevance) next to the number that says it.
//!
//! An SVG rectangle rather than a `style="width: …"`: the pages' Content-Security-Policy allows
//! no inline styles, and presentation attributes are not styles.

use leptos::prelude::*;

/// `percent` of the bar filled; decorative (the text beside it says the same).
#[component]
pub fn Meter(percent: u32, class: &'static str) -> impl IntoView {
    let width = percent.min(100);
    view! {
        <svg class=class aria-hidden="true" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
            <rect class="meter__track" width="100" height="10" rx="4" />
            <rect class="meter__fill" width=width height="10" rx="4" />
        </svg>
    }
}
