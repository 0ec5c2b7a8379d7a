//! `service::output_preview` / `SessionStore::agent_output_file`: choosing the output, the preview's
//! fields, the placeholder, truncation, and the errors a user sees.

use super::{Farm, SESSION};
use crate::support::{aid, sid};
use sessions_hub::domain::output::{OutputKind, MISSING_OUTPUT};
use sessions_hub::domain::HubError;
use sessions_hub::service::output_preview;
use sessions_hub::store::SessionStore;
use std::io::Read;

fn store_with(farm: &Farm, communication: &str) -> SessionStore {
    std::fs::write(farm.session.join("communication.json"), communication).unwrap();
    let store = SessionStore::new(&farm.sessions);
    store.refresh().unwrap();
    store
}

const ROSTER: &str = r#"{
  "agents": [
    {"agent_id": "agent-1", "status": "complete", "output_files": ["out/report.md", "out/data.json", "notes.txt", "out/later.md"]},
    {"agent_id": "agent-2", "status": "in_progress", "output_file": "out/later.md"},
    {"agent_id": "agent-3", "status": "pending"}
  ]
}"#;

#[test]
fn the_first_output_is_rendered_with_every_output_listed() {
    let farm = Farm::new();
    let store = store_with(&farm, ROSTER);
    let preview =
        output_preview(&store, &sid(SESSION), &aid("agent-1"), None, &[], 1 << 20).unwrap();
    assert_eq!(preview.feature, SESSION);
    assert_eq!(preview.agent, "agent-1");
    assert_eq!(preview.path, "out/report.md");
    assert_eq!(
        preview.outputs,
        [
            "out/report.md",
            "out/data.json",
            "notes.txt",
            "out/later.md"
        ]
    );
    assert_eq!(preview.kind, OutputKind::Markdown);
    assert!(preview.exists && !preview.truncated);
    assert_eq!(preview.size, 27);
    assert_eq!(preview.content, "# Inside report\n\nAll good.\n");
    assert!(
        preview.html.contains("<h1>Inside report</h1>"),
        "{}",
        preview.html
    );
    assert!(preview.notes.is_empty(), "{:?}", preview.notes);

    let json = output_preview(
        &store,
        &sid(SESSION),
        &aid("agent-1"),
        Some("out/data.json"),
        &[],
        1 << 20,
    )
    .unwrap();
    assert_eq!(json.kind, OutputKind::Json);
    assert!(json
        .html
        .contains("<span class=\"json-key\">&quot;inside&quot;</span>"));

    let text = output_preview(
        &store,
        &sid(SESSION),
        &aid("agent-1"),
        Some("notes.txt"),
        &[],
        1 << 20,
    )
    .unwrap();
    assert_eq!(text.kind, OutputKind::Text);
    assert_eq!(text.html, "<pre class=\"output-text\">inside notes</pre>");
}

#[test]
fn a_file_not_written_yet_is_a_placeholder_not_an_error() {
    let farm = Farm::new();
    let store = store_with(&farm, ROSTER);
    let preview =
        output_preview(&store, &sid(SESSION), &aid("agent-2"), None, &[], 1 << 20).unwrap();
    assert!(!preview.exists);
    assert_eq!(preview.content, MISSING_OUTPUT);
    assert_eq!(
        preview.html,
        "<p class=\"output-missing\">Output file not yet created by agent.</p>"
    );
    assert_eq!((preview.size, preview.truncated), (0, false));

    let err = store
        .agent_output_file(&sid(SESSION), &aid("agent-2"), None, &[])
        .unwrap_err();
    assert_eq!(
        err,
        HubError::NotFound(
            "agent \"agent-2\" has not written its output file \"out/later.md\" yet".into()
        )
    );

    // Once the agent writes it, the same call shows it.
    std::fs::write(farm.session.join("out/later.md"), "done").unwrap();
    let preview =
        output_preview(&store, &sid(SESSION), &aid("agent-2"), None, &[], 1 << 20).unwrap();
    assert!(preview.exists);
    assert_eq!(preview.content, "done");
}

#[test]
fn large_files_are_previewed_truncated_and_downloaded_whole() {
    let farm = Farm::new();
    let store = store_with(&farm, ROSTER);
    let text = "line of text\n".repeat(10_000);
    std::fs::write(farm.session.join("notes.txt"), &text).unwrap();
    let preview = output_preview(
        &store,
        &sid(SESSION),
        &aid("agent-1"),
        Some("notes.txt"),
        &[],
        1024,
    )
    .unwrap();
    assert!(preview.truncated);
    assert_eq!(preview.size, text.len() as u64);
    assert_eq!(preview.content.len(), 1024);
    assert_eq!(preview.notes, ["Showing the first 1.0 KiB of 127.0 KiB."]);

    let (mut file, size, name) = store
        .agent_output_file(&sid(SESSION), &aid("agent-1"), Some("notes.txt"), &[])
        .unwrap();
    assert_eq!((size, name.as_str()), (text.len() as u64, "notes.txt"));
    let mut all = String::new();
    file.read_to_string(&mut all).unwrap();
    assert_eq!(all, text);
}

#[test]
fn an_empty_file_says_so() {
    let farm = Farm::new();
    let store = store_with(&farm, ROSTER);
    std::fs::write(farm.session.join("out/later.md"), "").unwrap();
    let preview =
        output_preview(&store, &sid(SESSION), &aid("agent-2"), None, &[], 1 << 20).unwrap();
    assert!(preview.exists);
    assert_eq!(preview.notes, ["The file is empty."]);
}

#[test]
fn unknown_sessions_agents_and_outputs_are_clear_404s() {
    let farm = Farm::new();
    let store = store_with(&farm, ROSTER);
    let cases = [
        (
            output_preview(&store, &sid(SESSION), &aid("agent-9"), None, &[], 1024),
            format!("no agent \"agent-9\" in session \"{SESSION}\""),
        ),
        (
            output_preview(&store, &sid(SESSION), &aid("agent-3"), None, &[], 1024),
            format!("agent \"agent-3\" in session \"{SESSION}\" names no output file"),
        ),
        (
            output_preview(&store, &sid(SESSION), &aid("agent-2"), Some("out/report.md"), &[], 1024),
            "agent \"agent-2\" names no output file \"out/report.md\"; its output files are \"out/later.md\"".to_owned(),
        ),
        (
            output_preview(&store, &sid(SESSION), &aid("agent-3"), Some("x.md"), &[], 1024),
            "agent \"agent-3\" names no output file \"x.md\"; its output files are none".to_owned(),
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.unwrap_err(), HubError::NotFound(message));
    }
    assert!(matches!(
        output_preview(
            &store,
            &sid("no-such-session"),
            &aid("agent-1"),
            None,
            &[],
            1024
        ),
        Err(HubError::NotFound(_))
    ));
    assert!(matches!(
        sessions_hub::domain::ids::SessionId::parse("../etc"),
        Err(HubError::Invalid(_))
    ));
    assert!(matches!(
        store.agent_output_file(&sid(SESSION), &aid("agent-9"), None, &[]),
        Err(HubError::NotFound(_))
    ));
}

#[test]
fn previews_round_trip_through_json() {
    let farm = Farm::new();
    let store = store_with(&farm, ROSTER);
    let preview =
        output_preview(&store, &sid(SESSION), &aid("agent-1"), None, &[], 1 << 20).unwrap();
    let json = serde_json::to_string(&preview).unwrap();
    assert!(json.contains("\"kind\":\"markdown\""), "{json}");
    let back: sessions_hub::domain::output::OutputPreview = serde_json::from_str(&json).unwrap();
    assert_eq!(back, preview);
}
