//! The JSON API over real folders: statuses and counts, errors as JSON, cheap unchanged polls.

use crate::store::{copy_fixtures, write_session};
use crate::support::{body_text, TestHub};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

async fn json(hub: &TestHub, uri: &str) -> (StatusCode, Value) {
    let (status, text) = hub.get_text(uri).await;
    let value = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{uri}: {err}: {text}"));
    (status, value)
}

#[tokio::test]
async fn lists_sessions_with_status_and_counts() {
    let hub = TestHub::new();
    copy_fixtures(&hub.sessions_dir());
    write_session(&hub.sessions_dir(), "broken", "{oops");
    hub.refresh();

    let (status, body) = json(&hub, "/api/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["count"], 2);
    let sessions = body["sessions"].as_array().unwrap();
    let docs = sessions.iter().find(|s| s["id"] == "WO-DOCS-001").unwrap();
    assert_eq!(docs["status"], "in_progress");
    assert_eq!(docs["workorder_id"], "WO-DOCS-001");
    assert_eq!(docs["total_agents"], 2);
    assert_eq!(docs["completed_agents"], 1);
    assert_eq!(docs["aggregation"]["blocked"], 1);
    assert_eq!(body["invalid"][0]["id"], "broken");
    assert!(body["invalid"][0]["error"]
        .as_str()
        .unwrap()
        .contains("communication.json"));
}

#[tokio::test]
async fn detail_by_id_and_json_errors() {
    let hub = TestHub::new();
    copy_fixtures(&hub.sessions_dir());
    write_session(&hub.sessions_dir(), "broken", "");
    hub.refresh();

    let (status, body) = json(&hub, "/api/sessions?id=auth-refactor-1767000000000").await;
    assert_eq!(status, StatusCode::OK);
    let session = &body["session"];
    assert_eq!(session["id"], "auth-refactor-1767000000000");
    assert_eq!(session["status"], "in_progress");
    assert_eq!(session["agents"].as_array().unwrap().len(), 3);
    assert_eq!(session["agents"][1]["outputs"][1], "outputs/agent-2.json");
    assert_eq!(session["instructions"]["total_blocks"], 3);

    let (status, body) = json(&hub, "/api/sessions?id=missing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("missing"));

    let (status, body) = json(&hub, "/api/sessions?id=..%2F..%2Fetc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("invalid session id"));

    let (status, body) = json(&hub, "/api/sessions?id=broken").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("empty"));

    let (status, body) = json(&hub, "/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn an_unchanged_poll_is_a_304_and_a_change_is_not() {
    let hub = TestHub::new();
    copy_fixtures(&hub.sessions_dir());
    hub.refresh();

    let first = hub.get("/api/sessions").await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();

    let poll = |etag: String| {
        let request = Request::builder()
            .uri("/api/sessions")
            .header(header::IF_NONE_MATCH, etag)
            .body(Body::empty())
            .unwrap();
        hub.router.clone().oneshot(request)
    };
    let unchanged = poll(etag.clone()).await.unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()[header::ETAG], etag.as_str());
    assert!(body_text(unchanged).await.is_empty());

    write_session(&hub.sessions_dir(), "new-one", r#"{"agents": []}"#);
    hub.refresh();
    let changed = poll(etag.clone()).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[header::ETAG], etag.as_str());
    let body: Value = serde_json::from_str(&body_text(changed).await).unwrap();
    assert_eq!(body["count"], 3);
}

#[tokio::test]
async fn the_monitor_renders_sessions_on_the_server() {
    let hub = TestHub::new();
    copy_fixtures(&hub.sessions_dir());
    write_session(&hub.sessions_dir(), "broken", "[1,");
    hub.refresh();

    let (status, html) = hub.get_text("/sessions?tab=monitor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("docs-uds-compliance-phase1"),
        "list not rendered"
    );
    assert!(html.contains("1 of 2 agents complete"));
    assert!(html.contains("Sessions that cannot be read"));

    let (status, html) = hub
        .get_text("/sessions?tab=monitor&session=WO-DOCS-001")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("assistant-orchestrator"));
    assert!(html.contains("outputs/testing-inventory.json"));

    let (status, html) = hub.get_text("/sessions?tab=monitor&session=nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Session not found"));
}
