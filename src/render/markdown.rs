//! Markdown with GitHub's extensions through comrak in safe mode: raw HTML is shown as text,
//! never passed through, and dangerous link schemes are dropped. Fenced code is highlighted
//! by syntect (CSS classes prefixed `hl-`, see `style/highlight.css`). The result still goes
//! through the sanitiser.

use super::sanitize::{sanitize, HIGHLIGHT_CLASS_PREFIX};
use crate::domain::untrusted::escape_html;
use comrak::adapters::SyntaxHighlighterAdapter;
use comrak::arena_tree::NodeEdge;
use comrak::html::{format_document_with_formatter, format_node_default, ChildRendering, Context};
use comrak::nodes::NodeValue;
use comrak::options::Plugins;
use comrak::plugins::syntect::{SyntectAdapter, SyntectAdapterBuilder};
use comrak::{try_parse_document, Arena, Options};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// Larger code blocks are shown without highlighting: syntect's cost per byte is high and
/// one block cannot be interrupted.
pub(crate) const MAX_HIGHLIGHT_BYTES: usize = 128 * 1024;

/// Highlighting may use this share of the time left after parsing; the rest is for
/// sanitising, which cannot be skipped.
const HIGHLIGHT_SHARE: u32 = 3;

/// The sanitiser gets the HTML in batches of about this size, with a look at the clock
/// between batches, so a slow document is cut off within one batch of its deadline.
const SANITIZE_BATCH_BYTES: usize = 64 * 1024;

/// A cautious guess at how fast ammonia sanitises on one core (about 10 MB/s measured, see
/// BENCHMARKS.md). One top-level block cannot be split (a table is one block, and a 100-column
/// header turns 32 KiB of rows into 5 MB of cells), so a batch the guess says cannot finish
/// before the deadline is not started: the text is shown at once instead of after the deadline.
const SANITIZE_BYTES_PER_MS: usize = 10 * 1024;

/// Written between top-level blocks: comrak's output never contains NUL (it is replaced in
/// the input), so the HTML can be split there into well-formed pieces.
const BLOCK_END: char = '\0';

pub(crate) const NOTE_UNHIGHLIGHTED: &str =
    "Some code blocks are shown without highlighting: they were too large or took too long.";

/// Deeper documents are shown as text: html5ever (inside ammonia) spends time proportional to
/// the depth on every element it opens, so 50,000 nested quotes took seconds in a release build.
/// Real documents stay far below this (comrak itself stops nesting lists at 100).
pub(crate) const MAX_NESTING: usize = 100;

pub(crate) struct SafeHtml {
    pub html: String,
    pub notes: Vec<String>,
}

/// Why the Markdown was not rendered; the caller shows it as text instead.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NotRendered {
    TimedOut,
    TooDeep,
}

fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    // Safe mode (comrak's default, stated here so no one flips it): raw HTML is not rendered.
    options.render.r#unsafe = false;
    // Show the agent's raw HTML as text instead of a "raw HTML omitted" comment.
    options.render.escape = true;
    options.render.tasklist_classes = true;
    options
}

/// Loading syntect's syntax definitions takes tens of milliseconds: do it once.
fn syntect() -> &'static SyntectAdapter {
    static ADAPTER: OnceLock<SyntectAdapter> = OnceLock::new();
    ADAPTER.get_or_init(|| {
        SyntectAdapterBuilder::new()
            .css_with_class_prefix(HIGHLIGHT_CLASS_PREFIX)
            .build()
    })
}

/// Syntect under a deadline and a size cap, escaping whatever it does not highlight.
struct Highlighter {
    deadline: Instant,
    skipped: AtomicBool,
}

impl SyntaxHighlighterAdapter for Highlighter {
    fn write_highlighted(
        &self,
        output: &mut dyn fmt::Write,
        lang: Option<&str>,
        code: &str,
    ) -> fmt::Result {
        let lang = lang.filter(|lang| !lang.trim().is_empty());
        if lang.is_none() {
            // Nothing to highlight by: plain text costs syntect as much as code does.
            return output.write_str(&escape_html(code));
        }
        if code.len() > MAX_HIGHLIGHT_BYTES
            || code.contains(BLOCK_END)
            || Instant::now() >= self.deadline
        {
            self.skipped.store(true, Ordering::Relaxed);
            return output.write_str(&escape_html(code));
        }
        let mut highlighted = String::with_capacity(code.len() * 2);
        syntect().write_highlighted(&mut highlighted, lang, code)?;
        // On an internal error the adapter writes the code unescaped; escaping always changes
        // code containing markup characters, so equal output means that happened.
        if highlighted == code && code.contains(['<', '>', '&']) {
            self.skipped.store(true, Ordering::Relaxed);
            return output.write_str(&escape_html(code));
        }
        output.write_str(&highlighted)
    }

