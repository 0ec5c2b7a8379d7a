//! `cargo bench --features ssr --bench archive`: a folder of 1,000 active sessions against the
//! same 1,000 with 9,000 more in `.archive/`. The active list must cost the same whatever the
//! archive holds: the cached list, the list rebuilt after a change, the background rescan and
//! the archived list itself (built only when asked for). Prints a Markdown table.

mod support;

use sessions_hub::store::SessionStore;
use std::path::Path;
use support::{generate_sessions, ms, Stats};

const ACTIVE: usize = 1_000;
const ARCHIVED: usize = 9_000;

/// 10,000 generated sessions with all but the first `ACTIVE` moved into `.archive/`.
fn folder_with_archive(dir: &Path) {
    generate_sessions(dir, ACTIVE + ARCHIVED);
    std::fs::create_dir_all(dir.join(".archive")).unwrap();
    for n in ACTIVE..ACTIVE + ARCHIVED {
        let id = format!("bench-{n:05}-1767000000000");
        std::fs::rename(dir.join(&id), dir.join(".archive").join(&id)).unwrap();
    }
}

struct Figures {
    cached: Stats,
    after_change: Stats,
    rescan: Stats,
}

fn measure(dir: &Path) -> (SessionStore, Figures) {
    let store = SessionStore::new(dir);
    store.refresh().unwrap();
    assert_eq!(store.list().list.count, ACTIVE);
    let cached = Stats::measure(300, || {
        std::hint::black_box(store.list().json());
    });
    // A status write as the store sees it: one session re-read, the list rebuilt and encoded.
    let touched = dir.join("bench-00000-1767000000000/communication.json");
    let original = std::fs::read_to_string(&touched).unwrap();
    let mut round = 0usize;
    let after_change = Stats::measure(100, || {
        // Another size each time, so the fingerprint moves and the session is re-read.
        round += 1;
        std::fs::write(&touched, format!("{original}{}", " ".repeat(round % 2))).unwrap();
        store.refresh_ids(["bench-00000-1767000000000".to_owned()]);
        std::hint::black_box(store.list().json());
    });
    let rescan = Stats::measure(20, || {
        store.refresh().unwrap();
    });
    (
        store,
        Figures {
            cached,
            after_change,
            rescan,
        },
    )
}

fn main() {
    let plain = tempfile::tempdir().unwrap();
    generate_sessions(plain.path(), ACTIVE);
    let archived = tempfile::tempdir().unwrap();
    folder_with_archive(archived.path());

    let (_, base) = measure(plain.path());
    let (store, with_archive) = measure(archived.path());
    assert_eq!(store.list().list.archived_count, ARCHIVED);
    // A new generation each time (one archived session touched), so the archived list is
    // built, not served from its cache.
    let touched = archived
        .path()
        .join(".archive/bench-09999-1767000000000/communication.json");
    let original = std::fs::read_to_string(&touched).unwrap();
    let mut round = 0usize;
    let archived_list = Stats::measure(20, || {
        round += 1;
        std::fs::write(&touched, format!("{original}{}", " ".repeat(round % 2))).unwrap();
        store.refresh_ids(["bench-09999-1767000000000".to_owned()]);
        std::hint::black_box(store.archived_list());
    });

    println!("| what | 1,000 active | 1,000 active + 9,000 archived | ratio |\n|---|---|---|---|");
    for (what, a, b) in [
        (
            "`GET /api/sessions` body, cached per generation (p50)",
            &base.cached,
            &with_archive.cached,
        ),
        (
            "one session changed: re-read, list rebuilt and encoded (p50)",
            &base.after_change,
            &with_archive.after_change,
        ),
        (
            "background rescan, stat only (p50)",
            &base.rescan,
            &with_archive.rescan,
        ),
    ] {
        println!(
            "| {what} | {} | {} | {:.2}x |",
            ms(a.median()),
            ms(b.median()),
            b.median().as_secs_f64() / a.median().as_secs_f64()
        );
    }
    println!(
        "| the archived list, built when asked for (p50) | | {} | 9,000 sessions |",
        ms(archived_list.median())
    );
}
