//! Context discovery on a tree built in a temporary directory (scaled down from the 50,000-file benchmark):
//! ignore rules, binary and oversized files, symbolic-link loops, FIFOs, ordering,
//! auto-selection, CodeRef boosts, cancellation and the time budget.

use sessions_hub::discovery::{discover, keywords::extract_keywords, DiscoveryOptions};
use sessions_hub::domain::context::AUTO_SELECT_RELEVANCE;
use sessions_hub::domain::HubError;
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DESCRIPTION: &str = "Refactor the session store";

fn write(root: &Path, path: &str, content: impl AsRef<[u8]>) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn no_budget() -> DiscoveryOptions {
    DiscoveryOptions {
        time_budget: Duration::from_secs(60),
        ..DiscoveryOptions::default()
    }
}

/// A project with one obvious match, weaker ones, and everything discovery must not read.
fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let strong = "// refactor the session store\nfn session() {}\nfn store() {}\n// refactor session store refactor\n";
    write(root, "src/session_store_refactor.rs", strong);
    write(
        root,
        "src/session.rs",
        "pub struct Session; // one session\n",
    );
    write(root, "docs/store.md", "# Store\n\nWhere things are kept.\n");
    write(root, "docs/zebra.md", "The session store, refactored.\n");
    write(root, "docs/alpha.md", "The session store, refactored.\n");
    write(
        root,
        "src/unrelated.rs",
        "fn main() { println!(\"hello\"); }\n",
    );
    // Ignored by .gitignore (no git repository needed), by .ignore, hidden, binary.
    write(root, ".gitignore", "target/\n*.log\n");
    write(root, "target/session_store.rs", strong);
    write(root, "debug.log", "session store refactor");
    write(root, ".ignore", "vendor/\n");
    write(root, "vendor/session_store.rs", strong);
    write(root, ".hidden/session_store.rs", strong);
    write(
        root,
        "bin/session_store.bin",
        b"session store\0refactor".as_slice(),
    );
    // Too large: 1.5 MiB of matching text, and a 2 GiB sparse file.
    write(
        root,
        "big/session_store_big.txt",
        "session store refactor\n".repeat(70_000),
    );
    let huge = fs::File::create(root.join("big/session_store_huge.txt")).unwrap();
    huge.set_len(2 << 30).unwrap();
    // Symbolic links are never followed: a loop, a link out of the project, a link to a file.
    std::os::unix::fs::symlink(root, root.join("src/loop")).unwrap();
    std::os::unix::fs::symlink("..", root.join("docs/up")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("etc_link")).unwrap();
    std::os::unix::fs::symlink("session.rs", root.join("src/session_link.rs")).unwrap();
    // A FIFO must not hang the walk.
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("src/session_store.fifo"))
        .status()
        .unwrap();
    assert!(status.success());
    tmp
}

#[test]
fn finds_ranks_and_skips_what_it_must() {
    let tmp = tree();
    let started = Instant::now();
    let result = discover(tmp.path(), DESCRIPTION, &no_budget()).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );

    assert_eq!(result.keywords, ["session", "store"]);
    assert_eq!(result.keywords, extract_keywords(DESCRIPTION));
    assert!(!result.partial);
    let paths: Vec<&str> = result.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "src/session_store_refactor.rs",
            "src/session.rs",
            "docs/store.md",
            "docs/alpha.md",
            "docs/zebra.md"
        ],
        "{:#?}",
        result.files
    );
    // Score descending, ties by path.
    for pair in result.files.windows(2) {
        assert!(
            pair[0].relevance > pair[1].relevance
                || (pair[0].relevance == pair[1].relevance && pair[0].path < pair[1].path),
            "{pair:?}"
        );
    }
    let top = &result.files[0];
    assert!(top.relevance >= AUTO_SELECT_RELEVANCE, "{top:?}");
    assert_eq!(top.matched_keywords, ["session", "store"]);
    assert_eq!(top.file_type, "rust");
    assert_eq!(
        top.size,
        fs::metadata(tmp.path().join(&top.path)).unwrap().len()
    );
    assert!(result.files[1..]
        .iter()
        .all(|f| f.relevance < AUTO_SELECT_RELEVANCE));
    assert_eq!(result.auto_selected, ["src/session_store_refactor.rs"]);
    assert_eq!(
        result.stats_by_type,
        [("markdown".to_string(), 3), ("rust".to_string(), 2)].into()
    );
    assert_eq!(result.matched_files, 5);
    // The six text files and the binary one; hidden, ignored and oversized files, links and
    // the FIFO are never looked at.
    assert_eq!(result.scanned_files, 7, "{result:?}");

    // Deterministic.
    let again = discover(tmp.path(), DESCRIPTION, &no_budget()).unwrap();
    assert_eq!(again.files, result.files);
    assert_eq!(again.auto_selected, result.auto_selected);
}

