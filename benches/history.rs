//! `cargo bench --features ssr --bench history`: what the history costs.
//!
//! 1. A status write as the hub makes it (lock, read, atomic replace, history append, index
//!    refresh) against the history append alone on an identical session: the append's share
//!    of the write (goal ≤ 10 %), with an empty history and with one of 20,000 events (the
//!    append must not read what is already there).
//! 2. The timeline of 50 agents × 1,000 events over two weeks: the domain's `timeline()` on the
//!    parsed events, reading and parsing `history.jsonl`, and the whole Monitor page with that
//!    session open (in-process router, SSR), against the same page for the same session with
//!    no history.
//!
//! Prints Markdown tables for BENCHMARKS.md. `BENCH_RUNS` sets the runs per figure.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sessions_hub::domain::history::{Actor, HistoryEvent};
use sessions_hub::domain::ids::{AgentId, SessionId};
use sessions_hub::domain::monitor::StatusChange;
use sessions_hub::domain::timeline::timeline;
use sessions_hub::server::{build_router, leptos_options, AppState};
use sessions_hub::service::{Config, Hub};
use sessions_hub::store::history::HistoryLog;
use sessions_hub::store::SessionStore;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{ms, Stats};
use tower::ServiceExt;

const STATUSES: [&str; 3] = ["in_progress", "blocked", "complete"];
const DAY_MS: i64 = 86_400_000;

/// Two weeks ago: the page draws the timeline up to now, so the history must end now.
fn start_ms() -> i64 {
    chrono::Utc::now().timestamp_millis() - 14 * DAY_MS
}

fn runs(default: usize) -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(default)
}

fn write_roster(folder: &Path, agents: usize) {
    std::fs::create_dir_all(folder).unwrap();
    let agents: Vec<serde_json::Value> = (1..=agents)
        .map(|a| {
            serde_json::json!({
                "agent_id": format!("agent-{a}"), "role": format!("Role {a}"),
                "status": "pending", "output_files": [format!("outputs/agent-{a}.md")],
            })
        })
        .collect();
    let file = serde_json::json!({
        "feature_name": "History benchmark", "created_at": "2026-01-01T00:00:00Z",
        "agents": agents, "version": 1,
    });
    std::fs::write(
        folder.join("communication.json"),
        serde_json::to_vec_pretty(&file).unwrap(),
    )
    .unwrap();
}

/// `agents` × `per_agent` status changes spread over `span_ms`, oldest first, as
/// `history.jsonl` lines (numbered as the log numbers them).
fn history_lines(agents: usize, per_agent: usize, span_ms: i64) -> String {
    let total = agents * per_agent;
    let start = start_ms();
    let mut out = String::with_capacity(total * 160);
    for n in 0..total {
        let agent = n % agents + 1;
        let step = n / agents;
        let at = start + span_ms * n as i64 / total as i64;
        let mut event = HistoryEvent::status(
            &format!("agent-{agent}"),
            Some(STATUSES[(step + 2) % 3]),
            STATUSES[step % 3],
            &sessions_hub::store::write::rfc3339_ms(at),
            Actor::Mcp,
        )
        .with_message(Some("working through the next part of the task"));
        event.seq = n as u64 + 1;
        out.push_str(&event.to_line().unwrap());
    }
    out
}

fn write_history(folder: &Path, lines: &str) {
    let dir = folder.join(".hub");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::File::create(dir.join("history.jsonl"))
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
}

fn ratio(part: Duration, whole: Duration) -> f64 {
    part.as_secs_f64() / whole.as_secs_f64()
}

