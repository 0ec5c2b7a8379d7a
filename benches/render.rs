//! Output rendering under the preview cap: a 50k-line Markdown file, a 10 MB JSON file, a
//! 1 MB Markdown baseline and a 100 KB Markdown file of the size agents usually write, each read through `SessionStore::agent_output` (open, capped read,
//! render, sanitise) and through `render` alone on the capped bytes.
//!
//! Run: `cargo bench --features ssr --bench render`

use sessions_hub::domain::output::{OutputKind, DEFAULT_MAX_PREVIEW_BYTES};
use sessions_hub::render::{lossy_text, render, render_str};
use sessions_hub::store::SessionStore;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const RUNS: usize = 15;
const SESSION: &str = "bench-1767000000000";

/// Realistic agent output (headings, prose with inline markup, task lists, tables, code),
/// whole sections until it has `lines` lines or `bytes` bytes.
fn markdown(lines: usize, bytes: usize) -> String {
    let mut out = String::new();
    let mut section = 0;
    let mut count = 0;
    while count < lines && out.len() < bytes {
        section += 1;
        let start = out.len();
        let _ = write!(
            out,
            "## Section {section}\n\n\
             The agent changed **{section} files** in `src/module_{section}.rs` and ran the \
             [test suite](https://example.com/runs/{section}); see ~~old notes~~ below.\n\n\
             - [x] Parse the input for step {section}\n\
             - [ ] Handle the error path\n\
             - Plain item with *emphasis* and https://example.com/auto/{section}\n\n\
             | file | lines | status |\n|:-----|------:|:------:|\n\
             | a.rs | {section} | ok |\n| b.rs | 42 | failed |\n\n\
             ```rust\nfn step_{section}(input: &str) -> Result<usize, Error> {{\n    \
             let value = input.trim().parse::<usize>()?;\n    Ok(value * 2)\n}}\n```\n\n\
             > Note: footnote-free quote for section {section}.\n\n"
        );
        count += out[start..].matches('\n').count();
    }
    out
}

fn json(bytes: usize) -> String {
    let mut out = String::from("[\n");
    let mut i = 0u64;
    while out.len() < bytes {
        let _ = writeln!(
            out,
            "  {{\"id\": {i}, \"name\": \"item-{i}\", \"ok\": {}, \"score\": {}.5, \"tags\": [\"a\", \"b\"], \"parent\": null}},",
            i.is_multiple_of(2),
            i % 100
        );
        i += 1;
    }
    out.push_str("  {}\n]\n");
    out
}

fn stats(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let median = times[times.len() / 2];
    let p90 = times[(times.len() * 9).div_ceil(10) - 1];
    (median, p90)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = dir.path().join(SESSION);
    std::fs::create_dir_all(session.join("out")).expect("session folder");
    let files = [
        ("out/long.md", markdown(50_000, usize::MAX)),
        ("out/big.json", json(10 * 1000 * 1000)),
        ("out/baseline.md", markdown(usize::MAX, 1_000_000)),
        ("out/typical.md", markdown(usize::MAX, 100_000)),
    ];
    let mut agents = Vec::new();
    for (i, (path, text)) in files.iter().enumerate() {
        std::fs::write(session.join(path), text).expect("write output");
        agents.push(format!(
            "{{\"agent_id\": \"agent-{i}\", \"status\": \"complete\", \"output_file\": \"{path}\"}}"
        ));
    }
    std::fs::write(
        session.join("communication.json"),
        format!("{{\"agents\": [{}]}}", agents.join(",")),
    )
    .expect("communication.json");
    let store = SessionStore::new(dir.path());
    store.refresh().expect("refresh");

    println!("command: cargo bench --features ssr --bench render");
    println!(
        "preview cap: {} bytes; {RUNS} runs each (after one warm-up run)",
        DEFAULT_MAX_PREVIEW_BYTES
    );
    println!();
    println!("| what | size on disk | preview | notes | render median / p90 | agent_output median / p90 | render without deadline median / p90 |");
    println!("|---|---|---|---|---|---|---|");
    for (i, (path, text)) in files.iter().enumerate() {
        let agent = format!("agent-{i}");
        let cap = DEFAULT_MAX_PREVIEW_BYTES as usize;
        let truncated = text.len() > cap;
        let capped = &text.as_bytes()[..text.len().min(cap)];
        let kind = OutputKind::from_path(path);

        let _ = render(kind, capped, truncated);
        let mut render_times = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let rendered = render(kind, capped, truncated);
            render_times.push(started.elapsed());
            std::hint::black_box(rendered);
        }

        let mut full_times = Vec::new();
        let mut last = None;
        for _ in 0..=RUNS {
            let started = Instant::now();
            let preview = store
                .agent_output(SESSION, &agent, None, &[], DEFAULT_MAX_PREVIEW_BYTES)
                .expect("preview");
            full_times.push(started.elapsed());
            last = Some(preview);
        }
        full_times.remove(0);

        // What the whole render would cost if the deadline never cut it off.
        let text_capped = lossy_text(capped, truncated);
        let mut unbounded_times = Vec::new();
        let mut unbounded_notes = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let rendered = render_str(kind, &text_capped, truncated, Duration::from_secs(60));
            unbounded_times.push(started.elapsed());
            unbounded_notes = rendered.notes;
        }
        let preview = last.expect("at least one run");
        let (render_median, render_p90) = stats(render_times);
        let (full_median, full_p90) = stats(full_times);
        let (unbounded_median, unbounded_p90) = stats(unbounded_times);
        println!(
            "| {path} ({}, {} lines) | {} B | {} B text, {} B HTML{} | {} | {} / {} | {} / {} | {} / {}{} |",
            kind.label(),
            text.lines().count(),
            text.len(),
            preview.content.len(),
            preview.html.len(),
            if preview.truncated { ", truncated" } else { "" },
            if preview.notes.is_empty() {
                "-".to_owned()
            } else {
                preview.notes.join(" ")
            },
            ms(render_median),
            ms(render_p90),
            ms(full_median),
            ms(full_p90),
            ms(unbounded_median),
            ms(unbounded_p90),
            if unbounded_notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", unbounded_notes.join(" "))
            },
        );
    }
}