#[test]
fn limits_results_but_counts_everything() {
    let tmp = tree();
    let options = DiscoveryOptions {
        max_results: 2,
        ..no_budget()
    };
    let result = discover(tmp.path(), DESCRIPTION, &options).unwrap();
    assert_eq!(result.files.len(), 2);
    assert_eq!(result.matched_files, 5);
    assert_eq!(result.stats_by_type.values().sum::<usize>(), 5);
}

#[test]
fn max_file_bytes_is_respected() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a/session_small.txt", "session ".repeat(100));
    write(tmp.path(), "a/session_exact.txt", "x".repeat(1000));
    write(tmp.path(), "a/session_over.txt", "x".repeat(1001));
    let options = DiscoveryOptions {
        max_file_bytes: 1000,
        ..no_budget()
    };
    let result = discover(tmp.path(), "session", &options).unwrap();
    let paths: Vec<&str> = result.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["a/session_small.txt", "a/session_exact.txt"]);
}

#[test]
fn coderef_elements_boost_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "src/plain.rs", "// the store\n");
    write(tmp.path(), "src/other.rs", "// the store\n");
    let before = discover(tmp.path(), DESCRIPTION, &no_budget()).unwrap();
    write(
        tmp.path(),
        ".coderef/index.json",
        r#"{"elements": [{"file": "src/plain.rs", "name": "SessionRefactor", "type": "struct"}]}"#,
    );
    let after = discover(tmp.path(), DESCRIPTION, &no_budget()).unwrap();
    let score = |result: &sessions_hub::domain::context::DiscoveryResult, path: &str| {
        result
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap()
            .relevance
    };
    assert_eq!(
        score(&before, "src/plain.rs"),
        score(&before, "src/other.rs")
    );
    assert!(score(&after, "src/plain.rs") > score(&after, "src/other.rs"));
    assert_eq!(after.files[0].path, "src/plain.rs");
    assert_eq!(after.files[0].matched_keywords, ["session", "store"]);
    assert_eq!(
        score(&after, "src/other.rs"),
        score(&before, "src/other.rs")
    );
}

#[test]
fn excluded_directories_are_not_walked() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "src/session.rs", "session");
    write(
        tmp.path(),
        "coderef/sessions/S-1/context-backbone.md",
        "session session",
    );
    let options = DiscoveryOptions {
        exclude: vec![
            tmp.path().join("coderef/sessions"),
            tmp.path().join("not-there"),
        ],
        ..no_budget()
    };
    let result = discover(tmp.path(), "session", &options).unwrap();
    let paths: Vec<&str> = result.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["src/session.rs"]);
}

fn wide_tree(files: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..files {
        write(
            tmp.path(),
            &format!("d{}/f{i}.rs", i % 20),
            "fn session() {}\n",
        );
    }
    tmp
}

#[test]
fn cancellation_stops_the_walk_and_flags_partial() {
    let tmp = wide_tree(3000);
    let cancel = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(AtomicUsize::new(0));
    let options = DiscoveryOptions {
        cancel: Some(cancel.clone()),
        progress: Some(progress.clone()),
        ..no_budget()
    };
    let watcher = {
        let (cancel, progress) = (cancel.clone(), progress.clone());
        std::thread::spawn(move || {
            while progress.load(Ordering::Relaxed) < 200 {
                std::thread::yield_now();
            }
            cancel.store(true, Ordering::Relaxed);
        })
    };
    let result = discover(tmp.path(), "session", &options).unwrap();
    watcher.join().unwrap();
    assert!(result.partial);
    assert!(
        result.scanned_files >= 200 && result.scanned_files < 3000,
        "{}",
        result.scanned_files
    );
    assert_eq!(progress.load(Ordering::Relaxed), result.scanned_files);
    assert_eq!(
        result.matched_files, result.scanned_files,
        "what was found is kept"
    );

    // Cancelled before it starts: nothing scanned.
    let result = discover(tmp.path(), "session", &options).unwrap();
    assert!(result.partial);
    assert_eq!(result.scanned_files, 0);

    // Not cancelled: complete, and the progress counter saw every file.
    let progress = Arc::new(AtomicUsize::new(0));
    let options = DiscoveryOptions {
        progress: Some(progress.clone()),
        ..no_budget()
    };
    let result = discover(tmp.path(), "session", &options).unwrap();
    assert!(!result.partial);
    assert_eq!(result.scanned_files, 3000);
    assert_eq!(progress.load(Ordering::Relaxed), 3000);
}

