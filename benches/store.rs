//! `cargo bench --features ssr --bench store`: the list API at 1k and 10k sessions against a
//! per-request rescan, unchanged (304) polls against full lists, and start-up against a raw
//! scan of the same files. Prints a Markdown table for BENCHMARKS.md.

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use sessions_hub::server::leptos_options;
use sessions_hub::server::{build_router, AppState};
use sessions_hub::service::{Config, Hub};
use sessions_hub::store::SessionStore;
use support::{drop_caches, generate_sessions, ms, Stats};
use tower::ServiceExt;

/// What a server without an index does per request: read and parse every file.
fn raw_scan(dir: &std::path::Path) -> usize {
    let mut parsed = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path().join("communication.json");
        if let Ok(bytes) = std::fs::read(&path) {
            if serde_json::from_slice::<serde_json::Value>(&bytes).is_ok() {
                parsed += 1;
            }
        }
    }
    parsed
}

async fn get(router: &axum::Router, etag: Option<&str>) -> (StatusCode, usize, Option<String>) {
    let mut request = Request::builder().uri("/api/sessions");
    if let Some(etag) = etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let etag = response
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .len();
    (status, bytes, etag)
}

async fn timed<F: std::future::Future>(runs: usize, mut f: impl FnMut() -> F) -> Stats {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = std::time::Instant::now();
        f().await;
        samples.push(started.elapsed());
    }
    Stats::from(samples)
}

#[tokio::main]
async fn main() {
    println!("| sessions | what | p50 | p99 | note |\n|---|---|---|---|---|");
    for count in [1_000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        let sessions = dir.path().join("sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        generate_sessions(&sessions, count);

        // Start-up: the store's first scan against a raw read+parse of the same files.
        let cold = drop_caches();
        let raw_cold = Stats::measure(1, || assert_eq!(raw_scan(&sessions), count));
        drop_caches();
        let store_cold = Stats::measure(1, || {
            let store = SessionStore::new(&sessions);
            store.refresh().unwrap();
        });
        let raw_warm = Stats::measure(5, || assert_eq!(raw_scan(&sessions), count));
        let store_warm = Stats::measure(5, || {
            let store = SessionStore::new(&sessions);
            store.refresh().unwrap();
            assert_eq!(store.list().list.count, count);
        });
        let label = if cold {
            "cold (page cache dropped)"
        } else {
            "page cache NOT dropped (not root)"
        };
        println!(
            "| {count} | start-up scan, {label} | {} | | raw read+parse of the same files: {} ({:.2}x) |",
            ms(store_cold.median()),
            ms(raw_cold.median()),
            store_cold.median().as_secs_f64() / raw_cold.median().as_secs_f64()
        );
        println!(
            "| {count} | start-up scan, warm (median of 5) | {} | | raw: {} ({:.2}x) |",
            ms(store_warm.median()),
            ms(raw_warm.median()),
            store_warm.median().as_secs_f64() / raw_warm.median().as_secs_f64()
        );

        let state = AppState::new(
            leptos_options().unwrap(),
            Hub::new(Config::for_sessions_dir(&sessions)),
        );
        state.hub.store().refresh().unwrap();
        let router = build_router(state.clone());
        let (status, bytes, etag) = get(&router, None).await;
        assert_eq!(status, StatusCode::OK);

        let runs = if count >= 10_000 { 100 } else { 300 };
        let indexed = timed(runs, || get(&router, None)).await;
        let rescan_runs = if count >= 10_000 { 15 } else { 50 };
        let rescan = Stats::measure(rescan_runs, || {
            // The baseline: a fresh scan and list per request, as a server without an index does.
            let store = SessionStore::new(&sessions);
            store.refresh().unwrap();
            std::hint::black_box(store.list().json());
        });
        println!(
            "| {count} | `GET /api/sessions`, indexed (in-process, {runs} runs) | {} | {} | {bytes} B body |",
            ms(indexed.median()),
            ms(indexed.percentile(0.99))
        );
        println!(
            "| {count} | the same with a full rescan per request ({rescan_runs} runs) | {} | {} | indexed is {:.0}x faster at p50 |",
            ms(rescan.median()),
            ms(rescan.percentile(0.99)),
            rescan.median().as_secs_f64() / indexed.median().as_secs_f64()
        );
        let etag = etag.unwrap();
        let unchanged = timed(runs * 3, || async {
            let (status, _, _) = get(&router, Some(&etag)).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED);
        })
        .await;
        println!(
            "| {count} | unchanged poll, `If-None-Match` → 304 ({} runs) | {} | {} | {:.1}% of a full list at p50 |",
            runs * 3,
            ms(unchanged.median()),
            ms(unchanged.percentile(0.99)),
            100.0 * unchanged.median().as_secs_f64() / indexed.median().as_secs_f64()
        );
        // Attention: the order most urgent first, built once per generation (sort + encode,
        // against encoding the default order), and the background task's check for agents
        // that went stale (nothing due: the common case).
        let list = state.hub.store().list().list.clone();
        let encode = Stats::measure(20, || {
            std::hint::black_box(serde_json::to_vec(&list).unwrap());
        });
        let by_attention = Stats::measure(20, || {
            let mut sorted = list.clone();
            sorted
                .sessions
                .sort_by(sessions_hub::domain::SessionSummary::attention_first);
            std::hint::black_box(serde_json::to_vec(&sorted).unwrap());
        });
        println!(
            "| {count} | `?sort=attention` list, built once per generation (sort + encode) | {} | {} | encoding the default order: {} ({:.2}x) |",
            ms(by_attention.median()),
            ms(by_attention.percentile(0.99)),
            ms(encode.median()),
            by_attention.median().as_secs_f64() / encode.median().as_secs_f64()
        );
        let reassess = Stats::measure(50, || {
            assert!(state.hub.store().reassess().is_empty());
        });
        println!(
            "| {count} | stale check with nothing due (`reassess`) | {} | {} | runs when an agent is due to go stale, at most once a minute otherwise |",
            ms(reassess.median()),
            ms(reassess.percentile(0.99))
        );
        let stat_only = Stats::measure(if count >= 10_000 { 20 } else { 50 }, || {
            state.hub.store().refresh().unwrap();
        });
        println!(
            "| {count} | background rescan of an unchanged folder (stat only) | {} | {} | runs every 5 s, not per request |",
            ms(stat_only.median()),
            ms(stat_only.percentile(0.99))
        );
    }
}
