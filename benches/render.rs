//! Output rendering under the preview cap: a 50k-line Markdown file, a 10 MB JSON file, a
//! 1 MB Markdown baseline and a 100 KB Markdown file of the size agents usually write, each read through `Hub::output_preview` (open, capped read,
//! render, sanitise) and through `render` alone on the capped bytes.
//!
//! Then doubling series ("quadratic-style"): pathological Markdown and JSON
//! families at sizes n, 2n, 4n, ... up to the 2 MiB preview cap, rendered without the deadline
//! so that superlinear growth shows instead of being cut off; the ratio between consecutive
//! sizes should stay below 2.5 (2.0 is linear). Each size is also rendered with the production
//! deadline, and the HTML size is shown (what one preview costs in memory and on the wire).
//!
//! Run: `cargo bench --features ssr --bench render`

use sessions_hub::domain::ids::{AgentId, SessionId};
use sessions_hub::domain::output::{OutputKind, DEFAULT_MAX_PREVIEW_BYTES};
use sessions_hub::render::{lossy_text, render, render_str};
use sessions_hub::service::{Config, Hub};
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
    size_table();
    println!();
    doubling_series();
}

fn size_table() {
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
    let hub = Hub::new(Config::for_sessions_dir(dir.path()));
    hub.store().refresh().expect("refresh");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");

    println!("command: cargo bench --features ssr --bench render");
    println!(
        "preview cap: {} bytes; {RUNS} runs each (after one warm-up run)",
        DEFAULT_MAX_PREVIEW_BYTES
    );
    println!();
    println!("| what | size on disk | preview | notes | render median / p90 | output_preview median / p90 | render without deadline median / p90 |");
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
            let preview = runtime
                .block_on(hub.output_preview(
                    SessionId::parse(SESSION).unwrap(),
                    AgentId::new(&agent),
                    None,
                ))
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

/// Runs per size in the doubling series; the best one counts (least disturbed by the machine).
const DOUBLING_RUNS: usize = 7;
/// A time ratio between consecutive doubled sizes at or above this is "quadratic-style".
const MAX_RATIO: f64 = 2.5;

/// A pathological input family: its name and a generator of about `bytes` bytes.
type Family = (&'static str, fn(usize) -> String);

/// `prefix` repeated k times then `suffix` repeated k times, about `bytes` long.
fn nested(bytes: usize, prefix: &str, middle: &str, suffix: &str) -> String {
    let k = (bytes / (prefix.len() + suffix.len())).max(1);
    let mut out = String::with_capacity(bytes + middle.len());
    out.push_str(&prefix.repeat(k));
    out.push_str(middle);
    out.push_str(&suffix.repeat(k));
    out
}

fn repeated(bytes: usize, unit: &str) -> String {
    unit.repeat((bytes / unit.len()).max(1))
}

/// Families after comrak's and cmark's pathological tests, plus what the hub's own limits
/// (nesting cap, table cell cap) turn into refusals.
const MARKDOWN_FAMILIES: &[Family] = &[
    ("emphasis `*a_ ` runs", |n| repeated(n, "*a_ ")),
    ("emphasis mod 3 (`x**x _x… x* …`)", |n| {
        format!("x**x{}", nested(n, " _x", "", "x* "))
    }),
    ("nested emphasis `*a **a …` (refused: too deep)", |n| {
        nested(n, "*a **a ", "", " a** a*")
    }),
    ("nested brackets `[[[a]]]`", |n| nested(n, "[", "a", "]")),
    ("unclosed links `[a](<b`", |n| repeated(n, "[a](<b")),
    ("footnote definitions `[^1]:` then newlines", |n| {
        nested(n, "[^1]:", "", "\n")
    }),
    ("backtick runs of growing length", |n| {
        let mut out = String::with_capacity(n + 64);
        let mut len = 1;
        while out.len() < n {
            out.push_str(&"`".repeat(len));
            out.push('a');
            len += 1;
        }
        out
    }),
    ("table: 100 columns, one-cell rows", |n| {
        let head = format!("{}|\n{}|\n", "|a".repeat(100), "|-".repeat(100));
        head.clone() + &repeated(n.saturating_sub(head.len()).max(2), "a\n")
    }),
    ("blockquotes 90 deep, repeated", |n| {
        repeated(n, &format!("{}x\n\n", "> ".repeat(90)))
    }),
    ("one blockquote n deep (refused: too deep)", |n| {
        ">".repeat(n)
    }),
    ("list markers on one line `- - - …`", |n| {
        repeated(n, "- ") + "x\n"
    }),
    ("autolink dead zone `~www.a`", |n| {
        repeated(n, "~www.a") + "]("
    }),
];

const JSON_FAMILIES: &[Family] = &[
    ("nested arrays `[[[…]]]`", |n| nested(n, "[", "", "]")),
    ("nested objects `{\"a\":{…}}`", |n| {
        nested(n, "{\"a\":", "1", "}")
    }),
    ("flat array of numbers", |n| {
        format!("[{}0]", repeated(n, "1.5e3,"))
    }),
    ("one string of escapes", |n| {
        format!("[\"{}\"]", repeated(n, "\\u00e9\\n\\\""))
    }),
    ("object with many keys", |n| {
        format!("{{{}\"z\":0}}", repeated(n, "\"k\":null,"))
    }),
    ("unterminated nesting `[[[…` (invalid)", |n| "[".repeat(n)),
];

struct Timing {
    /// Best of [`DOUBLING_RUNS`] without a deadline.
    unbounded: Duration,
    /// Worst of 3 with the production deadline ([`render`]'s 300 ms).
    bounded: Duration,
    html_bytes: usize,
    notes: Vec<String>,
}

fn time_render(text: &str, kind: OutputKind) -> Timing {
    let mut notes = Vec::new();
    let mut html_bytes = 0;
    let mut unbounded = Duration::MAX;
    for _ in 0..DOUBLING_RUNS {
        let started = Instant::now();
        let rendered = render_str(kind, text, false, Duration::from_secs(600));
        unbounded = unbounded.min(started.elapsed());
        html_bytes = rendered.html.len();
        notes = rendered.notes;
        std::hint::black_box(rendered.html);
    }
    let mut bounded = Duration::ZERO;
    for _ in 0..3 {
        let started = Instant::now();
        let rendered = render(kind, text.as_bytes(), false);
        bounded = bounded.max(started.elapsed());
        std::hint::black_box(rendered.html);
    }
    Timing {
        unbounded,
        bounded,
        html_bytes,
        notes,
    }
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

fn doubling_series() {
    println!(
        "Doubling series up to the 2 MiB preview cap. time: best of {DOUBLING_RUNS} runs of \
         `render_str` without a deadline; ratio: time / time at half the size (goal < {MAX_RATIO}); \
         with deadline: worst of 3 runs of `render` (300 ms deadline, falls back to text)."
    );
    let mut verdicts: Vec<(String, f64, f64)> = Vec::new();
    for (kind, families, smallest) in [
        (OutputKind::Markdown, MARKDOWN_FAMILIES, 32 * 1024),
        (OutputKind::Json, JSON_FAMILIES, 128 * 1024),
    ] {
        println!();
        println!(
            "| {} family | size | time | ratio | with deadline | HTML | notes |",
            kind.label()
        );
        println!("|---|---|---|---|---|---|---|");
        // One warm-up so that loading syntect and the sanitiser is not counted.
        let _ = time_render(&(families[0].1)(1024), kind);
        for (name, generate) in families {
            let mut times: Vec<Duration> = Vec::new();
            let mut bytes = smallest;
            while bytes <= DEFAULT_MAX_PREVIEW_BYTES as usize {
                let text = generate(bytes);
                let timing = time_render(&text, kind);
                let ratio = times
                    .last()
                    .map(|p| timing.unbounded.as_secs_f64() / p.as_secs_f64().max(1e-9));
                println!(
                    "| {name} | {} | {} | {} | {} | {} | {} |",
                    size(text.len()),
                    ms2(timing.unbounded),
                    ratio.map_or("-".to_owned(), |r| format!("{r:.2}")),
                    ms2(timing.bounded),
                    size(timing.html_bytes),
                    if timing.notes.is_empty() {
                        "-".to_owned()
                    } else {
                        timing.notes.join(" ")
                    },
                );
                times.push(timing.unbounded);
                bytes *= 2;
            }
            let ratios: Vec<f64> = times
                .windows(2)
                .map(|w| w[1].as_secs_f64() / w[0].as_secs_f64().max(1e-9))
                .collect();
            let worst = ratios.iter().copied().fold(0.0, f64::max);
            // The geometric mean of the ratios: one noisy step does not decide it.
            let mean = (times[times.len() - 1].as_secs_f64() / times[0].as_secs_f64().max(1e-9))
                .powf(1.0 / ratios.len() as f64);
            verdicts.push((format!("{}: {name}", kind.label()), worst, mean));
        }
    }
    println!();
    println!("| family | mean doubling ratio | worst single ratio | verdict |");
    println!("|---|---|---|---|");
    for (name, worst, mean) in verdicts {
        let verdict = if mean >= MAX_RATIO {
            "SUPERLINEAR"
        } else if worst >= MAX_RATIO {
            "ok on average, one step above the goal"
        } else {
            "ok"
        };
        println!("| {name} | {mean:.2} | {worst:.2} | {verdict} |");
    }
}

fn ms2(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
