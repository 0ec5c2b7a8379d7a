//! `GET /api/sessions/{id}/agents/{agent}/assignment`: what an agent is to do, for the MCP tool
//! `get_assignment` and a remote `hub mcp`. Real generated packages, hostile ids refused.

use crate::create::sample_request;
use crate::support::TestHub;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// The sample session without project files (this hub's project root is empty).
fn request() -> Value {
    let mut request = sample_request();
    request.context_files.clear();
    request.attachments.clear();
    for agent in &mut request.agents {
        agent.attachments.clear();
    }
    serde_json::to_value(request).unwrap()
}

#[tokio::test]
async fn an_assignment_carries_the_prompt_and_the_dependencies_as_they_are_now() {
    let hub = TestHub::new();
    let (status, created) = hub.post_json("/api/sessions/create", request()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["sessionId"].as_str().unwrap().to_owned();
    let (status, _) = hub
        .post_json(
            &format!("/api/sessions/{id}/agents/agent-1/status"),
            json!({"status": "complete", "message": "store moved"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, got) = hub
        .get_json(&format!("/api/sessions/{id}/agents/agent-3/assignment"))
        .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["agent_id"], "agent-3");
    assert_eq!(got["prompt_file"], "agent-prompts/agent-3.md");
    let on_disk = std::fs::read_to_string(
        hub.sessions_dir()
            .join(&id)
            .join("agent-prompts/agent-3.md"),
    )
    .unwrap();
    assert_eq!(got["prompt"], on_disk.as_str());
    assert_eq!(got["depends_on"][0]["agent_id"], "agent-1");
    assert_eq!(got["depends_on"][0]["status"], "complete");
    assert_eq!(got["depends_on"][0]["status_message"], "store moved");
    assert_eq!(got["depends_on"][1]["status"], "not_started");
    assert_eq!(got["outputs"], json!(["outputs/agent-3.md"]));
    assert!(got["session_folder"].as_str().unwrap().starts_with('/'));
    let (_, first) = hub
        .get_json(&format!("/api/sessions/{id}/agents/agent-1/assignment"))
        .await;
    assert_eq!(first["waited_on_by"], json!(["agent-2", "agent-3"]));
}

#[tokio::test]
async fn unknown_or_hostile_sessions_and_agents_are_refused_with_what_to_do() {
    let hub = TestHub::new();
    let (_, created) = hub.post_json("/api/sessions/create", request()).await;
    let id = created["sessionId"].as_str().unwrap().to_owned();

    let (status, body) = hub
        .get_json(&format!("/api/sessions/{id}/agents/nobody/assignment"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("agent-1, agent-2, agent-3"));
    for session in ["..", "%2e%2e%2fetc", "no-such-session", "a%00b"] {
        let (status, body) = hub
            .get_json(&format!(
                "/api/sessions/{session}/agents/agent-1/assignment"
            ))
            .await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{session}: {status} {body}"
        );
    }
    // An agent id that names a path reads nothing beyond the session.
    let (status, _) = hub
        .get_json(&format!(
            "/api/sessions/{id}/agents/..%2F..%2Fetc%2Fpasswd/assignment"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
