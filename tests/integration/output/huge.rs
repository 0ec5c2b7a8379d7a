//! Huge and pathological output files. Previews stay within the cap, answer
//! in bounded time, and deep or enormous structures end in a clean result, never a stack
//! overflow.

use super::{Farm, SESSION};
use crate::support::{aid, sid};
use sessions_hub::domain::output::{OutputKind, DEFAULT_MAX_PREVIEW_BYTES};
use sessions_hub::render::{render, NOTE_TIMED_OUT, NOTE_TOO_DEEP};
use sessions_hub::service::output_preview;
use sessions_hub::store::SessionStore;
use std::fmt::Write as _;
use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

/// Resident set size from /proc/self/statm (pages of 4 KiB on the machines we run on).
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn store(farm: &Farm, outputs: &[&str]) -> SessionStore {
    farm.set_outputs(&outputs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let store = SessionStore::new(&farm.sessions);
    store.refresh().unwrap();
    store
}

/// A sparse file of `size` bytes that starts with `head`: created in microseconds.
fn sparse_file(path: &std::path::Path, head: &str, size: u64) {
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(head.as_bytes()).unwrap();
    file.set_len(size).unwrap();
    file.seek(SeekFrom::Start(size - 5)).unwrap();
    file.write_all(b"\nEND\n").unwrap();
}

#[test]
fn a_100_mb_output_is_previewed_within_the_cap() {
    let farm = Farm::new();
    let size = 100 * 1024 * 1024;
    sparse_file(&farm.session.join("out/huge.txt"), "first line\n", size);
    sparse_file(&farm.session.join("out/huge.md"), "# Huge\n\ntext\n", size);
    let store = store(&farm, &["out/huge.txt", "out/huge.md"]);

    let rss_before = rss_bytes();
    for agent in ["agent-0", "agent-1"] {
        let started = Instant::now();
        let preview = output_preview(
            &store,
            &sid(SESSION),
            &aid(agent),
            None,
            &[],
            DEFAULT_MAX_PREVIEW_BYTES,
        )
        .unwrap();
        let elapsed = started.elapsed();
        assert!(preview.truncated);
        assert_eq!(preview.size, size);
        assert!(preview.content.len() as u64 <= DEFAULT_MAX_PREVIEW_BYTES);
        assert!(!preview.content.contains("END"));
        assert_eq!(preview.notes[0], "Showing the first 2.0 MiB of 100.0 MiB.");
        // Generous for an unoptimised test build on a busy 2-core machine.
        assert!(elapsed < Duration::from_secs(20), "{agent}: {elapsed:?}");
        eprintln!("100 MB {agent}: {elapsed:?}, notes {:?}", preview.notes);
    }
    let growth = rss_bytes().saturating_sub(rss_before);
    eprintln!(
        "RSS growth after previews of 100 MB files: {} KiB",
        growth / 1024
    );
    assert!(growth < 64 << 20, "RSS grew by {growth} bytes");

    let (_, file_size, name) = store
        .agent_output_file(&sid(SESSION), &aid("agent-0"), None, &[])
        .unwrap();
    assert_eq!((file_size, name.as_str()), (size, "huge.txt"));
}

/// 50,000 lines of ordinary agent output: headings, prose, lists, tables, code.
fn long_markdown(lines: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    while out.lines().count() < lines {
        n += 1;
        let _ = write!(
            out,
            "## Step {n}\n\nChanged **{n} files** in `src/m{n}.rs`, see [run](https://example.com/{n}).\n\n\
             - [x] done {n}\n- [ ] open\n\n| a | b |\n|---|--:|\n| {n} | ok |\n\n\
             ```rust\nfn f{n}() -> u32 {{ {n} }}\n```\n\n"
        );
    }
    out
}

#[test]
fn a_50k_line_markdown_renders_or_falls_back_cleanly() {
    let farm = Farm::new();
    let text = long_markdown(50_000);
    std::fs::write(farm.session.join("out/long.md"), &text).unwrap();
    let store = store(&farm, &["out/long.md"]);
    let started = Instant::now();
    let preview = output_preview(
        &store,
        &sid(SESSION),
        &aid("agent-0"),
        None,
        &[],
        DEFAULT_MAX_PREVIEW_BYTES,
    )
    .unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "50k-line Markdown ({} bytes): {elapsed:?}, truncated {}, notes {:?}",
        text.len(),
        preview.truncated,
        preview.notes
    );
    let fell_back = preview.notes.iter().any(|note| note == NOTE_TIMED_OUT);
    if fell_back {
        assert!(preview.html.starts_with("<pre class=\"output-text\">"));
    } else {
        assert!(preview.html.contains("<h2>Step 1</h2>"));
        assert!(preview.html.contains("<table>"));
    }
    // Unoptimised build: the deadline covers parsing and highlighting; sanitising is linear.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

#[test]
fn a_million_element_json_array() {
    // Small numbers: 2,000,002 bytes, just under the cap, so it is printed in full.
    let small = format!("[{}0]", "1,".repeat(999_999));
    let started = Instant::now();
    let rendered = render(OutputKind::Json, small.as_bytes(), false);
    eprintln!(
        "1M-element JSON array, {} bytes: {:?}",
        small.len(),
        started.elapsed()
    );
    assert!(rendered.html.starts_with("<pre class=\"output-json\">"));
    assert_eq!(
        rendered.notes,
        ["Highlighting stops after 200,000 values; the rest is shown plain."]
    );
    assert_eq!(rendered.html.matches(",\n  ").count(), 999_999);

    // Counting up: about 6.9 MB, so the preview is cut and shown as text with a reason.
    let farm = Farm::new();
    let mut counting = String::from("[");
    for i in 0..1_000_000 {
        let _ = write!(counting, "{i},");
    }
    counting.push_str("0]");
    std::fs::write(farm.session.join("out/array.json"), &counting).unwrap();
    let store = store(&farm, &["out/array.json"]);
    let preview = output_preview(
        &store,
        &sid(SESSION),
        &aid("agent-0"),
        None,
        &[],
        DEFAULT_MAX_PREVIEW_BYTES,
    )
    .unwrap();
    assert!(preview.truncated);
    assert_eq!(
        preview.notes,
        [
            "Showing the first 2.0 MiB of 6.6 MiB.",
            "The preview ends before the JSON does: shown as text."
        ]
    );
    assert!(preview
        .html
        .starts_with("<pre class=\"output-text\">[0,1,2,"));
}

#[test]
fn ten_thousand_levels_of_nesting_end_cleanly() {
    // Run on a thread with a small stack, like a worker's: recursion would overflow it.
    let outcome = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let depth = 10_000;
            let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let objects = format!("{}null{}", "{\"k\":".repeat(depth), "}".repeat(depth));
            let mut notes = Vec::new();
            for json in [arrays, objects] {
                let rendered = render(OutputKind::Json, json.as_bytes(), false);
                assert!(rendered.html.starts_with("<pre class=\"output-json\">"));
                notes.push(rendered.notes);
            }
            // Unbalanced: a clean "not valid" note.
            let open = "[".repeat(depth);
            let rendered = render(OutputKind::Json, open.as_bytes(), false);
            notes.push(rendered.notes);

            let quotes = "> ".repeat(depth) + "deep";
            let rendered = render(OutputKind::Markdown, quotes.as_bytes(), false);
            notes.push(rendered.notes);
            let lists = "- ".repeat(depth) + "deep";
            let rendered = render(OutputKind::Markdown, lists.as_bytes(), false);
            assert!(rendered.html.contains("deep"));
            notes
        })
        .unwrap()
        .join()
        .expect("no stack overflow or panic");
    // Mostly indentation, so the HTML budget also ends the indenting.
    assert_eq!(
        outcome[0],
        [
            "Nesting deeper than 32 levels is not indented further.",
            "The rest is shown without indentation or colours, to keep the page small."
        ]
    );
    assert_eq!(outcome[1], outcome[0]);
    assert_eq!(
        outcome[2],
        ["Not valid JSON (it ends early: expected a value or `]`): shown as text."]
    );
    assert_eq!(outcome[3], [NOTE_TOO_DEEP]);
}

#[test]
fn binary_and_garbage_content_never_panics() {
    let mut bytes = Vec::new();
    let mut state = 0x2545_f491_u32;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push(state as u8);
    }
    for kind in [OutputKind::Markdown, OutputKind::Json, OutputKind::Text] {
        for truncated in [false, true] {
            let rendered = render(kind, &bytes, truncated);
            assert!(!rendered.html.is_empty());
            assert!(super::html_check::problems(&rendered.html).is_empty());
        }
    }
}
