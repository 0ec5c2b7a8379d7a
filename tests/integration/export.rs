//! `export.zip` and `report.md` through the API, on a session folder holding what a real one
//! does (outputs, questions, the hub's lock) and what a hostile one might (links out, a FIFO,
//! a name that climbs out on Windows, markup in agent text).

use crate::store::write_session;
use crate::support::{body_text, TestHub};
use axum::http::{header, StatusCode};
use http_body_util::BodyExt;
use std::io::Read;

const ROSTER: &str = r#"{"feature_name": "Search <img src=x onerror=alert(1)>",
  "description": "Find things fast.",
  "agents": [
    {"agent_id": "api", "role": "Back end", "status": "complete", "output_file": "outputs/api.md"},
    {"agent_id": "ui", "status": "in_progress", "depends_on": ["api"], "output_file": "outputs/ui.md",
     "status_message": "half | way ![x](http://evil/)"}]}"#;

fn session(hub: &TestHub) {
    let dir = hub.sessions_dir();
    write_session(&dir, "s-1", ROSTER);
    let folder = dir.join("s-1");
    std::fs::create_dir_all(folder.join("outputs")).unwrap();
    std::fs::write(
        folder.join("outputs/api.md"),
        "# API done\n\n```\ncode\n```\n",
    )
    .unwrap();
    std::fs::write(folder.join(".hub.lock"), "").unwrap();
    std::fs::write(folder.join("..\\..\\evil.txt"), "x").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", folder.join("passwd")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(folder.join("pipe"))
        .status()
        .unwrap();
    assert!(fifo.success());
    hub.refresh();
}

#[tokio::test]
async fn the_zip_holds_the_session_and_nothing_else() {
    let hub = TestHub::new();
    session(&hub);
    let response = hub.get("/api/sessions/s-1/export.zip").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
    assert!(response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename=\"s-1.zip\""));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "s-1/communication.json",
            "s-1/outputs/",
            "s-1/outputs/api.md"
        ]
    );
    let mut text = String::new();
    zip.by_name("s-1/communication.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, ROSTER);

    let (status, _) = hub.get_json("/api/sessions/nope/export.zip").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_report_tells_the_session_and_agent_text_stays_text() {
    let hub = TestHub::new();
    session(&hub);
    let (status, _) = hub
        .post_json(
            "/api/sessions/s-1/agents/ui/status",
            serde_json::json!({"status": "blocked", "message": "half | way ![x](http://evil/)"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let response = hub.get("/api/sessions/s-1/report.md").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/markdown; charset=utf-8"
    );
    let report = body_text(response).await;
    for part in [
        "## Summary",
        "## Agents",
        "## Waves",
        "## Questions",
        "## History",
        "## Outputs",
        "- Agents: 1 of 2 complete",
        "| ui | in progress → blocked: half \\| way \\!\\[x\\]",
        "````markdown\n# API done\n\n```\ncode\n```\n````",
        "### ui: outputs/ui.md\n\nNot written yet.",
        "- Wave 1: api\n- Wave 2: ui",
    ] {
        assert!(report.contains(part), "{part:?} in\n{report}");
    }
    assert!(
        report.starts_with("# Search \\<img src=x onerror=alert(1)\\>\n"),
        "{report}"
    );
    assert!(report.contains("half \\| way \\!\\[x\\]"));

    // An archived session exports too.
    sessions_hub::store::lifecycle::archive(&hub.sessions_dir(), &crate::support::sid("s-1"))
        .unwrap();
    hub.refresh();
    let response = hub.get("/api/sessions/s-1/report.md").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body_text(response).await.contains("- Archived"));
    let response = hub.get("/api/sessions/s-1/export.zip").await;
    assert_eq!(response.status(), StatusCode::OK);
}
