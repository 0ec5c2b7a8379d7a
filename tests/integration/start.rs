//! "Start Session" on a stub: one form post makes the session the stub asks for (its roster,
//! its scope as the task, its first phase, the context discovery pre-selects) and opens it.

use crate::support::TestHub;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

async fn post_form(hub: &TestHub, uri: &str, body: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = hub.send(request).await;
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

#[tokio::test]
async fn a_stub_becomes_a_session_in_one_post_with_its_context_pre_selected() {
    let hub = TestHub::new();
    let root = hub.dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "working/rate-limit/stub.json",
        r#"{"id": "rate-limit", "feature_name": "Rate limits",
            "description": "Add rate limiting to the upload endpoint",
            "agents_involved": ["Backend: the limiter", "Tests"],
            "scope": "A token bucket per client; 429 with Retry-After.",
            "phases": ["Phase 1: limiter", "Phase 2: dashboards"]}"#,
    );
    write(
        "src/upload/rate_limit.rs",
        "//! Rate limiting for the upload endpoint.\npub struct RateLimiter;\n",
    );
    write("src/download.rs", "//! The download endpoint.\n");

    let (status, location) = post_form(&hub, "/sessions/start", "stub=rate-limit").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = location
        .strip_prefix("/sessions?tab=monitor&session=")
        .unwrap_or_else(|| panic!("{location}"));
    assert!(id.starts_with("rate-limit-"), "{id}");

    let folder = hub.sessions_dir().join(id);
    let communication: Value =
        serde_json::from_slice(&std::fs::read(folder.join("communication.json")).unwrap()).unwrap();
    let agents: Vec<&str> = communication["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent_id"].as_str().unwrap())
        .collect();
    assert_eq!(agents, ["backend", "tests"]);
    assert_eq!(communication["phase"], "Phase 1: limiter");
    assert!(communication["agents"][0]["start_prompt"]
        .as_str()
        .unwrap()
        .contains("agent-prompts/agent-1.md"));
    let backbone = std::fs::read_to_string(folder.join("context-backbone.md")).unwrap();
    assert!(
        backbone.contains("src/upload/rate_limit.rs"),
        "pre-selected"
    );
    assert!(!backbone.contains("src/download.rs"));
    let instructions = std::fs::read_to_string(folder.join("instructions.json")).unwrap();
    assert!(instructions.contains("A token bucket per client"));

    // The detail carries the lines to paste and the phase.
    let (status, detail) = hub.get_json(&format!("/api/sessions?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["session"]["phase"], "Phase 1: limiter");
    assert!(detail["session"]["agents"][1]["start_prompt"]
        .as_str()
        .unwrap()
        .starts_with("You are tests (agent 2 of 2)"));

    // An unknown or hostile stub folder goes back to the Create tab with the reason.
    for bad in ["nope", "..%2F..%2Fetc"] {
        let (status, location) = post_form(&hub, "/sessions/start", &format!("stub={bad}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            location.starts_with("/sessions?tab=create&start_error="),
            "{location}"
        );
    }
}
