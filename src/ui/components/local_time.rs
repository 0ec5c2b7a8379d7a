use crate::ui::app::use_hydrated;
use crate::ui::model::time::{iso_utc, utc_minutes};
use leptos::prelude::*;

/// A point in time: UTC in the server render (it cannot know the reader's time zone), the
/// reader's local time once hydrated.
#[component]
pub fn LocalTime(ms: i64) -> impl IntoView {
    let hydrated = use_hydrated();
    let text = move || {
        if hydrated.get() {
            local_text(ms)
        } else {
            utc_minutes(ms)
        }
    };
    view! { <time datetime=iso_utc(ms)>{text}</time> }
}

#[cfg(feature = "hydrate")]
fn local_text(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string("default", &options).into()
}

#[cfg(not(feature = "hydrate"))]
fn local_text(ms: i64) -> String {
    utc_minutes(ms)
}
