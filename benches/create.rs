//! Session creation benchmarks (BENCHMARKS.md, "Session creation").
//!
//! `cargo bench --features ssr --bench create`
//!
//! (b) first, while the process is small: generate a session whose context package is 50 000
//!     lines; time and resident-memory growth (VmHWM after minus VmRSS before, with the peak
//!     reset through /proc/self/clear_refs). Goal: <= 20 MB.
//! (a) then: a 100 000-file tree (built once, kept under target/bench-create/), `discover`
//!     warm against `rg -l -i -e kw ...` with the same keywords on the same tree, median of 7
//!     runs each, alternating. Goal: <= 1.5x rg and <= 2 s.
//!
//! `BENCH_RUNS=n` changes the number of timed runs.

use sessions_hub::discovery::{discover, keywords::extract_keywords, DiscoveryOptions};
use sessions_hub::domain::create::{AgentPlan, BlockInput, CreateRequest, StubInput};
use sessions_hub::generate::{generate, GenerateOptions};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TREE_FILES: usize = 100_000;
const DESCRIPTION: &str = "Refactor the session store so that tokens rotate on refresh";

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-create");
    fs::create_dir_all(&base).unwrap();

    println!("## (b) generate a session with a 50 000-line context package");
    bench_generate(&base, runs);
    println!();
    println!("## (a) discover on a {TREE_FILES}-file tree vs ripgrep");
    bench_discover(&base, runs);
}

// ---------------------------------------------------------------------------------------------
// (b) generation

fn bench_generate(base: &Path, runs: usize) {
    let project = base.join("context-50k");
    let (files, lines_per_file) = (50, 1000);
    if !project.join("src/file49.rs").exists() {
        fs::create_dir_all(project.join("src")).unwrap();
        for i in 0..files {
            let mut text = String::new();
            for line in 0..lines_per_file {
                text.push_str(&format!(
                    "    let session_{i}_{line} = store.rotate(token); // ``tick``\n"
                ));
            }
            fs::write(project.join(format!("src/file{i}.rs")), text).unwrap();
        }
    }
    let request = CreateRequest {
        stub: StubInput {
            id: "BENCH".into(),
            feature_name: "bench".into(),
            description: DESCRIPTION.into(),
        },
        instructions: vec![BlockInput {
            id: "b1".into(),
            kind: "task".into(),
            content: "Read everything.".into(),
        }],
        attachments: vec![],
        context_files: (0..files).map(|i| format!("src/file{i}.rs")).collect(),
        agents: (1..=3)
            .map(|n| AgentPlan {
                agent_id: format!("agent-{n}"),
                role: "Reader".into(),
                instructions: vec!["b1".into()],
                ..AgentPlan::default()
            })
            .collect(),
        agent_interface: Default::default(),
        phase: None,
        previous_session: None,
    };
    let sessions = tempfile::tempdir_in(base).unwrap();
    let options = |n: u64| GenerateOptions {
        now_ms: 1_767_000_000_000 + n,
        hub_url: Some("http://127.0.0.1:3000".into()),
        cli_target: "--sessions-dir /s".into(),
    };

    // Warm the page cache and the allocator once, then measure.
    generate(sessions.path(), &project, &request, &options(0)).unwrap();
    let rss_before = proc_status_kb("VmRSS");
    let peak_reset = fs::write("/proc/self/clear_refs", "5").is_ok();
    let mut times = Vec::new();
    let mut last = None;
    for n in 1..=runs as u64 {
        let started = Instant::now();
        let generated = generate(sessions.path(), &project, &request, &options(n)).unwrap();
        times.push(started.elapsed());
        last = Some(generated);
    }
    let peak = proc_status_kb("VmHWM");
    let rss_after = proc_status_kb("VmRSS");
    // Counted after the memory readings: reading the file would itself grow the process.
    let backbone = Path::new(&last.unwrap().session_path).join("context-backbone.md");
    let backbone_bytes = fs::metadata(&backbone).unwrap().len();
    let backbone_lines = fs::read(&backbone)
        .unwrap()
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    println!(
        "context-backbone.md: {backbone_lines} lines, {:.1} MB, {files} files",
        backbone_bytes as f64 / 1e6
    );
    println!(
        "generate: median {} (min {}, max {}) over {runs} runs",
        ms(median(&times)),
        ms(min(&times)),
        ms(max(&times))
    );
    match (rss_before, peak, rss_after) {
        (Some(before), Some(peak), Some(after)) => println!(
            "memory: VmRSS before {:.1} MB, after {:.1} MB; peak growth (VmHWM - VmRSS before) {:.1} MB{}",
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            peak.saturating_sub(before) as f64 / 1024.0,
            if peak_reset { "" } else { " (peak not reset: includes earlier work)" }
        ),
        _ => println!("memory: /proc/self/status not available"),
    }
}

