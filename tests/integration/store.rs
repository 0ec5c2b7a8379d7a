//! The store's read side on real folders: both seed shapes, a corrupted store,
//! stale copies, generations.

use crate::support::sid;
use sessions_hub::domain::ids::SessionId;
use sessions_hub::domain::{AgentStatus, HubError, SessionStatus, StatusSource};
use sessions_hub::store::SessionStore;
use std::fs;
use std::path::Path;

pub fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sessions"
    ))
}

/// Copies the fixture sessions (with their output files) into `dir`.
pub fn copy_fixtures(dir: &Path) {
    copy_tree(fixtures(), dir);
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn write_session(dir: &Path, id: &str, communication: &str) {
    fs::create_dir_all(dir.join(id)).unwrap();
    fs::write(dir.join(id).join("communication.json"), communication).unwrap();
}

fn store_with_fixtures() -> (tempfile::TempDir, SessionStore) {
    let dir = tempfile::tempdir().unwrap();
    copy_fixtures(dir.path());
    let store = SessionStore::new(dir.path());
    store.refresh().unwrap();
    (dir, store)
}

#[test]
fn lists_both_shapes_newest_first() {
    let (_dir, store) = store_with_fixtures();
    let snapshot = store.list();
    let list = &snapshot.list;
    assert_eq!(list.count, 2);
    assert!(list.invalid.is_empty());
    let ids: Vec<&str> = list.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["WO-DOCS-001", "auth-refactor-1767000000000"]);

    let monitoring = &list.sessions[0];
    assert_eq!(monitoring.feature_name, "docs-uds-compliance-phase1");
    assert_eq!(monitoring.status, SessionStatus::InProgress);
    assert_eq!(monitoring.status_source, StatusSource::Explicit);
    assert_eq!(
        (monitoring.completed_agents, monitoring.total_agents),
        (1, 2)
    );
    assert_eq!(monitoring.aggregation.blocked, 1);

    let creation = &list.sessions[1];
    assert_eq!(creation.status, SessionStatus::InProgress);
    assert_eq!(creation.status_source, StatusSource::Calculated);
    assert_eq!(
        creation.aggregation.not_started, 1,
        "pending counts as not started"
    );
}

#[test]
fn detail_has_agents_waves_blockers_and_instructions() {
    let (_dir, store) = store_with_fixtures();
    let detail = store.detail(&sid("auth-refactor-1767000000000")).unwrap();
    assert_eq!(detail.agents.len(), 3);
    let tests = &detail.agents[2];
    assert_eq!(tests.wave, Some(3));
    assert_eq!(tests.blocked_by, ["agent-2"]);
    assert_eq!(tests.outputs, ["outputs/agent-3.md"]);
    let instructions = detail.instructions.unwrap();
    assert_eq!(instructions.total_blocks, 3);
    assert!(instructions.error.is_none());

    let monitoring = store.detail(&sid("WO-DOCS-001")).unwrap();
    let orchestrator = monitoring.orchestrator.unwrap();
    assert_eq!(
        orchestrator.agent_id.as_deref(),
        Some("assistant-orchestrator")
    );
    // No waves in this shape: computed from the dependencies.
    assert_eq!(monitoring.agents[0].wave, Some(1));
    assert_eq!(monitoring.agents[1].wave, Some(2));
    assert_eq!(monitoring.agents[1].status, AgentStatus::Blocked);
    assert!(monitoring.instructions.is_none());
}

#[test]
fn unknown_and_hostile_ids() {
    let (_dir, store) = store_with_fixtures();
    assert!(matches!(
        store.detail(&sid("nope")),
        Err(HubError::NotFound(_))
    ));
    // Refused before they can name a folder: a session id is checked when it is made.
    for hostile in ["../etc", "..", ".staging-x", "a/b", ""] {
        assert!(
            matches!(SessionId::parse(hostile), Err(HubError::Invalid(_))),
            "{hostile}"
        );
    }
}

