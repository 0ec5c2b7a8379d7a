//! Checks shared by the render targets.

#![allow(dead_code)]

/// The independent re-parse of rendered HTML that the T11 XSS tests use: every element and
/// attribute against an allowlist, entity-decoded URL schemes, event handlers.
#[path = "../../tests/integration/output/html_check.rs"]
pub mod html_check;

/// Panics unless `html` is safe to inject: no `<script`, only allowlisted elements and
/// attributes, no `on…=` handler, no URL scheme but http, https or mailto, no NUL.
pub fn assert_safe(html: &str) {
    let problems = html_check::problems(html);
    assert!(problems.is_empty(), "unsafe HTML: {problems:?}\n{html}");
    assert!(!html.contains('\0'), "NUL in the HTML");
}

/// Inverse of the hub's `escape_html` (`& < > " '`).
pub fn unescape(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (c, len) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
        ]
        .iter()
        .find(|(entity, _)| rest.starts_with(entity))
        .map(|(entity, c)| (*c, entity.len()))
        .unwrap_or_else(|| {
            panic!(
                "bare or unknown entity at {:?}",
                &rest[..rest.len().min(12)]
            )
        });
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// The text fallback: exactly `text`, escaped, inside `<pre class="output-text">`.
pub fn assert_text_fallback(html: &str, text: &str) {
    let body = html
        .strip_prefix("<pre class=\"output-text\">")
        .and_then(|rest| rest.strip_suffix("</pre>"))
        .unwrap_or_else(|| panic!("not the text fallback: {html}"));
    assert!(
        !body.contains(['<', '>', '"', '\'']),
        "unescaped markup in the text fallback"
    );
    assert_eq!(unescape(body), text.replace('\0', "\u{FFFD}"));
}
