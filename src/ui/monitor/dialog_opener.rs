//! The buttons that open a dialog of the session detail ("View Output", "View
//! communication.json", "Archive", ...): each is a GET form whose hidden fields are the dialog's
//! URL, so it opens without JavaScript too; once hydrated it navigates there in place.

use super::session_href;
use crate::domain::format::encode_query_value;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Navigation that opens or closes a dialog: replaces the entry, keeps the scroll position.
pub fn in_place() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    }
}

/// A submit button that opens `session`'s detail with `name=value` added to its URL. `id` is
/// where focus goes back when the dialog closes.
#[component]
pub fn DialogOpener(
    session: String,
    name: &'static str,
    value: String,
    id: String,
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let navigate = use_navigate();
    let href = format!(
        "{}&{name}={}",
        session_href(&session),
        encode_query_value(&value)
    );
    view! {
        <form
            method="get"
            action="/sessions"
            class="inline-form"
            on:submit=move |ev| {
                ev.prevent_default();
                navigate(&href, in_place());
            }
        >
            <input type="hidden" name="tab" value="monitor" />
            <input type="hidden" name="session" value=session />
            <input type="hidden" name=name value=value />
            <button type="submit" id=id class=class>{children()}</button>
        </form>
    }
}
