//! The document title, which names agent-written things (a session's feature name).
//!
//! Two faults of `leptos_meta::Title` during server rendering shape this component:
//! - it writes its text into `<title>` as it is, unescaped (a feature name of
//!   `</title><script>…` ran in the browser of whoever opened the session);
//! - it keeps a reactive text and reads it only when the page's `<head>` is assembled, after the
//!   router has rendered the route and may have dropped the route's reactive owner. Whether it
//!   has depends on when the last task holding that owner (a resource's server function) ends,
//!   so under concurrent load about one page in twenty panicked with "already disposed" and
//!   lost its connection.
//!
//! So on the server this takes the text once, while the component runs, and escapes it; in the
//! browser the title follows the signal (`document.title` takes plain text, so nothing is
//! escaped twice).

use crate::domain::untrusted::plain_line;
use leptos::prelude::*;
use leptos_meta::Title;

/// Long enough for any tab strip, short enough that a 100 KB name cannot bloat every page.
const MAX_TITLE_CHARS: usize = 120;

/// Sets the document title to `text` (one line, cut to a sane length).
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let title = crate::domain::untrusted::escape_html(&plain_line(
            &text.get_untracked(),
            MAX_TITLE_CHARS,
        ));
        view! { <Title text=title /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        view! { <Title text=move || plain_line(&text.get(), MAX_TITLE_CHARS) /> }
    }
}

/// "`page` · Sessions Hub", the page's name cut so that the hub's stays in view.
pub fn titled(page: &str) -> String {
    format!(
        "{} · Sessions Hub",
        plain_line(page, MAX_TITLE_CHARS - " · Sessions Hub".len())
    )
}

/// `title` led by how many questions wait for a person: "(2) Monitor Sessions · Sessions Hub".
pub fn with_open_questions(open: usize, title: String) -> String {
    if open == 0 {
        title
    } else {
        format!("({open}) {title}")
    }
}