fn proc_status_kb(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------------
// (a) discovery

/// Words for file contents; the keywords of DESCRIPTION appear only where planted.
const VOCABULARY: &[&str] = &[
    "let", "fn", "pub", "struct", "impl", "match", "return", "value", "result", "error", "buffer",
    "index", "count", "render", "widget", "layout", "parse", "config", "option", "handler",
    "request", "response", "client", "server", "cache", "queue", "event", "stream", "future",
    "thread", "signal", "module", "export", "import", "default", "string", "number", "vector",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// 100 000 visible text files (~1.3 KB on average) in 1 000 folders, a few with keywords in
/// their names or contents; plus what discovery must skip: a .gitignored folder of 5 000 files,
/// 500 binary files, a 2 GiB sparse file and a symbolic-link loop. Built once.
fn build_tree(base: &Path) -> PathBuf {
    let tree = base.join("tree-100k");
    let done = base.join("tree-100k.done");
    if done.exists() {
        return tree;
    }
    let _ = fs::remove_dir_all(&tree);
    println!("building the tree (once) in {} ...", tree.display());
    let started = Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let extensions = ["rs", "ts", "md", "json", "py", "go"];
    let planted = ["session", "store", "token", "rotate", "refresh", "refactor"];
    for i in 0..TREE_FILES {
        let dir = tree.join(format!("pkg{:02}/mod{:03}", i % 100, (i / 100) % 10));
        if i < 1000 {
            fs::create_dir_all(&dir).unwrap();
        }
        let ext = extensions[rng.below(extensions.len())];
        // 1 % of names carry a keyword.
        let name = if rng.below(100) == 0 {
            format!(
                "{}_{}_{i}.{ext}",
                planted[rng.below(planted.len())],
                VOCABULARY[rng.below(VOCABULARY.len())]
            )
        } else {
            format!("{}_{i}.{ext}", VOCABULARY[rng.below(VOCABULARY.len())])
        };
        let lines = 10 + rng.below(50);
        let mut text = String::with_capacity(lines * 32);
        // 5 % of files mention a keyword somewhere.
        let plant_at = (rng.below(20) == 0).then(|| rng.below(lines));
        for line in 0..lines {
            for _ in 0..(2 + rng.below(6)) {
                text.push_str(VOCABULARY[rng.below(VOCABULARY.len())]);
                text.push(' ');
            }
            if plant_at == Some(line) {
                text.push_str(planted[rng.below(planted.len())]);
            }
            text.push('\n');
        }
        fs::write(dir.join(name), text).unwrap();
    }
    fs::write(tree.join(".gitignore"), "generated/\n").unwrap();
    for i in 0..5000 {
        let dir = tree.join(format!("generated/g{}", i % 50));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join(format!("session_store_{i}.rs")),
            "session store token rotate refresh\n",
        )
        .unwrap();
    }
    fs::create_dir_all(tree.join("assets")).unwrap();
    for i in 0..500 {
        let mut bytes = vec![0u8; 4096];
        bytes[..13].copy_from_slice(b"session store");
        fs::write(tree.join(format!("assets/session_{i}.bin")), bytes).unwrap();
    }
    fs::File::create(tree.join("assets/huge_session.log"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    std::os::unix::fs::symlink(&tree, tree.join("pkg00/loop")).unwrap();
    fs::write(&done, "").unwrap();
    println!("built in {:.1} s", started.elapsed().as_secs_f64());
    tree
}

fn bench_discover(base: &Path, runs: usize) {
    let tree = build_tree(base);
    // What discover searches for: each keyword's stem (rg gets the same patterns).
    let keywords: Vec<String> = extract_keywords(DESCRIPTION)
        .iter()
        .map(|word| sessions_hub::discovery::keywords::stem(word))
        .collect();
    println!("keywords (stems): {}", keywords.join(" "));
    let options = DiscoveryOptions {
        time_budget: Duration::from_secs(600),
        ..DiscoveryOptions::default()
    };

    let mut rg = Command::new("rg");
    rg.args(["-l", "-i", "--no-require-git", "--max-filesize", "1M"]);
    for keyword in &keywords {
        rg.args(["-e", keyword]);
    }
    rg.arg(&tree).stdout(std::process::Stdio::piped());
    let rg_available = Command::new("rg").arg("--version").output().is_ok();
    if !rg_available {
        println!(
            "rg is not installed: measuring discover alone (apt-get install ripgrep to compare)"
        );
    }

    // Warm-up: the page cache, for both.
    let first = discover(&tree, DESCRIPTION, &options).unwrap();
    let mut rg_files = 0;
    if rg_available {
        let output = rg.output().unwrap();
        rg_files = output.stdout.iter().filter(|&&b| b == b'\n').count();
    }

    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let result = discover(&tree, DESCRIPTION, &options).unwrap();
        ours.push(started.elapsed());
        assert_eq!(result.files, first.files, "discovery is deterministic");
        if rg_available {
            let started = Instant::now();
            let output = rg.output().unwrap();
            theirs.push(started.elapsed());
            assert!(output.status.success());
        }
    }
    println!(
        "discover: scanned {} files, {} relevant, {} auto-selected, partial: {}",
        first.scanned_files,
        first.matched_files,
        first.auto_selected.len(),
        first.partial
    );
    println!(
        "discover (warm): median {} (min {}, max {}) over {runs} runs",
        ms(median(&ours)),
        ms(min(&ours)),
        ms(max(&ours))
    );
    if rg_available {
        println!(
            "rg -l -i (warm): median {} (min {}, max {}), {rg_files} files listed",
            ms(median(&theirs)),
            ms(min(&theirs)),
            ms(max(&theirs))
        );
        println!(
            "ratio discover / rg: {:.2}x (goal <= 1.5x)",
            median(&ours).as_secs_f64() / median(&theirs).as_secs_f64()
        );
    }
    let default_budget = discover(&tree, DESCRIPTION, &DiscoveryOptions::default()).unwrap();
    println!(
        "with the default 2 s budget: partial {}, {} ms",
        default_budget.partial, default_budget.elapsed_ms
    );
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn min(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn max(times: &[Duration]) -> Duration {
    times.iter().copied().max().unwrap_or_default()
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}
