//! Rendering agent output (Markdown, JSON, plain text) to HTML that is safe to inject with
//! `inner_html`. Server only: comrak, syntect and ammonia stay out of the WASM bundle.
//!
//! Every renderer treats its input as hostile: raw HTML in Markdown is shown as text, the
//! result is sanitised a second time with an allowlist, JSON is pretty-printed without
//! recursion, and slow input falls back to plain text under a deadline.

mod json;
mod markdown;
mod sanitize;

use crate::domain::output::OutputKind;
use std::time::{Duration, Instant};

pub use crate::domain::untrusted::escape_html;

/// Markdown that takes longer than this to parse (or highlight) falls back to plain text.
pub const RENDER_DEADLINE: Duration = Duration::from_millis(300);

pub const NOTE_TIMED_OUT: &str = "Rendering took too long: shown as plain text.";
pub const NOTE_TOO_DEEP: &str = "The Markdown is nested too deeply to render: shown as plain text.";

/// HTML for the output viewer and sentences about what it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Safe to inject as inner HTML.
    pub html: String,
    pub notes: Vec<String>,
}

/// Renders `bytes` (invalid UTF-8 replaced) as `kind`, under [`RENDER_DEADLINE`].
/// `truncated` says the bytes are only the start of the file.
pub fn render(kind: OutputKind, bytes: &[u8], truncated: bool) -> Rendered {
    render_str(
        kind,
        &lossy_text(bytes, truncated),
        truncated,
        RENDER_DEADLINE,
    )
}

/// [`render`] for text already decoded by [`lossy_text`], with an explicit deadline.
pub fn render_str(kind: OutputKind, text: &str, truncated: bool, deadline: Duration) -> Rendered {
    match kind {
        OutputKind::Text => Rendered {
            html: text_html(text),
            notes: Vec::new(),
        },
        OutputKind::Json => render_json(text, truncated),
        OutputKind::Markdown => render_markdown(text, truncated, Instant::now() + deadline),
    }
}

/// Loads syntect's syntax definitions and builds the sanitiser, which the first render would
/// otherwise do inside its deadline. Call once at start-up (it takes tens of milliseconds).
pub fn warm_up() {
    let _ = render_str(
        OutputKind::Markdown,
        "```rust\nfn warm() {}\n```\n",
        false,
        Duration::from_secs(60),
    );
}

/// Lossy UTF-8. When the bytes were cut at the preview cap, a character split by the cut is
/// dropped instead of showing up as a replacement character.
pub fn lossy_text(bytes: &[u8], truncated: bool) -> String {
    let bytes = if truncated {
        without_partial_last_char(bytes)
    } else {
        bytes
    };
    String::from_utf8_lossy(bytes).into_owned()
}

fn without_partial_last_char(bytes: &[u8]) -> &[u8] {
    let len = bytes.len();
    for back in 1..=len.min(4) {
        let byte = bytes[len - back];
        if byte & 0xC0 == 0x80 {
            continue; // a continuation byte: keep looking for the lead byte
        }
        let needed = match byte {
            0xF0..=0xF7 => 4,
            0xE0..=0xEF => 3,
            0xC0..=0xDF => 2,
            _ => 1,
        };
        return if needed > back {
            &bytes[..len - back]
        } else {
            bytes
        };
    }
    bytes
}

fn text_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 8 + 64);
    html.push_str("<pre class=\"output-text\">");
    crate::domain::untrusted::escape_html_into(&mut html, text);
    html.push_str("</pre>");
    html
}

fn render_json(text: &str, truncated: bool) -> Rendered {
    match json::pretty_html(text) {
        Ok(pretty) => Rendered {
            html: pretty.html,
            notes: pretty.notes,
        },
        Err(err) => {
            let note = if err.at_end && truncated {
                "The preview ends before the JSON does: shown as text.".to_owned()
            } else {
                format!("Not valid JSON ({}): shown as text.", err.describe(text))
            };
            Rendered {
                html: text_html(text),
                notes: vec![note],
            }
        }
    }
}

