//! Attention through the API: every list entry, detail and agent says what needs a person;
//! `?sort=attention` answers most urgent first; an agent that goes quiet turns stale by itself.

use crate::store::write_session;
use crate::support::{list_ids as ids, TestHub};
use serde_json::{json, Value};
use std::time::Duration;

fn ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339()
}

fn write(hub: &TestHub, id: &str, created: &str, agents: Value) {
    let file = json!({ "feature_name": id, "created_at": created, "agents": agents });
    write_session(&hub.sessions_dir(), id, &file.to_string());
}

fn busy(hub: &TestHub) {
    write(
        hub,
        "done",
        "2026-01-05T00:00:00Z",
        json!([{"agent_id": "a", "status": "complete"}]),
    );
    write(
        hub,
        "running",
        "2026-01-04T00:00:00Z",
        json!([
        {"agent_id": "a", "status": "in_progress", "updated_at": ago(1)}]),
    );
    write(
        hub,
        "blocked",
        "2026-01-03T00:00:00Z",
        json!([
        {"agent_id": "a", "status": "complete"},
        {"agent_id": "b", "status": "blocked", "notes": "no credentials"},
        {"agent_id": "c", "status": "pending", "depends_on": ["b"]}]),
    );
    write(
        hub,
        "quiet",
        "2026-01-02T00:00:00Z",
        json!([
        {"agent_id": "a", "status": "in_progress", "updated_at": ago(90)}]),
    );
    write(
        hub,
        "waiting",
        "2026-01-01T00:00:00Z",
        json!([
        {"agent_id": "a", "status": "pending", "depends_on": ["b"]},
        {"agent_id": "b", "status": "in_progress", "updated_at": ago(2)}]),
    );
    hub.refresh();
}

#[tokio::test]
async fn the_list_says_each_sessions_attention_and_sorts_by_it_when_asked() {
    let hub = TestHub::new();
    busy(&hub);
    let (_, newest) = hub.get_json("/api/sessions").await;
    assert_eq!(
        ids(&newest),
        ["done", "running", "blocked", "quiet", "waiting"],
        "the default stays newest first"
    );
    let (_, urgent) = hub.get_json("/api/sessions?sort=attention").await;
    // Two running sessions: the more recently active first (an agent without `updated_at`
    // counts from the file's time, which is now for "waiting").
    assert_eq!(
        ids(&urgent),
        ["blocked", "quiet", "waiting", "running", "done"]
    );
    let blocked = &urgent["sessions"][0];
    assert_eq!(blocked["attention"], "blocked");
    // The seed's rule still gives the status (no agent in progress: not started); the page
    // leads with the attention, which does not contradict "1 of 3 complete".
    assert_eq!(blocked["status"], "not_started");
    assert_eq!(blocked["attention_counts"]["blocked"], 1);
    assert_eq!(blocked["attention_counts"]["waiting"], 1);
    assert_eq!(blocked["attention_counts"]["complete"], 1);
    assert_eq!(
        blocked["attention_reason"],
        json!({"agent_id": "b", "text": "no credentials"})
    );
    assert_eq!(urgent["sessions"][1]["attention"], "stale");
    assert_eq!(
        urgent["sessions"][2]["attention"], "running",
        "b runs, so the session runs"
    );
    assert!(urgent["sessions"][1]["last_activity_ms"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn a_detail_gives_each_agent_its_attention_and_reason() {
    let hub = TestHub::new();
    busy(&hub);
    let (_, detail) = hub.get_json("/api/sessions?id=blocked").await;
    let agents = detail["session"]["agents"].as_array().unwrap();
    let of = |n: usize| agents[n]["attention"].as_str().unwrap();
    assert_eq!([of(0), of(1), of(2)], ["complete", "blocked", "waiting"]);
    assert_eq!(agents[1]["notes"], "no credentials");
    assert_eq!(agents[2]["blocked_by"], json!(["b"]));
    assert_eq!(detail["session"]["attention"], "blocked");
}

#[tokio::test]
async fn a_running_agent_goes_stale_by_itself_and_the_generation_moves() {
    let hub = TestHub::with_config(|config| config.stale_after = Duration::from_millis(300));
    write(
        &hub,
        "solo",
        "2026-01-01T00:00:00Z",
        json!([
        {"agent_id": "a", "status": "in_progress", "updated_at": ago(0)}]),
    );
    hub.refresh();
    let store = hub.state.hub.store();
    let (_, before) = hub.get_json("/api/sessions").await;
    assert_eq!(before["sessions"][0]["attention"], "running");
    let due = store
        .next_attention_change()
        .expect("a running agent goes stale some day");
    assert!(due > std::time::SystemTime::now());
    assert!(store.reassess().is_empty(), "nothing is due yet");
    std::thread::sleep(Duration::from_millis(400));
    let changes = store.reassess();
    assert_eq!(changes.updated, ["solo"]);
    let (_, after) = hub.get_json("/api/sessions").await;
    assert_eq!(after["sessions"][0]["attention"], "stale");
    assert!(after["generation"].as_u64() > before["generation"].as_u64());
    assert!(
        store.next_attention_change().is_none(),
        "a stale agent stays stale until it writes"
    );
}
