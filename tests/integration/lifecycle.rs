//! Archive, restore, delete through the API, what the list and the detail say about each, and
//! the crash test: processes killed mid-move never lose a session or show it twice.
//!
//! The kill test re-executes this binary (`current_exe`) with `CHILD_ENV` set, running only
//! [`child_moves_until_killed`], which archives, restores and deletes sessions in a loop; the
//! parent SIGKILLs it a random 0-20 ms after it reports ready, then checks that every session
//! is in exactly one place and that a fresh hub lists it once. 100 kills run with the suite
//! (`HUB_MOVE_KILLS=n` changes that; `HUB_MOVE_KILL_SEED` replays a run's delays).

use crate::store::write_session;
use crate::support::{from_parent, kill_child_after, list_ids as ids, sid, Delays, TestHub};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Value};
use sessions_hub::domain::history::Actor;
use sessions_hub::domain::lifecycle::LifecycleAction;
use sessions_hub::store::lifecycle::{archive, locate, restore, trash, Place};
use sessions_hub::store::SessionStore;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

const ROSTER: &str = r#"{"feature_name": "Search", "agents": [
    {"agent_id": "a1", "status": "in_progress"}]}"#;

async fn call(hub: &TestHub, method: Method, uri: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let response = hub.send(request).await;
    let status = response.status();
    let text = crate::support::body_text(response).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn archive_restore_delete_through_the_api() {
    let hub = TestHub::with_config(|config| config.trash_after = Duration::ZERO);
    let dir = hub.sessions_dir();
    write_session(&dir, "s-1", ROSTER);
    write_session(&dir, "s-2", ROSTER);
    hub.refresh();

    // Only archived sessions can be deleted; only active ones archived.
    let (status, body) = call(&hub, Method::DELETE, "/api/sessions/s-1").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error"].as_str().unwrap().contains("archive it first"));
    let (status, _) = call(&hub, Method::POST, "/api/sessions/s-1/restore").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(&hub, Method::POST, "/api/sessions/nope/archive").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&hub, Method::POST, "/api/sessions/..%2Fx/archive").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, moved) = call(&hub, Method::POST, "/api/sessions/s-1/archive").await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        moved,
        json!({"id": "s-1", "action": "archive", "archived": true, "deleted": false})
    );
    assert!(dir.join(".archive/s-1/communication.json").is_file());
    let (_, list) = hub.get_json("/api/sessions").await;
    assert_eq!(ids(&list), ["s-2"]);
    assert_eq!(list["archived_count"], 1);
    let (_, archived) = hub.get_json("/api/sessions?archived=true").await;
    assert_eq!(ids(&archived), ["s-1"]);
    assert_eq!(archived["sessions"][0]["archived"], true);
    assert_eq!(archived["archived"], true);
    let (status, detail) = hub.get_json("/api/sessions?id=s-1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["session"]["archived"], true);

    // Archived sessions are read-only for agents, and cannot be archived twice.
    let (status, body) = hub
        .post_json(
            "/api/sessions/s-1/agents/a1/status",
            json!({"status": "complete"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error"].as_str().unwrap().contains("restore it first"));
    let (status, _) = hub
        .post_json(
            "/api/sessions/s-1/questions",
            json!({"agent_id": "a1", "question": "Go?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(&hub, Method::POST, "/api/sessions/s-1/archive").await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, moved) = call(&hub, Method::POST, "/api/sessions/s-1/restore").await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (_, list) = hub.get_json("/api/sessions").await;
    let mut listed = ids(&list);
    listed.sort();
    assert_eq!(listed, ["s-1", "s-2"]);
    assert_eq!(list["archived_count"], 0);
    let (status, _) = hub
        .post_json(
            "/api/sessions/s-1/agents/a1/status",
            json!({"status": "complete"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "writable again once restored");

    call(&hub, Method::POST, "/api/sessions/s-1/archive").await;
    let (status, moved) = call(&hub, Method::DELETE, "/api/sessions/s-1").await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["deleted"], true);
    let (status, _) = hub.get_json("/api/sessions?id=s-1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, archived) = hub.get_json("/api/sessions?archived=true").await;
    assert!(ids(&archived).is_empty());
    let binned = std::fs::read_dir(dir.join(".trash")).unwrap().count();
    assert_eq!(binned, 1, "in the trash until purged");

    // With --trash-days 0 the next sweep empties it.
    assert_eq!(hub.state.hub.purge_trash().await.unwrap(), ["s-1"]);
    assert_eq!(std::fs::read_dir(dir.join(".trash")).unwrap().count(), 0);
}

#[tokio::test]
async fn a_delete_from_the_ui_needs_the_typed_id() {
    let hub = TestHub::new();
    let dir = hub.sessions_dir();
    write_session(&dir, "s-1", ROSTER);
    hub.refresh();
    let hub_service = &hub.state.hub;
    hub_service
        .move_session(sid("s-1"), LifecycleAction::Archive, None, Actor::Api)
        .await
        .unwrap();
    for typed in [None, Some("s-2".to_owned()), Some(String::new())] {
        let err = hub_service
            .move_session(
                sid("s-1"),
                LifecycleAction::Delete,
                typed.clone(),
                Actor::Api,
            )
            .await
            .unwrap_err();
        assert_eq!(err.status_code(), 400, "{typed:?}");
        assert_eq!(locate(&dir, "s-1"), Some(Place::Archived), "nothing lost");
    }
    hub_service
        .move_session(
            sid("s-1"),
            LifecycleAction::Delete,
            Some("s-1".into()),
            Actor::Api,
        )
        .await
        .unwrap();
    assert_eq!(locate(&dir, "s-1"), None);
}

/// A session created with the id of an archived one would make restoring it impossible; the
/// generator skips ids the archive holds.
#[test]
fn an_archived_id_is_never_reused_and_both_never_show() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_session(dir, "s-1", ROSTER);
    archive(dir, &sid("s-1")).unwrap();
    // A folder of the same name copied in by hand: the active one is shown, once.
    write_session(dir, "s-1", ROSTER);
    let store = SessionStore::new(dir);
    store.refresh().unwrap();
    assert_eq!(store.list().list.count, 1);
    assert!(store.archived_list().sessions.is_empty());
    assert!(restore(dir, &sid("s-1")).is_err(), "never replaces it");
}

// --- Killed mid-move ---------------------------------------------------------------------

const CHILD_ENV: &str = "HUB_TEST_MOVE_CHILD_DIR";
const CHILD_TEST: &str = "lifecycle::child_moves_until_killed";
const POOL: usize = 6;

fn pool_id(i: usize) -> String {
    format!("k-{i}")
}

/// Where each id of the pool is: the active folder, the archive, the trash (any bin).
fn census(dir: &Path) -> BTreeMap<String, Vec<&'static str>> {
    let mut found: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut note = |folder: &Path, place: &'static str| {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') && entry.path().join("communication.json").is_file() {
                found.entry(name).or_default().push(place);
            }
        }
    };
    note(dir, "active");
    note(&dir.join(".archive"), "archived");
    for bin in std::fs::read_dir(dir.join(".trash"))
        .into_iter()
        .flatten()
        .flatten()
    {
        note(&bin.path(), "trash");
    }
    found
}

/// The child process of [`a_mover_killed_mid_move_loses_nothing`]: moves sessions of the pool
/// until killed (or for 10 s).
#[test]
#[ignore = "a child process of a_mover_killed_mid_move_loses_nothing"]
fn child_moves_until_killed() {
    let dir = from_parent(CHILD_ENV);
    let mut stdout = std::io::stdout();
    writeln!(stdout, "\nREADY").unwrap();
    stdout.flush().unwrap();
    let started = std::time::Instant::now();
    let mut step = 0usize;
    while started.elapsed() < Duration::from_secs(10) {
        step += 1;
        let id = sid(&pool_id(step % POOL));
        let _ = match locate(&dir, id.as_str()) {
            Some(Place::Active) => archive(&dir, &id),
            Some(Place::Archived) if step.is_multiple_of(5) => {
                trash(&dir, &id, step as i64).map(|_| ())
            }
            Some(Place::Archived) => restore(&dir, &id),
            None => Ok(()),
        };
    }
}

fn run_move_kills(iterations: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    for i in 0..POOL {
        write_session(&dir, &pool_id(i), ROSTER);
    }
    let (mut delays, seed) = Delays::from_env("HUB_MOVE_KILL_SEED");
    println!("killed mover: {iterations} kills, HUB_MOVE_KILL_SEED={seed}");
    let mut deleted = 0;
    for kill in 0..iterations {
        kill_child_after(CHILD_TEST, &[(CHILD_ENV, &dir)], delays.next_ms(20));
        let found = census(&dir);
        let mut binned = Vec::new();
        for i in 0..POOL {
            let id = pool_id(i);
            let places = found.get(&id).cloned().unwrap_or_default();
            assert_eq!(places.len(), 1, "kill {kill}: {id} is in {places:?}");
            if places == ["trash"] {
                binned.push(id);
            }
        }
        // Deleted as they should be: empty the trash and put fresh ones in their place.
        if !binned.is_empty() {
            std::fs::remove_dir_all(dir.join(".trash")).unwrap();
        }
        for id in &binned {
            write_session(&dir, id, ROSTER);
            deleted += 1;
        }
        // A hub started now shows each session once, active or archived, never both.
        let store = SessionStore::new(&dir);
        store.refresh().unwrap();
        let active = store.list();
        let archived = store.archived_list();
        let mut shown: Vec<&str> = active
            .list
            .sessions
            .iter()
            .chain(archived.sessions.iter())
            .map(|s| s.id.as_str())
            .collect();
        shown.sort();
        let expected: Vec<String> = (0..POOL).map(pool_id).collect();
        assert_eq!(shown, expected, "kill {kill}");
        assert!(active.list.invalid.is_empty() && archived.invalid.is_empty());
    }
    println!("killed mover: {iterations} kills, 0 lost, 0 shown twice, {deleted} deletes seen");
}

#[test]
fn a_mover_killed_mid_move_loses_nothing() {
    let iterations = std::env::var("HUB_MOVE_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    run_move_kills(iterations);
}