    fn write_pre_tag(
        &self,
        output: &mut dyn fmt::Write,
        attributes: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        syntect().write_pre_tag(output, attributes)
    }

    fn write_code_tag(
        &self,
        output: &mut dyn fmt::Write,
        attributes: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        syntect().write_code_tag(output, attributes)
    }
}

/// Sanitised HTML for `text`, unless it is nested too deeply or parsing, highlighting and
/// sanitising do not fit before `deadline` (highlighting is skipped rather than missed).
pub(crate) fn to_safe_html(text: &str, deadline: Instant) -> Result<SafeHtml, NotRendered> {
    let options = options();
    let arena = Arena::new();
    let past_deadline = || Instant::now() >= deadline;
    // CommonMark replaces NUL anyway; doing it first keeps BLOCK_END unique in the output.
    let text = text.replace(BLOCK_END, "\u{FFFD}");
    let root = try_parse_document(&arena, &text, &options, &past_deadline)
        .map_err(|_| NotRendered::TimedOut)?;
    if nesting_depth(root) > MAX_NESTING {
        return Err(NotRendered::TooDeep);
    }

    let now = Instant::now();
    let highlighter = Highlighter {
        deadline: now + deadline.saturating_duration_since(now) / HIGHLIGHT_SHARE,
        skipped: AtomicBool::new(false),
    };
    let mut plugins = Plugins::default();
    plugins.render.codefence_syntax_highlighter = Some(&highlighter);
    let mut body = String::with_capacity(text.len() * 2);
    // Writing into a String cannot fail; if a plugin ever did, the text fallback is used.
    format_document_with_formatter(root, &options, &mut body, &plugins, mark_block_ends, ())
        .map_err(|_| NotRendered::TimedOut)?;

    let mut html = String::with_capacity(body.len() + 64);
    html.push_str("<div class=\"output-markdown\">");
    sanitize_in_batches(&body, deadline, &mut html)?;
    html.push_str("</div>");

    let mut notes = Vec::new();
    if highlighter.skipped.load(Ordering::Relaxed) {
        notes.push(NOTE_UNHIGHLIGHTED.to_owned());
    }
    Ok(SafeHtml { html, notes })
}

/// Sanitises `body` in batches of whole pieces (pieces end at [`BLOCK_END`]), on two threads
/// when there is more than one batch and more than one core, giving up at `deadline`.
fn sanitize_in_batches(body: &str, deadline: Instant, out: &mut String) -> Result<(), NotRendered> {
    let batches = batches(body);
    let clean = |batches: &[String]| -> Result<Vec<String>, NotRendered> {
        batches
            .iter()
            .map(|batch| {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() || batch.len() / SANITIZE_BYTES_PER_MS > left.as_millis() as usize
                {
                    Err(NotRendered::TimedOut)
                } else {
                    Ok(sanitize(batch))
                }
            })
            .collect()
    };
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let cleaned = if batches.len() > 1 && two_cores {
        let half = body.len() / 2;
        let mut bytes = 0;
        let split = batches
            .iter()
            .position(|batch| {
                bytes += batch.len();
                bytes >= half
            })
            .map_or(batches.len(), |index| index + 1)
            .min(batches.len() - 1);
        let (first, second) = batches.split_at(split);
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| clean(second));
            let first = clean(first);
            let second = helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok([first?, second?].concat())
        })?
    } else {
        clean(&batches)?
    };
    for batch in cleaned {
        out.push_str(&batch);
    }
    Ok(())
}