fn render_markdown(text: &str, truncated: bool, deadline: Instant) -> Rendered {
    match markdown::to_safe_html(text, deadline) {
        Ok(rendered) => {
            let mut notes = rendered.notes;
            if truncated {
                notes.push(
                    "The Markdown is cut off at the preview limit, so its end may look unfinished."
                        .to_owned(),
                );
            }
            Rendered {
                html: rendered.html,
                notes,
            }
        }
        Err(reason) => Rendered {
            html: text_html(text),
            notes: vec![match reason {
                markdown::NotRendered::TimedOut => NOTE_TIMED_OUT.to_owned(),
                markdown::NotRendered::TooDeep => NOTE_TOO_DEEP.to_owned(),
            }],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_split_by_the_cap_is_dropped() {
        let text = "ab€"; // € is 3 bytes
        let bytes = text.as_bytes();
        assert_eq!(lossy_text(&bytes[..4], true), "ab");
        assert_eq!(lossy_text(&bytes[..3], true), "ab");
        assert_eq!(lossy_text(bytes, true), "ab€");
        assert_eq!(lossy_text(&bytes[..4], false), "ab\u{FFFD}");
        assert_eq!(lossy_text(&[0xF0, 0x9F, 0x98], true), "");
        assert_eq!(
            lossy_text(&[0x80, 0x80, 0x80, 0x80, 0x80], true),
            "\u{FFFD}".repeat(5)
        );
        assert_eq!(lossy_text(b"", true), "");
    }

    #[test]
    fn warming_up_loads_the_highlighter() {
        warm_up();
        let out = render(OutputKind::Markdown, b"```rust\nfn x() {}\n```\n", false);
        assert!(out.html.contains("hl-"), "{}", out.html);
    }

    #[test]
    fn text_is_escaped_inside_pre() {
        let out = render(OutputKind::Text, b"<script>alert('x')</script> & \0", false);
        assert_eq!(
            out.html,
            "<pre class=\"output-text\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \u{FFFD}</pre>"
        );
        assert!(out.notes.is_empty());
    }

    #[test]
    fn binary_content_is_shown_as_text() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        let out = render(OutputKind::Text, &bytes, false);
        assert!(out.html.starts_with("<pre class=\"output-text\">"));
        assert!(!out.html.contains("<script"));
        assert!(out.html.contains('\u{FFFD}'));
    }

    #[test]
    fn invalid_json_is_text_with_a_reason() {
        let out = render(OutputKind::Json, b"{\"a\": <b>1</b>}", false);
        assert!(out
            .html
            .starts_with("<pre class=\"output-text\">{&quot;a&quot;: &lt;b&gt;"));
        assert_eq!(
            out.notes,
            ["Not valid JSON (expected a value at line 1, column 7): shown as text."]
        );
    }

    #[test]
    fn truncated_json_says_so() {
        let out = render(OutputKind::Json, b"[1, 2, 3", true);
        assert_eq!(
            out.notes,
            ["The preview ends before the JSON does: shown as text."]
        );
        let out = render(OutputKind::Json, b"[1, 2, 3", false);
        assert_eq!(
            out.notes,
            ["Not valid JSON (it ends early: expected `,` or `]`): shown as text."]
        );
    }

    #[test]
    fn markdown_past_its_deadline_is_plain_text() {
        let out = render_str(
            OutputKind::Markdown,
            "# Title\n\n<b>x</b>",
            false,
            Duration::ZERO,
        );
        assert_eq!(out.notes, [NOTE_TIMED_OUT]);
        assert_eq!(
            out.html,
            "<pre class=\"output-text\"># Title\n\n&lt;b&gt;x&lt;/b&gt;</pre>"
        );
    }

    #[test]
    fn truncated_markdown_renders_with_a_note() {
        let out = render(OutputKind::Markdown, b"# Title\n\n- one\n- tw", true);
        assert!(out.html.contains("<h1>Title</h1>"), "{}", out.html);
        assert!(out.html.contains("<li>tw</li>"), "{}", out.html);
        assert_eq!(out.notes.len(), 1);
    }
}
