//! The output viewer's endpoints: preview, download, and their errors.

use crate::store::write_session;
use crate::support::{body_text, TestHub};
use axum::http::{header, StatusCode};
use serde_json::Value;

const ROSTER: &str = r#"{"agents": [
    {"agent_id": "writer", "status": "complete", "output_files": ["out/report.md", "out/data.json"]},
    {"agent_id": "late", "status": "in_progress", "output_file": "out/late.md"},
    {"agent_id": "sneaky", "status": "complete", "output_file": "../../etc/passwd"},
    {"agent_id": "silent", "status": "complete"}
]}"#;

fn hub_with_outputs() -> TestHub {
    let hub = TestHub::new();
    let dir = hub.sessions_dir();
    write_session(&dir, "s", ROSTER);
    std::fs::create_dir_all(dir.join("s/out")).unwrap();
    std::fs::write(
        dir.join("s/out/report.md"),
        "# Report\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n<script>alert(1)</script>\n",
    )
    .unwrap();
    std::fs::write(dir.join("s/out/data.json"), r#"{"ok": true, "n": [1, 2]}"#).unwrap();
    hub.refresh();
    hub
}

async fn json(hub: &TestHub, uri: &str) -> (StatusCode, Value) {
    let (status, text) = hub.get_text(uri).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{uri}: {text}")),
    )
}

#[tokio::test]
async fn previews_render_markdown_and_json_safely() {
    let hub = hub_with_outputs();
    let (status, body) = json(&hub, "/api/sessions/output?feature=s&agent=writer").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["feature"], "s");
    assert_eq!(body["agent"], "writer");
    assert_eq!(body["path"], "out/report.md");
    assert_eq!(body["kind"], "markdown");
    assert_eq!(body["exists"], true);
    assert_eq!(body["truncated"], false);
    assert!(
        body["content"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>"),
        "raw content is the file"
    );
    let html = body["html"].as_str().unwrap();
    assert!(html.contains("<table>"), "{html}");
    assert!(html.contains("checkbox"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(
        body["outputs"],
        serde_json::json!(["out/report.md", "out/data.json"])
    );

    let (_, body) = json(
        &hub,
        "/api/sessions/output?feature=s&agent=writer&path=out/data.json",
    )
    .await;
    assert_eq!(body["kind"], "json");
    assert!(body["html"].as_str().unwrap().contains("json-key"));
}

#[tokio::test]
async fn a_missing_file_is_a_placeholder_and_errors_are_json() {
    let hub = hub_with_outputs();
    let (status, body) = json(&hub, "/api/sessions/output?feature=s&agent=late").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["exists"], false);
    assert_eq!(body["content"], "Output file not yet created by agent.");

    for (uri, expected) in [
        (
            "/api/sessions/output?feature=s&agent=sneaky",
            StatusCode::FORBIDDEN,
        ),
        (
            "/api/sessions/output?feature=s&agent=silent",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/sessions/output?feature=s&agent=nobody",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/sessions/output?feature=nope&agent=writer",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/sessions/output?feature=s&agent=writer&path=out/other.md",
            StatusCode::NOT_FOUND,
        ),
        ("/api/sessions/output?feature=s", StatusCode::BAD_REQUEST),
        (
            "/api/sessions/output/download?feature=s&agent=sneaky",
            StatusCode::FORBIDDEN,
        ),
        (
            "/api/sessions/output/download?feature=s&agent=late",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, text) = hub.get_text(uri).await;
        assert_eq!(status, expected, "{uri}: {text}");
        if status != StatusCode::BAD_REQUEST {
            let body: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{uri}: {text}"));
            assert!(body["error"].is_string(), "{uri}");
        }
    }
    let (_, body) = json(&hub, "/api/sessions/output?feature=s&agent=sneaky").await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("--allow-output-root"),
        "{body}"
    );
}

#[tokio::test]
async fn downloads_are_whole_attachments() {
    let hub = hub_with_outputs();
    let response = hub
        .get("/api/sessions/output/download?feature=s&agent=writer")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"report.md\""));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let body = body_text(response).await;
    assert_eq!(
        body,
        std::fs::read_to_string(hub.sessions_dir().join("s/out/report.md")).unwrap()
    );
}