/// Pieces joined into batches of about [`SANITIZE_BATCH_BYTES`].
fn batches(body: &str) -> Vec<String> {
    let mut batches = Vec::new();
    let mut batch = String::new();
    for piece in body.split(BLOCK_END) {
        batch.push_str(piece);
        if batch.len() >= SANITIZE_BATCH_BYTES {
            batches.push(std::mem::take(&mut batch));
        }
    }
    if !batch.is_empty() || batches.is_empty() {
        batches.push(batch);
    }
    batches
}

/// comrak's HTML, plus [`BLOCK_END`] after each top-level block. Footnote definitions are
/// left together: comrak wraps them all in one `<section>`.
fn mark_block_ends(
    context: &mut Context<()>,
    node: comrak::Node<'_>,
    entering: bool,
) -> Result<ChildRendering, std::fmt::Error> {
    let rendering = format_node_default(context, node, entering)?;
    let top_level = node
        .parent()
        .is_some_and(|parent| matches!(parent.data().value, NodeValue::Document));
    if !entering && top_level && !matches!(node.data().value, NodeValue::FootnoteDefinition(_)) {
        use std::fmt::Write;
        context.write_char(BLOCK_END)?;
    }
    Ok(rendering)
}

/// The deepest nesting of the tree, found without recursion.
fn nesting_depth(root: comrak::Node<'_>) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            NodeEdge::End(_) => depth = depth.saturating_sub(1),
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn render(text: &str) -> String {
        to_safe_html(text, Instant::now() + Duration::from_secs(10))
            .unwrap()
            .html
    }

    // Whole-output snapshots (src/render/snapshots/): a change to the HTML the viewer gets is a
    // reviewed diff, not a silent one.

    #[test]
    fn gfm_table() {
        insta::assert_snapshot!(render("| a | b |\n|:-:|--:|\n| 1 | 2 |\n"));
    }

    #[test]
    fn task_list() {
        insta::assert_snapshot!(render("- [x] done\n- [ ] todo\n"));
    }

    #[test]
    fn strikethrough_and_autolink() {
        insta::assert_snapshot!(render(
            "~~gone~~ see https://example.com/x?a=1 or www.example.org\n"
        ));
    }

    #[test]
    fn footnotes() {
        insta::assert_snapshot!(render("Claim.[^1]\n\n[^1]: Source.\n"));
    }

    #[test]
    fn fenced_code_is_highlighted_with_prefixed_classes() {
        let html = render("```rust\nfn main() { let x = \"<b>\"; }\n```\n");
        assert!(!html.contains("<b>"), "{html}");
        insta::assert_snapshot!(html);
    }

    #[test]
    fn code_without_a_language_is_escaped_not_highlighted() {
        insta::assert_snapshot!(render("```\n<script>x</script>\n```\n"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>\n");
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        insta::assert_snapshot!(html);
    }

    #[test]
    fn dangerous_links_lose_their_target() {
        let html = render("[x](javascript:alert(1)) ![y](data:text/html,<b>) [z](vbscript:x)\n");
        for scheme in ["javascript:", "data:", "vbscript:"] {
            assert!(!html.contains(scheme), "{html}");
        }
        insta::assert_snapshot!(html);
    }

    #[test]
    fn an_agent_report() {
        insta::assert_snapshot!(render(include_str!("testdata/report.md")));
    }

    #[test]
    fn huge_code_blocks_are_escaped_with_a_note() {
        let code = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 10);
        let out = to_safe_html(
            &format!("```rust\n{code}```\n"),
            Instant::now() + Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.notes, [NOTE_UNHIGHLIGHTED]);
        assert!(!out.html.contains("hl-"));
    }

    #[test]
    fn highlighting_stops_at_the_deadline() {
        let late = Highlighter {
            deadline: Instant::now(),
            skipped: AtomicBool::new(false),
        };
        let mut out = String::new();
        late.write_highlighted(&mut out, Some("rust"), "fn a() -> b<c> {}")
            .unwrap();
        assert_eq!(out, "fn a() -&gt; b&lt;c&gt; {}");
        assert!(late.skipped.load(Ordering::Relaxed));

        let early = Highlighter {
            deadline: Instant::now() + Duration::from_secs(10),
            skipped: AtomicBool::new(false),
        };
        let mut out = String::new();
        early
            .write_highlighted(&mut out, Some("rust"), "fn a() {}")
            .unwrap();
        assert!(out.contains("hl-"), "{out}");
        assert!(!early.skipped.load(Ordering::Relaxed));
    }

    #[test]
    fn top_level_blocks_are_sanitised_in_well_formed_pieces() {
        let block =
            "# T\n\n> q **b**\n\n| a |\n|---|\n| 1 |\n\nText.[^n]\n\n```rust\nfn x() {}\n```\n\n";
        let text = format!("{}[^n]: Note.\n", block.repeat(2_000));
        let out = render(&text);
        assert_eq!(out.matches("<blockquote>").count(), 2_000);
        assert_eq!(out.matches("</blockquote>").count(), 2_000);
        assert_eq!(out.matches("<section class=\"footnotes\"").count(), 1);
        assert!(!out.contains('\0'));
        assert!(
            out.ends_with("</section>\n</div>"),
            "{}",
            &out[out.len() - 200..]
        );
        // The pieces are exactly what sanitising the whole would give.
        let whole =
            sanitize(&out["<div class=\"output-markdown\">".len()..out.len() - "</div>".len()]);
        assert_eq!(
            whole.len(),
            out.len() - "<div class=\"output-markdown\"></div>".len()
        );
    }

    #[test]
    fn sanitising_stops_at_the_deadline() {
        for count in [1, 10, 50_000] {
            let body = "<p>x</p>\0".repeat(count);
            let mut out = String::new();
            assert_eq!(
                sanitize_in_batches(&body, Instant::now(), &mut out),
                Err(NotRendered::TimedOut)
            );
            let mut out = String::new();
            sanitize_in_batches(&body, Instant::now() + Duration::from_secs(60), &mut out).unwrap();
            assert_eq!(out, "<p>x</p>".repeat(count));
        }
        assert_eq!(batches(""), [""]);
        assert_eq!(batches("a\0b"), ["ab"]);
        let big = format!("{}\0{}", "a".repeat(SANITIZE_BATCH_BYTES), "b");
        assert_eq!(batches(&big).len(), 2);
    }

    #[test]
    fn a_block_too_big_to_sanitise_in_time_is_not_started() {
        // A wide table is one block: 100 header columns make each of 8,192 one-cell rows 100
        // cells, about 5 MB of HTML that would take some 500 ms to sanitise. With 200 ms left
        // it is refused (sanitising it anyway would succeed, after the deadline).
        let header = format!("|{}\n|{}\n", "h|".repeat(100), "-|".repeat(100));
        let table = header + &"|a|\n".repeat(8 * 1024);
        let options = options();
        let arena = Arena::new();
        let root = comrak::parse_document(&arena, &table, &options);
        let mut body = String::new();
        comrak::format_html(root, &options, &mut body).unwrap();
        assert!(body.len() > 4_000_000, "{}", body.len());
        let mut out = String::new();
        let soon = Instant::now() + Duration::from_millis(200);
        assert_eq!(
            sanitize_in_batches(&body, soon, &mut out),
            Err(NotRendered::TimedOut)
        );
    }

    #[test]
    fn nul_in_the_input_does_not_split_blocks() {
        let html = render("a\0b\n\n```rust\nlet x = '\0';\n```\n");
        assert!(html.contains("<p>a\u{FFFD}b</p>"), "{html}");
        assert!(!html.contains('\0'));
    }

    #[test]
    fn deep_nesting_is_refused_quickly_without_overflow() {
        for text in [
            ">".repeat(50_000),
            "*".repeat(50_000) + "a" + &"*".repeat(50_000),
        ] {
            let started = Instant::now();
            let out = to_safe_html(&text, Instant::now() + Duration::from_secs(30));
            assert!(
                matches!(out, Err(NotRendered::TooDeep)),
                "{:?}",
                &text[..10]
            );
            assert!(started.elapsed() < Duration::from_secs(10));
        }
        // Comrak caps list nesting itself, links do not nest, and raw HTML is text.
        for text in [
            "- ".repeat(20_000),
            "[".repeat(50_000) + "a" + &"](b)".repeat(50_000),
            "<div>".repeat(20_000),
        ] {
            assert!(to_safe_html(&text, Instant::now() + Duration::from_secs(30)).is_ok());
        }
        let fine = format!("{}quote", "> ".repeat(MAX_NESTING - 3));
        let html = render(&fine);
        assert!(html.contains("quote"), "{html}");
    }
}
