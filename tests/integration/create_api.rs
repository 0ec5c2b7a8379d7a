//! `POST /api/sessions/create` and `GET /api/sessions/context-discovery` through the router:
//! the REST half of the wizard (the UI's server functions call the same `server::creation`).

use crate::support::{body_text, TestHub};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;
use tower::ServiceExt;

/// The project root of a `TestHub` is the folder that holds its sessions folder.
fn write_project(hub: &TestHub) {
    let root = hub.dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::write(
        root.join("src/session_tokens_rotate.rs"),
        "// rotate session tokens on refresh\n".repeat(4),
    )
    .unwrap();
    fs::write(root.join("docs/auth.md"), "Session tokens live here.\n").unwrap();
    fs::write(root.join("docs/unrelated.md"), "Nothing to see.\n").unwrap();
}

fn request() -> Value {
    json!({
        "stub": {"id": "AUTH-7", "feature_name": "Auth refactor", "description": "Rotate session tokens"},
        "instructions": [
            {"id": "b1", "type": "task", "content": "Move the store behind a trait."},
            {"id": "b2", "type": "constraint", "content": "No new dependencies."}
        ],
        "attachments": [
            {"id": "a1", "name": "Auth notes", "path": "docs/auth.md"},
            {"id": "a2", "name": "schema.sql", "content": "CREATE TABLE t (x TEXT);"}
        ],
        "context_files": ["src/session_tokens_rotate.rs"],
        "agents": [
            {"agent_id": "agent-1", "role": "Backend", "instructions": ["b1", "b2"], "attachments": ["a1"], "depends_on": []},
            {"agent_id": "agent-2", "role": "Tests", "instructions": ["b2"], "attachments": ["a2"], "depends_on": ["agent-1"]}
        ]
    })
}

async fn post(hub: &TestHub, uri: &str, body: String) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let response = hub.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let text = body_text(response).await;
    let value = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{uri}: {err}: {text}"));
    (status, value)
}

async fn get_json(hub: &TestHub, uri: &str) -> (StatusCode, Value) {
    let (status, text) = hub.get_text(uri).await;
    let value = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{uri}: {err}: {text}"));
    (status, value)
}

