//! Edge mode (`--publish-to postgres://…`): a machine's hub keeps its folder as the store of
//! record, publishes its sessions into the team's database, and applies the team's changes to
//! them back to its files. Each test pairs an edge with a team hub (`--store`) on a database
//! of its own (see `shared.rs` for how the test server is found).

use crate::shared::{eventually, fresh_database, pg_ctl, session_with_agents, SharedHub, SERVER};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::path::Path;

/// Runs one query on `url` off the async threads; answers the first column of each row.
fn query_texts(url: &str, sql: &str) -> Vec<String> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                client
                    .query(sql, &[])
                    .unwrap()
                    .iter()
                    .map(|row| row.get::<_, String>(0))
                    .collect()
            })
            .join()
            .unwrap()
    })
}

fn newest_generation(url: &str) -> String {
    query_texts(url, "SELECT generation::text FROM hub_counter").remove(0)
}

/// Rewrites `communication.json` in `folder` as an agent does: the whole file, by hand.
fn agent_writes(folder: &Path, change: impl FnOnce(&mut Value)) {
    let path = folder.join("communication.json");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    change(&mut value);
    let temp = folder.join("communication.json.agent-tmp");
    std::fs::write(&temp, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    std::fs::rename(temp, path).unwrap();
}

/// A folder for an edge hub, its `sessions` folder in it.
fn edge_root() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("sessions")).unwrap();
    root
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edge_publishes_its_folder_and_takes_the_teams_changes_back() {
    let _sharing = SERVER.read().await;
    let Some(url) = fresh_database("edge_round_trip") else {
        return;
    };
    // The team has a session of its own, `t-1`; the laptop has a folder of that name too.
    let team = SharedHub::open(&url, |dir| session_with_agents(dir, "t-1", 1)).await;
    let root = edge_root();
    let sessions = root.path().join("sessions");
    session_with_agents(&sessions, "e-1", 2);
    crate::store::write_session(
        &sessions,
        "t-1",
        r#"{"feature_name": "Laptop's own", "agents": [{"agent_id": "mine", "status": "pending"}]}"#,
    );
    let edge = SharedHub::open_edge(&url, "laptop", root).await;
    let edge_dir = edge.http.sessions_dir();

    // Published at start under the edge's name; the clash of ids publishes nothing over the
    // team's session, and leaves the laptop's folder as it was.
    eventually("the team lists the edge's session", || {
        team.shown("e-1", "agent-0") == Some(("pending".into(), 0))
    })
    .await;
    assert_eq!(
        query_texts(
            &url,
            "SELECT id || '=' || coalesce(owner, 'team') FROM hub_sessions ORDER BY id"
        ),
        ["e-1=laptop", "t-1=team"]
    );
    assert_eq!(team.communication("t-1")["feature_name"], "Shared");
    assert_eq!(edge.communication("t-1")["feature_name"], "Laptop's own");
    // A write on the laptop to its own `t-1` stays on the laptop.
    let (status, body) = edge
        .status("t-1", "mine", json!({"status": "in_progress"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(edge.shown("t-1", "mine"), Some(("in_progress".into(), 1)));
    let teams = query_texts(
        &url,
        "SELECT communication::text FROM hub_sessions WHERE id = 't-1'",
    );
    assert!(
        !teams[0].contains("mine"),
        "the team's t-1 is not the laptop's: {teams:?}"
    );

    // An agent on the laptop rewrites its file by hand: the team sees it, history and all.
    agent_writes(&edge_dir.join("e-1"), |value| {
        value["agents"][0]["status"] = json!("in_progress");
        value["agents"][0]["message"] = json!("<script>alert(1)</script>");
    });
    let published = eventually("the team shows the agent's own write", || {
        team.shown("e-1", "agent-0") == Some(("in_progress".into(), 0))
    })
    .await;
    eprintln!("an agent's write on the edge, shown on the team's hub after {published:?}");
    assert_eq!(
        team.communication("e-1")["agents"][0]["message"],
        "<script>alert(1)</script>",
        "agent text travels as data"
    );
    eventually("the observed change is in the team's history", || {
        std::fs::read_to_string(team.http.sessions_dir().join("e-1/.hub/history.jsonl"))
            .is_ok_and(|history| history.contains("\"by\":\"disk\""))
    })
    .await;

    // A person on the team's hub changes the session: the laptop's files take it.
    let (status, body) = team
        .status(
            "e-1",
            "agent-1",
            json!({"status": "blocked", "message": "needs a key"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let applied = eventually("the edge's file holds the team's write", || {
        edge.communication("e-1")["agents"][1]["status"] == "blocked"
    })
    .await;
    eprintln!("the team's write, in the edge's file after {applied:?}");
    eventually("the edge's index shows it", || {
        edge.shown("e-1", "agent-1") == Some(("blocked".into(), 1))
    })
    .await;
    assert_eq!(
        edge.communication("e-1")["agents"][0]["message"],
        "<script>alert(1)</script>",
        "the agent's write is kept"
    );

    // A question asked through the edge's own API is answered on the team's hub, once.
    let (status, asked) = edge
        .http
        .post_json(
            "/api/sessions/e-1/questions",
            json!({"agent_id": "agent-1", "question": "Which key?", "choices": ["prod", "test"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    let question = asked["question"]["id"].as_str().unwrap().to_owned();
    eventually("the team lists the edge's question", || {
        team.hub()
            .questions(None, true)
            .iter()
            .any(|q| q.question.id.as_str() == question)
    })
    .await;
    let answer = format!("/api/sessions/e-1/questions/{question}/answer");
    let (status, _) = team
        .http
        .post_json(&answer, json!({"answer": "test"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("the answer is in the edge's question file", || {
        edge.hub()
            .questions(None, false)
            .iter()
            .any(|q| q.question.id.as_str() == question && q.question.answer.is_some())
    })
    .await;
    let (status, _) = edge
        .http
        .post_json(&answer, json!({"answer": "prod"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "answered once, everywhere");

    // Archived by the team: the laptop's folder follows; restored on the laptop: so does
    // the team's.
    let (status, _) = team
        .http
        .post_json("/api/sessions/e-1/archive", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("the edge's folder is archived", || {
        edge_dir.join(".archive/e-1/communication.json").is_file() && !edge_dir.join("e-1").exists()
    })
    .await;
    let (status, _) = edge
        .http
        .post_json("/api/sessions/e-1/restore", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("the team shows it active again", || {
        team.hub()
            .list()
            .list
            .sessions
            .iter()
            .any(|s| s.id == "e-1")
    })
    .await;

    // Every event once on both sides.
    let history = |dir: &Path| {
        std::fs::read_to_string(dir.join("e-1/.hub/history.jsonl")).unwrap_or_default()
    };
    eventually("the histories match", || {
        history(&edge_dir) == history(&team.http.sessions_dir())
    })
    .await;
    let kinds: Vec<String> = history(&edge_dir)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|event| event["kind"].as_str().map(str::to_owned))
        .collect();
    for kind in [
        "archived",
        "restored",
        "question_asked",
        "question_answered",
    ] {
        assert_eq!(
            kinds.iter().filter(|k| *k == kind).count(),
            1,
            "{kind} once in {kinds:?}"
        );
    }

    // A folder removed on the laptop is deleted for the team.
    // (The hub may still be writing its mark there: `rm -rf` is retried, as a person would.)
    let mut tries = 0;
    while let Err(err) = std::fs::remove_dir_all(edge_dir.join("e-1")) {
        tries += 1;
        assert!(tries < 50, "cannot remove the folder: {err}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    eventually("the team no longer lists it", || {
        team.hub()
            .list()
            .list
            .sessions
            .iter()
            .all(|s| s.id != "e-1")
    })
    .await;
    assert_eq!(
        team.communication("t-1")["feature_name"],
        "Shared",
        "the team's own session was never touched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edge_that_restarts_sends_only_what_changed_and_takes_what_it_missed() {
    let _sharing = SERVER.read().await;
    let Some(url) = fresh_database("edge_restart") else {
        return;
    };
    let root = edge_root();
    session_with_agents(&root.path().join("sessions"), "e-1", 1);
    let mut edge = SharedHub::open_edge(&url, "laptop", root).await;
    let team = SharedHub::open(&url, |_| {}).await;
    assert_eq!(team.shown("e-1", "agent-0"), Some(("pending".into(), 0)));
    edge.stop().await;
    let before = newest_generation(&url);

    // Restarted with nothing changed: nothing is sent again.
    let root = edge.http.dir;
    let mut edge = SharedHub::open_edge(&url, "laptop", root).await;
    assert_eq!(newest_generation(&url), before, "a restart sends nothing");
    edge.stop().await;

    // While the laptop's hub is down the team writes, and an agent on the laptop writes
    // another file: both survive the next start.
    let (status, _) = team
        .status("e-1", "agent-0", json!({"status": "complete"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let root = edge.http.dir;
    std::fs::write(
        root.path().join("sessions/e-1/notes.md"),
        "# written offline\n",
    )
    .unwrap();
    let edge = SharedHub::open_edge(&url, "laptop", root).await;
    assert_eq!(edge.shown("e-1", "agent-0"), Some(("complete".into(), 1)));
    let notes = team.http.sessions_dir().join("e-1/notes.md");
    eventually("the team has the file written offline", || {
        std::fs::read_to_string(&notes).is_ok_and(|text| text == "# written offline\n")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edge_writes_on_while_the_database_is_down_and_publishes_when_it_is_back() {
    let _alone = SERVER.write().await;
    let Some(url) = fresh_database("edge_outage") else {
        return;
    };
    let root = edge_root();
    session_with_agents(&root.path().join("sessions"), "e-1", 2);
    let edge = SharedHub::open_edge(&url, "laptop", root).await;
    let team = SharedHub::open(&url, |_| {}).await;
    assert_eq!(team.shown("e-1", "agent-0"), Some(("pending".into(), 0)));

    tokio::task::spawn_blocking(|| pg_ctl("stop"))
        .await
        .unwrap();
    // The folder is the store of record: the edge's own API and its agents go on.
    let started = std::time::Instant::now();
    let (status, body) = edge
        .status("e-1", "agent-0", json!({"status": "complete"}))
        .await;
    let offline_write = started.elapsed();
    agent_writes(&edge.http.sessions_dir().join("e-1"), |value| {
        value["agents"][1]["status"] = json!("in_progress");
    });
    tokio::task::spawn_blocking(|| pg_ctl("start"))
        .await
        .unwrap();
    eprintln!("an edge's write with the database down took {offline_write:?}");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(edge.shown("e-1", "agent-0"), Some(("complete".into(), 1)));
    assert!(
        offline_write < std::time::Duration::from_secs(5),
        "a write while the database is down waits a bounded time: {offline_write:?}"
    );
    eventually("the team has both writes once the database is back", || {
        team.shown("e-1", "agent-0") == Some(("complete".into(), 1))
            && team.shown("e-1", "agent-1") == Some(("in_progress".into(), 1))
    })
    .await;
}