fn append_cost(prior_events: usize) {
    let runs = runs(400);
    let dir = tempfile::tempdir().unwrap();
    let (written, appended) = ("written-1767000000000", "appended-1767000000000");
    for id in [written, appended] {
        write_roster(&dir.path().join(id), 8);
        if prior_events > 0 {
            write_history(
                &dir.path().join(id),
                &history_lines(8, prior_events / 8, DAY_MS),
            );
        }
    }
    let store = SessionStore::new(dir.path());
    store.refresh().unwrap();
    let written_id = SessionId::parse(written).unwrap();
    let agent = AgentId::new("agent-3".to_owned());
    let mut n = 0;
    let write = Stats::measure(runs, || {
        n += 1;
        let change = StatusChange {
            status: STATUSES[n % 3].to_owned(),
            message: Some(format!("step {n}")),
            expected_version: None,
        };
        store
            .change_agent_status(&written_id, &agent, &change, Actor::Api)
            .unwrap();
    });

    // The append alone, as the write makes it (the lock is not needed by one writer).
    let log = HistoryLog::default();
    let folder = dir.path().join(appended);
    let mut n = 0;
    let append = Stats::measure(runs, || {
        n += 1;
        let at = sessions_hub::store::write::now_rfc3339();
        log.record(appended, &folder, |recorded| {
            let event = HistoryEvent::status(
                "agent-3",
                Some(STATUSES[(n + 2) % 3]),
                STATUSES[n % 3],
                &at,
                Actor::Api,
            )
            .with_message(Some(&format!("step {n}")));
            vec![recorded.record(event)]
        })
        .unwrap();
    });
    println!(
        "| {prior_events} | {} | {} | {} | {} | **{:.1} %** |",
        ms(write.median()),
        ms(write.percentile(0.95)),
        ms(append.median()),
        ms(append.percentile(0.95)),
        100.0 * ratio(append.median(), write.median())
    );
}

async fn page(router: &axum::Router, uri: &str) -> usize {
    let response = router
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .len()
}

async fn timed_page(router: &axum::Router, uri: &str, runs: usize) -> (Stats, usize) {
    let bytes = page(router, uri).await;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(page(router, uri).await);
        samples.push(started.elapsed());
    }
    (Stats::from(samples), bytes)
}

async fn timeline_cost() {
    let runs = runs(30);
    let (agents, per_agent) = (50, 1_000);
    let dir = tempfile::tempdir().unwrap();
    let (busy, quiet) = ("busy-1767000000000", "quiet-1767000000000");
    let lines = history_lines(agents, per_agent, 14 * DAY_MS);
    for id in [busy, quiet] {
        write_roster(&dir.path().join(id), agents);
    }
    write_history(&dir.path().join(busy), &lines);
    let folder = dir.path().join(busy);

    let read = Stats::measure(runs, || {
        std::hint::black_box(HistoryLog::read_all(&folder).unwrap());
    });
    let events = HistoryLog::read_all(&folder).unwrap();
    assert_eq!(events.len(), agents * per_agent);
    let roster: Vec<String> = (1..=agents).map(|a| format!("agent-{a}")).collect();
    let now = chrono::Utc::now().timestamp_millis();
    let drawn = timeline(&events, &roster, now);
    let segments: usize = drawn.lanes.iter().map(|lane| lane.segments.len()).sum();
    let fold = Stats::measure(runs, || {
        std::hint::black_box(timeline(&events, &roster, now));
    });

    let state = AppState::new(
        leptos_options().unwrap(),
        Hub::new(Config::for_sessions_dir(dir.path())),
    );
    state.hub.store().refresh().unwrap();
    let router = build_router(state);
    let uri = |id: &str| format!("/sessions?tab=monitor&session={id}");
    let (with_history, busy_bytes) = timed_page(&router, &uri(busy), runs).await;
    let (without, quiet_bytes) = timed_page(&router, &uri(quiet), runs).await;

    println!(
        "\n{agents} agents × {per_agent} events over 14 days: {} B of history.jsonl, {segments} \
         segments drawn ({} columns a lane), {runs} runs.\n",
        lines.len(),
        sessions_hub::domain::timeline::columns_for(agents)
    );
    println!("| what | p50 | p95 | note |\n|---|---|---|---|");
    println!(
        "| read and parse `history.jsonl` | {} | {} | |",
        ms(read.median()),
        ms(read.percentile(0.95))
    );
    println!(
        "| `timeline()` on the parsed events | {} | {} | |",
        ms(fold.median()),
        ms(fold.percentile(0.95))
    );
    println!(
        "| Monitor page, that session open (SSR, in-process; parsed history cached) | {} | {} | {busy_bytes} B |",
        ms(with_history.median()),
        ms(with_history.percentile(0.95))
    );
    println!(
        "| the same page, same roster, no history | {} | {} | {quiet_bytes} B; with history {:.2}x |",
        ms(without.median()),
        ms(without.percentile(0.95)),
        ratio(with_history.median(), without.median())
    );
}

#[tokio::main]
async fn main() {
    println!(
        "Status write vs. its history append ({} runs each, p50 / p95):\n",
        runs(400)
    );
    println!("| events already in the history | status write p50 | p95 | append alone p50 | p95 | append / write |\n|---|---|---|---|---|---|");
    append_cost(0);
    append_cost(20_000);
    timeline_cost().await;
}
