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
    with_open_questions(0, page)
}

/// [`titled`], led by how many questions wait for a person: "(2) Monitor Sessions · Sessions
/// Hub". The page's name gives way, never the count or the hub's name.
pub fn with_open_questions(open: usize, page: &str) -> String {
    const HUB: &str = " · Sessions Hub";
    let count = if open == 0 {
        String::new()
    } else {
        format!("({open}) ")
    };
    let room = MAX_TITLE_CHARS - HUB.len() - count.chars().count();
    format!("{count}{}{HUB}", plain_line(page, room))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_and_the_hub_s_name_survive_a_long_page_name() {
        assert_eq!(
            titled("Monitor Sessions"),
            "Monitor Sessions · Sessions Hub"
        );
        assert_eq!(
            with_open_questions(3, "Monitor Sessions"),
            "(3) Monitor Sessions · Sessions Hub"
        );
        let long = with_open_questions(57, &"x".repeat(10_000));
        assert!(long.starts_with("(57) xxx"), "{long}");
        assert!(long.ends_with(" · Sessions Hub"), "{long}");
        assert!(
            long.chars().count() <= MAX_TITLE_CHARS,
            "{}",
            long.chars().count()
        );
    }
}