/// Visible entries of the sessions folder (staging folders start with a dot).
fn sessions_on_disk(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn create_writes_the_session_and_the_store_lists_it_at_once() {
    let hub = TestHub::new();
    write_project(&hub);
    let (status, body) = post(&hub, "/api/sessions/create", request().to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["success"], true);
    let id = body["sessionId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("AUTH-7-"), "{id}");
    let folder = hub.sessions_dir().join(&id);
    assert_eq!(
        Path::new(body["sessionPath"].as_str().unwrap()),
        fs::canonicalize(&folder).unwrap()
    );
    let files: Vec<&str> = body["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for file in [
        "communication.json",
        "instructions.json",
        "context-backbone.md",
        "agent-prompts/agent-1.md",
        "agent-prompts/agent-2.md",
    ] {
        assert!(files.contains(&file), "{file} not in {files:?}");
        assert!(folder.join(file).is_file(), "{file} not on disk");
    }
    let lines = body["oneLiners"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["agentId"], "agent-2");
    assert!(lines[1]["prompt"].as_str().unwrap().contains(&id));

    // Prompts tell agents how to report, wait and ask, with the quoted folder or this hub.
    let prompt = fs::read_to_string(folder.join("agent-prompts/agent-2.md")).unwrap();
    for taught in [
        format!("hub status set {id} agent-2 in_progress --message"),
        format!("hub wait {id} --deps-of agent-2 --sessions-dir '"),
        format!("hub ask {id} agent-2 "),
        "--hub-url http://".to_owned(),
    ] {
        assert!(prompt.contains(&taught), "{taught} in {prompt}");
    }
    let backbone = fs::read_to_string(folder.join("context-backbone.md")).unwrap();
    assert!(backbone.contains("src/session_tokens_rotate.rs"));

    // Listed without waiting for a rescan: the create refreshed the store.
    let (status, list) = get_json(&hub, "/api/sessions").await;
    assert_eq!(status, StatusCode::OK);
    let listed = list["sessions"].as_array().unwrap();
    let session = listed.iter().find(|s| s["id"] == id.as_str()).unwrap();
    assert_eq!(session["feature_name"], "Auth refactor");
    assert_eq!(session["total_agents"], 2);
}

#[tokio::test]
async fn invalid_input_is_a_400_naming_the_fields_and_writes_nothing() {
    let hub = TestHub::new();
    write_project(&hub);
    let mut broken = request();
    broken["instructions"][0]["content"] = json!("  ");
    broken["instructions"][1]["type"] = json!("wish");
    broken["agents"][0]["depends_on"] = json!(["agent-2"]);
    broken["agents"][1]["role"] = json!("");
    broken["attachments"][0]["path"] = json!("../outside.md");
    let (status, body) = post(&hub, "/api/sessions/create", broken.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let error = body["error"].as_str().unwrap();
    for needle in [
        "instructions.b1: This block is empty",
        "instructions.b2: Unknown block type \"wish\"",
        "agents.agent-1.depends_on: The agents agent-1 and agent-2 wait for each other in a cycle",
        "agents.agent-2.role",
        "attachments.a1",
    ] {
        assert!(error.contains(needle), "{needle:?} not in {error}");
    }
    assert!(body["fields"]["agents.agent-2.role"].is_string(), "{body}");
    assert!(body["fields"]["attachments.a1"]
        .as_str()
        .unwrap()
        .contains(".."));

    // Valid shape, but a file that is not there: refused by the generator, nothing written.
    let mut missing = request();
    missing["context_files"] = json!(["src/gone.rs"]);
    let (status, body) = post(&hub, "/api/sessions/create", missing.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"].as_str().unwrap().contains("src/gone.rs"));

    for (body, needle) in [
        ("{not json".to_owned(), "expected a JSON session request"),
        ("{}".to_owned(), "stub: Choose a stub"),
        (
            json!({"stub": "nope"}).to_string(),
            "expected a JSON session request",
        ),
    ] {
        let (status, answer) = post(&hub, "/api/sessions/create", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(needle),
            "{answer}"
        );
    }
    assert!(
        sessions_on_disk(&hub.sessions_dir()).is_empty(),
        "{:?}",
        sessions_on_disk(&hub.sessions_dir())
    );
    let (_, list) = get_json(&hub, "/api/sessions").await;
    assert_eq!(list["count"], 0);
}

#[tokio::test]
async fn context_discovery_finds_files_and_stays_in_the_project() {
    let hub = TestHub::new();
    write_project(&hub);
    // A copy inside the sessions folder must not be offered: the hub's own folders are skipped.
    fs::create_dir_all(hub.sessions_dir().join("old")).unwrap();
    fs::write(
        hub.sessions_dir().join("old/session_tokens_rotate.rs"),
        "rotate session tokens refresh",
    )
    .unwrap();

    let (status, body) = get_json(
        &hub,
        "/api/sessions/context-discovery?stubDescription=Rotate%20session%20tokens%20on%20refresh",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["keywords"],
        json!(["rotate", "session", "tokens", "refresh"])
    );
    let files = body["files"].as_array().unwrap();
    assert_eq!(files[0]["path"], "src/session_tokens_rotate.rs");
    assert!(files[0]["relevance"].as_u64().unwrap() >= 90, "{body}");
    assert_eq!(files[0]["fileType"], "rust");
    assert!(files[0]["matchedKeywords"]
        .as_array()
        .unwrap()
        .contains(&json!("session")));
    assert_eq!(
        body["autoSelected"],
        json!(["src/session_tokens_rotate.rs"])
    );
    assert_eq!(body["statsByType"]["rust"], 1);
    assert_eq!(body["statsByType"]["markdown"], 1);
    assert_eq!(body["partial"], false);
    assert!(files
        .iter()
        .all(|f| !f["path"].as_str().unwrap().starts_with("sessions/")));

    // A folder inside the root: paths stay relative to the root.
    let (status, body) = get_json(
        &hub,
        "/api/sessions/context-discovery?stubDescription=session%20tokens&projectPath=docs",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["files"][0]["path"], "docs/auth.md");

    // Outside the root: refused before anything is read.
    let outside = std::env::temp_dir().display().to_string();
    for (path, expected) in [
        ("..", StatusCode::FORBIDDEN),
        ("%2Fetc", StatusCode::FORBIDDEN),
        (outside.as_str(), StatusCode::FORBIDDEN),
        ("docs%2F..%2F..", StatusCode::FORBIDDEN),
        ("nowhere", StatusCode::BAD_REQUEST),
    ] {
        let (status, body) = get_json(
            &hub,
            &format!("/api/sessions/context-discovery?stubDescription=session&projectPath={path}"),
        )
        .await;
        assert_eq!(status, expected, "{path}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
    let (status, body) = get_json(&hub, "/api/sessions/context-discovery").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("stubDescription"));
}
