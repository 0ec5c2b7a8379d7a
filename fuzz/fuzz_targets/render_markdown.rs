//! Agent output rendered as Markdown (and as plain text), exactly as the output viewer does:
//! `render` with the production deadline (comrak safe mode, syntect, ammonia).
//!
//! Invariants beyond "no panic":
//! - the HTML passes the T11 re-parse: no `<script`, only allowlisted elements and
//!   attributes, no `on…=` handler, no URL scheme but http/https/mailto, no NUL;
//! - it is either the Markdown wrapper or, with a note saying why (deadline or nesting), the
//!   escaped text that reproduces the input exactly;
//! - plain text output always reproduces the input exactly;
//! - the "cut at the preview cap" decoding only drops a partial last character.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use sessions_hub::domain::output::OutputKind;
use sessions_hub::render::{lossy_text, render, NOTE_TIMED_OUT, NOTE_TOO_DEEP};

fuzz_target!(|data: &[u8]| {
    let text = lossy_text(data, false);
    let cut = lossy_text(data, true);
    assert!(text.starts_with(&cut), "{text:?} / {cut:?}");
    // At most three bytes of a partial character dropped, each shown as U+FFFD otherwise.
    assert!(text.len() - cut.len() <= 9);

    let out = render(OutputKind::Markdown, data, false);
    common::assert_safe(&out.html);
    if out.html.starts_with("<pre class=\"output-text\">") {
        assert!(
            out.notes == [NOTE_TIMED_OUT] || out.notes == [NOTE_TOO_DEEP],
            "{:?}",
            out.notes
        );
        common::assert_text_fallback(&out.html, &text);
    } else {
        assert!(
            out.html.starts_with("<div class=\"output-markdown\">") && out.html.ends_with("</div>"),
            "{}",
            out.html
        );
    }

    let plain = render(OutputKind::Text, data, false);
    assert!(plain.notes.is_empty());
    common::assert_text_fallback(&plain.html, &text);
});
