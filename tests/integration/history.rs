//! The history (`.hub/history.jsonl`) through every path that changes a session, with no
//! duplicates across hubs and restarts; usage summed under the lock by concurrent reporters;
//! alerts received by a real HTTP receiver, through failures, restarts and a receiver that
//! hangs.

use crate::store::write_session;
use crate::support::{sid, TestHub};
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};
use sessions_hub::domain::history::Actor;
use sessions_hub::service::alerts::{self, Retry};
use sessions_hub::store::SessionStore;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ROSTER: &str = r#"{"feature_name": "Search", "agents": [
    {"agent_id": "a1", "status": "in_progress"},
    {"agent_id": "a2", "status": "pending"}]}"#;

fn kinds(events: &Value) -> Vec<String> {
    events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["kind"].as_str().unwrap(),
                e["agent"].as_str().unwrap_or("-"),
                e["to"].as_str().unwrap_or("-"),
                e["by"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn every_path_records_once_and_a_restart_records_nothing_again() {
    let hub = TestHub::new();
    let sessions = hub.sessions_dir();
    write_session(&sessions, "s-1", ROSTER);
    hub.refresh();
    // What was there before any hub recorded it: observed once.
    hub.state.hub.store().observe_history(None);
    hub.state.hub.store().observe_history(None);

    // Through the API, as the CLI over --hub-url, and as plain API.
    let request = Request::builder()
        .method("POST")
        .uri("/api/sessions/s-1/agents/a1/status")
        .header("content-type", "application/json")
        .header("x-hub-client", "cli")
        .body(axum::body::Body::from(
            r#"{"status": "blocked", "message": "needs a key"}"#,
        ))
        .unwrap();
    assert_eq!(hub.send(request).await.status(), StatusCode::OK);
    let (status, _) = hub
        .post_json(
            "/api/sessions/s-1/agents/a1/status",
            json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // A question asked and answered.
    let (status, asked) = hub
        .post_json(
            "/api/sessions/s-1/questions",
            json!({"agent_id": "a2", "question": "Which index?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let qid = asked["question"]["id"].as_str().unwrap().to_owned();
    let (status, _) = hub
        .post_json(
            &format!("/api/sessions/s-1/questions/{qid}/answer"),
            json!({"answer": "BM25"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // A hand edit: the agent rewrites the file itself.
    let folder = sessions.join("s-1");
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("communication.json")).unwrap())
            .unwrap();
    file["agents"][0]["status"] = json!("complete");
    file["agents"][1]["status"] = json!("complete");
    std::fs::write(folder.join("communication.json"), file.to_string()).unwrap();
    hub.state.hub.store().refresh_ids(["s-1".to_owned()]);
    hub.state
        .hub
        .store()
        .observe_history(Some(vec!["s-1".into()]));

    let (status, history) = hub.get_json("/api/sessions/s-1/history").await;
    assert_eq!(status, StatusCode::OK);
    let expected = [
        "status a1 in_progress disk",
        "status a2 pending disk",
        "status a1 blocked cli",
        "status a1 in_progress api",
        "question_asked a2 - api",
        "question_answered a2 - api",
        "status a1 complete disk",
        "status a2 complete disk",
        "session_status - complete disk",
    ];
    assert_eq!(kinds(&history), expected);
    let seqs: Vec<u64> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=expected.len() as u64).collect::<Vec<_>>());
    assert_eq!(history["events"][2]["message"], "needs a key");

    // Another hub on the folder, and this one restarted: each looks, neither records again.
    for _ in 0..2 {
        let other = SessionStore::new(&sessions);
        other.refresh().unwrap();
        other.observe_history(None);
    }
    let (_, again) = hub.get_json("/api/sessions/s-1/history").await;
    assert_eq!(kinds(&again), expected);

    // Archive and restore are events too; the history moves with the folder.
    let (status, _) = hub.post_json("/api/sessions/s-1/archive", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, archived) = hub.get_json("/api/sessions/s-1/history").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kinds(&archived).last().unwrap(), "archived - - api");
    let (status, _) = hub.get_json("/api/sessions/nope/history").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_new_session_starts_its_history_with_created() {
    let hub = TestHub::new();
    let request = json!({
        "stub": {"id": "search", "feature_name": "Search", "description": "Index the docs"},
        "instructions": [{"id": "b1", "type": "task", "content": "Index the docs."}],
        "agents": [{"agent_id": "a1", "role": "Indexer", "instructions": ["b1"], "depends_on": []}],
    });
    let (status, created) = hub.post_json("/api/sessions/create", request).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["sessionId"].as_str().unwrap();
    let (_, history) = hub.get_json(&format!("/api/sessions/{id}/history")).await;
    let kinds = kinds(&history);
    assert_eq!(kinds[0], "created - - api");
    assert!(kinds[1].starts_with("status a1 "), "{kinds:?}");
}

#[tokio::test]
async fn eight_concurrent_reporters_lose_no_usage() {
    let hub = TestHub::new();
    write_session(&hub.sessions_dir(), "s-1", ROSTER);
    hub.refresh();
    let reports = 25;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let hub = hub.state.hub.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..reports {
                let report = sessions_hub::domain::usage::UsageReport {
                    input_tokens: Some(100),
                    output_tokens: Some(10),
                    cost_usd: Some(0.01),
                };
                hub.add_usage(
                    sid("s-1"),
                    sessions_hub::domain::ids::AgentId::new("a1"),
                    report,
                    Actor::Api,
                )
                .await
                .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let (_, detail) = hub.get_json("/api/sessions?id=s-1").await;
    let usage = &detail["session"]["agents"][0]["usage"];
    assert_eq!(usage["input_tokens"], 8 * reports * 100, "{detail}");
    assert_eq!(usage["output_tokens"], 8 * reports * 10);
    assert_eq!(usage["cost_usd"], 2.0);

    // The API checks what it adds; a bad report changes nothing.
    let (status, body) = hub
        .post_json("/api/sessions/s-1/agents/a1/usage", json!({"cost_usd": -3}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = hub
        .post_json(
            "/api/sessions/s-1/agents/ghost/usage",
            json!({"input_tokens": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, added) = hub
        .post_json(
            "/api/sessions/s-1/agents/a2/usage",
            json!({"input_tokens": 5, "cost_usd": 0.5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let (_, list) = hub.get_json("/api/sessions").await;
    assert_eq!(list["sessions"][0]["usage"]["cost_usd"], 2.5);
}

/// A webhook receiver: answers 500 to the first `fail_first` requests, then 200; records the
/// alerts it accepted.
async fn receiver(fail_first: usize) -> (String, Arc<Mutex<Vec<Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let attempts = Arc::new(AtomicUsize::new(0));
    let app = {
        let received = received.clone();
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
                let (received, attempts) = (received.clone(), attempts.clone());
                async move {
                    if attempts.fetch_add(1, Ordering::SeqCst) < fail_first {
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    received.lock().unwrap().push(body);
                    StatusCode::OK
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

fn quick_retry() -> Retry {
    Retry {
        first: Duration::from_millis(100),
        longest: Duration::from_millis(400),
        for_at_most: Duration::from_secs(20),
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_arrive_once_through_failures_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    write_session(dir.path(), "s-1", ROSTER);
    let (url, received) = receiver(2).await;

    let start = |shutdown| {
        let store = Arc::new(SessionStore::new(dir.path()));
        store.refresh().unwrap();
        let task = alerts::start(store.clone(), vec![url.clone()], quick_retry(), shutdown);
        store.observe_history(None);
        (store, task)
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (store, task) = start(stopped);
    // What was in the history at the first start is not news.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(received.lock().unwrap().is_empty());

    store
        .set_agent_status(
            &sid("s-1"),
            &sessions_hub::domain::ids::AgentId::new("a1"),
            "blocked",
            None,
            Actor::Cli,
        )
        .unwrap();
    // Refused twice, then accepted: one alert.
    until("the blocked alert", || received.lock().unwrap().len() == 1).await;
    let alert = received.lock().unwrap()[0].clone();
    assert_eq!(alert["event"], "agent_blocked");
    assert_eq!(alert["session"], "s-1");
    assert_eq!(alert["agent"], "a1");
    assert!(alert["text"]
        .as_str()
        .unwrap()
        .contains("a1 is blocked in Search"));
    stop.send_replace(true);
    let _ = task.await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    // While no hub ran, an agent finished on disk.
    let folder = dir.path().join("s-1");
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("communication.json")).unwrap())
            .unwrap();
    file["agents"][1]["status"] = json!("complete");
    std::fs::write(folder.join("communication.json"), file.to_string()).unwrap();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (_store, task) = start(stopped);
    until("the completed alert", || {
        received.lock().unwrap().len() == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = received.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "no alert twice: {all:?}");
    assert_eq!(all[1]["event"], "agent_completed");
    assert_eq!(all[1]["agent"], "a2");
    stop.send_replace(true);
    let _ = task.await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_hangs_never_holds_a_write_up() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    write_session(dir.path(), "s-1", ROSTER);
    let store = Arc::new(SessionStore::new(dir.path()));
    store.refresh().unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let _task = alerts::start(store.clone(), vec![url], quick_retry(), stopped);
    store.observe_history(None);
    let agent = sessions_hub::domain::ids::AgentId::new("a1");
    let started = std::time::Instant::now();
    for n in 0..20 {
        let status = if n % 2 == 0 { "blocked" } else { "complete" };
        store
            .set_agent_status(&sid("s-1"), &agent, status, None, Actor::Cli)
            .unwrap();
    }
    // Twenty writes, each with an alert stuck in delivery: none of them waited for it.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