/// A corrupted store: garbage, empty files, directories where files should be, missing files.
#[test]
fn a_corrupted_store_lists_every_healthy_session_and_one_error_per_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for n in 0..20 {
        write_session(
            root,
            &format!("healthy-{n:02}"),
            r#"{"agents": [{"agent_id": "a", "status": "complete"}]}"#,
        );
    }
    write_session(root, "garbage", "{\"agents\": [nope");
    write_session(root, "empty", "");
    write_session(root, "wrong-type", r#"{"agents": "many"}"#);
    write_session(root, "binary", "\u{0}\u{1}\u{2}");
    fs::create_dir_all(root.join("dir-instead/communication.json")).unwrap();
    fs::create_dir_all(root.join("no-file")).unwrap();
    #[cfg(target_os = "linux")]
    {
        fs::create_dir_all(root.join("fifo")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("fifo/communication.json"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    // Not sessions at all: hidden and staging folders, loose files.
    write_session(root, ".staging-abc", r#"{"agents": []}"#);
    write_session(root, ".git", r#"{"agents": []}"#);
    fs::write(root.join("README.md"), "not a session").unwrap();

    let store = SessionStore::new(root);
    store.refresh().unwrap();
    let snapshot = store.list();
    assert_eq!(snapshot.list.count, 20);
    let mut broken: Vec<(&str, &str)> = snapshot
        .list
        .invalid
        .iter()
        .map(|bad| (bad.id.as_str(), bad.error.as_str()))
        .collect();
    broken.sort();
    let names: Vec<&str> = broken.iter().map(|(id, _)| *id).collect();
    let mut expected = vec![
        "binary",
        "dir-instead",
        "empty",
        "garbage",
        "no-file",
        "wrong-type",
    ];
    if cfg!(target_os = "linux") {
        expected.push("fifo");
    }
    expected.sort();
    assert_eq!(names, expected);
    for (id, error) in broken {
        assert!(!error.is_empty(), "{id} has no error");
        match id {
            "empty" => assert!(error.contains("empty"), "{error}"),
            "no-file" => assert!(error.contains("does not exist"), "{error}"),
            "dir-instead" | "fifo" => assert!(error.contains("not a regular file"), "{error}"),
            "wrong-type" => assert!(error.contains("invalid type"), "{error}"),
            _ => assert!(error.starts_with("communication.json"), "{error}"),
        }
    }
    assert!(matches!(
        store.detail(&sid("garbage")),
        Err(HubError::Unreadable(_))
    ));
}

#[test]
fn a_session_that_breaks_keeps_its_last_good_copy_flagged_stale() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"feature_name": "f", "agents": [{"agent_id": "a", "status": "in_progress"}]}"#;
    write_session(dir.path(), "s", good);
    let store = SessionStore::new(dir.path());
    store.refresh().unwrap();
    assert!(!store.list().list.sessions[0].stale);

    fs::write(
        dir.path().join("s/communication.json"),
        "{\"feature_name\": ",
    )
    .unwrap();
    store.refresh().unwrap();
    let snapshot = store.list();
    let session = &snapshot.list.sessions[0];
    assert!(session.stale);
    assert!(session
        .stale_error
        .as_deref()
        .unwrap()
        .contains("communication.json"));
    assert_eq!(session.feature_name, "f");
    assert!(snapshot.list.invalid.is_empty());

    fs::write(
        dir.path().join("s/communication.json"),
        good.replace("in_progress", "complete"),
    )
    .unwrap();
    store.refresh().unwrap();
    let session = store.list().list.sessions[0].clone();
    assert!(!session.stale);
    assert_eq!(session.status, SessionStatus::Complete);
}

#[test]
fn generation_moves_only_when_something_changed() {
    let dir = tempfile::tempdir().unwrap();
    write_session(dir.path(), "a", r#"{"agents": []}"#);
    let store = SessionStore::new(dir.path());
    let first = store.refresh().unwrap();
    assert_eq!(first.created, ["a"]);
    let generation = store.generation();

    // Let the write age past the racy window, so the next scan can trust the fingerprint.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    fs::File::options()
        .write(true)
        .open(dir.path().join("a/communication.json"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    store.refresh().unwrap();
    let generation = generation.max(store.generation());
    assert!(store.refresh().unwrap().is_empty());
    assert_eq!(store.generation(), generation);

    write_session(dir.path(), "b", r#"{"agents": []}"#);
    let changes = store.refresh().unwrap();
    assert_eq!(changes.created, ["b"]);
    assert!(store.generation() > generation);

    fs::remove_dir_all(dir.path().join("a")).unwrap();
    let changes = store.refresh_ids(["a".to_string()]);
    assert_eq!(changes.removed, ["a"]);
    assert_eq!(store.list().list.count, 1);
}

#[test]
fn detail_finds_a_folder_written_after_the_last_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path());
    store.refresh().unwrap();
    write_session(dir.path(), "late", r#"{"agents": [{"agent_id": "x"}]}"#);
    assert_eq!(store.detail(&sid("late")).unwrap().agents.len(), 1);
    assert_eq!(store.list().list.count, 1);
}
