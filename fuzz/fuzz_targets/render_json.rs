//! Agent output rendered as JSON: the hub's own validating pretty-printer (no recursion, no
//! depth limit), checked against serde_json as a reference parser.
//!
//! Invariants beyond "no panic":
//! - the HTML passes the T11 re-parse (no `<script`, allowlisted elements only, ...);
//! - accepted and refused documents agree with serde_json, except where serde_json applies
//!   limits of its own that are not JSON's grammar (its recursion limit of 128, numbers out
//!   of f64 range, lone surrogates in `\u` escapes);
//! - accepted: the body holds only `<span class="json-…">` tokens, never nested, and without
//!   the markup it is the input with whitespace outside strings re-laid, nothing else changed;
//! - refused: the escaped text reproducing the input exactly, with one note saying why.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use sessions_hub::domain::output::OutputKind;
use sessions_hub::render::{lossy_text, render};

const CLASSES: &[&str] = &[
    "json-key",
    "json-string",
    "json-number",
    "json-bool",
    "json-null",
    "json-punct",
];

fuzz_target!(|data: &[u8]| {
    let text = lossy_text(data, false);
    let out = render(OutputKind::Json, data, false);
    common::assert_safe(&out.html);

    // serde_json does not skip a byte-order mark; the hub does.
    let document = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let reference = serde_json::from_str::<IgnoredAny>(document);

    if let Some(body) = out.html.strip_prefix("<pre class=\"output-json\"><code>") {
        let body = body
            .strip_suffix("</code></pre>")
            .unwrap_or_else(|| panic!("unterminated: {}", out.html));
        if let Err(err) = &reference {
            let message = err.to_string();
            assert!(
                message.starts_with("recursion limit exceeded")
                    || message.starts_with("number out of range")
                    || message.contains("surrogate"),
                "the hub accepted what serde_json refuses ({message}): {text:?}"
            );
        }
        for note in &out.notes {
            assert!(
                note.starts_with("Nesting deeper than") || note.starts_with("Highlighting stops"),
                "{note}"
            );
        }
        let plain = common::unescape(&without_spans(body));
        assert_eq!(minify(&plain), minify(document), "{text:?}");
    } else {
        assert!(
            reference.is_err(),
            "the hub refused JSON that serde_json accepts ({:?}): {text:?}",
            out.notes
        );
        assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
        assert!(
            out.notes[0].starts_with("Not valid JSON (")
                || out.notes[0].starts_with("The preview ends before the JSON does"),
            "{:?}",
            out.notes
        );
        common::assert_text_fallback(&out.html, &text);
    }
});

/// The body without its `<span class="json-…">…</span>` wrappers, which must be the only
/// markup and never nest.
fn without_spans(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    let mut open = false;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("</span>") {
            assert!(open, "</span> without <span>");
            open = false;
            rest = after;
        } else {
            let after = rest
                .strip_prefix("<span class=\"")
                .unwrap_or_else(|| panic!("unexpected markup {:?}", &rest[..rest.len().min(40)]));
            let end = after.find("\">").expect("unterminated span");
            assert!(
                CLASSES.contains(&&after[..end]),
                "class {:?}",
                &after[..end]
            );
            assert!(!open, "nested span");
            open = true;
            rest = &after[end + 2..];
        }
    }
    assert!(!open, "unclosed span");
    out.push_str(rest);
    out
}

/// JSON text without the whitespace between tokens.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}