#[test]
fn the_time_budget_flags_partial_results() {
    let tmp = wide_tree(500);
    let options = DiscoveryOptions {
        time_budget: Duration::ZERO,
        ..DiscoveryOptions::default()
    };
    let result = discover(tmp.path(), "session", &options).unwrap();
    assert!(result.partial);
    assert!(result.scanned_files < 500);
    let result = discover(tmp.path(), "session", &DiscoveryOptions::default()).unwrap();
    assert!(!result.partial);
    assert_eq!(result.scanned_files, 500);
}

#[test]
fn bad_roots_and_empty_descriptions() {
    let tmp = tempfile::tempdir().unwrap();
    let err = discover(&tmp.path().join("missing"), "session", &no_budget()).unwrap_err();
    assert!(
        matches!(&err, HubError::Invalid(m) if m.contains("project root")),
        "{err:?}"
    );
    write(tmp.path(), "file.txt", "session");
    let err = discover(&tmp.path().join("file.txt"), "session", &no_budget()).unwrap_err();
    assert!(
        matches!(&err, HubError::Invalid(m) if m.contains("not a directory")),
        "{err:?}"
    );

    let result = discover(tmp.path(), "the of and", &no_budget()).unwrap();
    assert!(result.keywords.is_empty() && result.files.is_empty() && !result.partial);
}

/// Descriptions as people write them, on a tree shaped like a real service: the file that holds
/// every meaningful word in its path and content is pre-selected, its neighbours are not.
#[test]
fn realistic_descriptions_pre_select_the_file_they_are_about() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "src/api/upload/rate_limit.rs",
        "//! Rate limiting for the upload endpoint.\npub struct RateLimiter;\n\
         impl RateLimiter { pub fn check(&self, endpoint: &str) {} }\n",
    );
    write(
        root,
        "src/api/upload/handler.rs",
        "//! The upload endpoint: streams the body to storage.\npub async fn upload() {}\n",
    );
    write(
        root,
        "src/api/download.rs",
        "//! The download endpoint.\npub async fn download() {}\n",
    );
    write(
        root,
        "src/billing/exchange_rate.rs",
        "//! Currency exchange rate lookups.\npub fn rate() -> f64 { 1.0 }\n",
    );
    write(
        root,
        "docs/limits.md",
        "# Limits\n\nThe upload endpoint is rate limited to 10 requests a second.\n",
    );
    write(
        root,
        "src/session/token_refresh.rs",
        "//! Rotating session tokens when they are refreshed.\npub fn rotate_token() {}\n",
    );
    write(
        root,
        "src/auth/mod.rs",
        "//! Authentication: sessions and their tokens.\n",
    );

    let cases: &[(&str, &[&str], &str)] = &[
        (
            "Add rate limiting to the upload endpoint",
            &["rate", "limiting", "upload", "endpoint"],
            "src/api/upload/rate_limit.rs",
        ),
        (
            "Fix: rotate the session tokens when they are refreshed",
            &["rotate", "session", "tokens", "refreshed"],
            "src/session/token_refresh.rs",
        ),
    ];
    for (description, keywords, expected) in cases {
        let result = discover(root, description, &no_budget()).unwrap();
        assert_eq!(result.keywords, *keywords, "{description}");
        assert_eq!(
            result.auto_selected,
            [*expected],
            "{description}: {result:#?}"
        );
        let top = &result.files[0];
        assert_eq!(top.path, *expected);
        assert!(top.relevance >= AUTO_SELECT_RELEVANCE, "{top:?}");
        for other in &result.files[1..] {
            assert!(
                other.relevance < AUTO_SELECT_RELEVANCE,
                "{description}: {other:?} should stay below {AUTO_SELECT_RELEVANCE}"
            );
        }
    }
}
