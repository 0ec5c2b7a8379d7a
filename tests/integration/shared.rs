//! Several hubs on one PostgreSQL (`--store postgres://…`): they behave as one hub. Each test
//! gets a database of its own on the throw-away server `scripts/hub test` starts
//! (`HUB_TEST_DATABASE_URL`); without one these tests say so and pass, unless
//! `HUB_REQUIRE_POSTGRES` is set (as `scripts/hub test` sets it), when they fail.

use crate::support::TestHub;
use axum::http::StatusCode;
use serde_json::{json, Value};
use sessions_hub::service::{Background, Config, Hub};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Held (shared) by every test here while it uses the server; the test that restarts the
/// server holds it alone.
pub(crate) static SERVER: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// A database of its own for one test, or `None` when no test server runs.
pub(crate) fn fresh_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("HUB_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("HUB_REQUIRE_POSTGRES").is_none(),
            "HUB_REQUIRE_POSTGRES is set, HUB_TEST_DATABASE_URL is not: no PostgreSQL to test on"
        );
        eprintln!("skipped: no HUB_TEST_DATABASE_URL (scripts/hub test starts a PostgreSQL)");
        return None;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let database = format!("hub_{name}_{}_{nanos}", std::process::id());
    let create = format!("CREATE DATABASE {database}");
    // The blocking client runs a runtime of its own: not on a test's async thread.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
                client.batch_execute(&create).unwrap();
            })
            .join()
            .unwrap()
    });
    let (server, _) = admin.rsplit_once('/').unwrap();
    Some(format!("{server}/{database}"))
}

/// One hub on the shared store, with its replica in a folder of its own and its follower
/// running, reached through its whole router.
pub(crate) struct SharedHub {
    pub(crate) http: TestHub,
    shutdown: watch::Sender<bool>,
    background: Option<Background>,
}

impl SharedHub {
    /// Opens a hub on `url`; `before` may put sessions in its folder first.
    pub(crate) async fn open(url: &str, before: impl FnOnce(&Path)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sessions")).unwrap();
        before(&dir.path().join("sessions"));
        Self::open_in(url, dir).await
    }

    /// Opens a hub on `url` with its replica in `dir`'s `sessions` folder.
    pub(crate) async fn open_in(url: &str, dir: tempfile::TempDir) -> Self {
        let mut config = Config::for_sessions_dir(dir.path().join("sessions"));
        config.store = Some(url.to_owned());
        Self::open_with(config, dir).await
    }

    /// Opens an edge hub (`--publish-to url`, named `name`) on `dir`'s `sessions` folder.
    pub(crate) async fn open_edge(url: &str, name: &str, dir: tempfile::TempDir) -> Self {
        let mut config = Config::for_sessions_dir(dir.path().join("sessions"));
        config.publish_to = Some(url.to_owned());
        config.edge_name = Some(name.to_owned());
        Self::open_with(config, dir).await
    }

    async fn open_with(config: Config, dir: tempfile::TempDir) -> Self {
        let hub = Hub::open(config).await.unwrap();
        let (shutdown, stopped) = watch::channel(false);
        let background = hub.run_in_background(stopped, false);
        Self {
            http: TestHub::over(dir, hub),
            shutdown,
            background: Some(background),
        }
    }

    pub(crate) fn hub(&self) -> &Hub {
        &self.http.state.hub
    }

    /// Stops following the store, as a hub that was killed would.
    pub(crate) async fn stop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(background) = self.background.take() {
            background.stop().await;
        }
    }

    pub(crate) async fn status(
        &self,
        session: &str,
        agent: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.http
            .post_json(
                &format!("/api/sessions/{session}/agents/{agent}/status"),
                body,
            )
            .await
    }

    /// The agent's status and the session's version, as this hub's index holds them.
    pub(crate) fn shown(&self, session: &str, agent: &str) -> Option<(String, u64)> {
        let file = self
            .hub()
            .store()
            .communication(&crate::support::sid(session))
            .ok()?;
        let record = file.agents.iter().find(|a| a.agent_id == agent)?;
        Some((record.status().as_str().to_owned(), file.version()))
    }

    /// The replica's parsed `communication.json` of `session`.
    pub(crate) fn communication(&self, session: &str) -> Value {
        let path = self
            .http
            .sessions_dir()
            .join(session)
            .join("communication.json");
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }
}

/// Waits (at most 10 s: a change shows within the follower's 2 s catch-up at worst) until
/// `done` holds; answers how long that took.
pub(crate) async fn eventually(what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(10), "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

pub(crate) fn session_with_agents(dir: &Path, id: &str, agents: usize) {
    let agents: Vec<Value> = (0..agents)
        .map(|n| json!({"agent_id": format!("agent-{n}"), "status": "pending", "notes": "kept"}))
        .collect();
    let communication = json!({
        "feature_name": "Shared",
        "custom": {"keep": true},
        "agents": agents,
    });
    crate::store::write_session(dir, id, &communication.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hubs_on_one_database_behave_as_one() {
    let _sharing = SERVER.read().await;
    let Some(url) = fresh_database("two_hubs") else {
        return;
    };
    // A folder that was a plain sessions folder: its session is published when A opens.
    let a = SharedHub::open(&url, |dir| session_with_agents(dir, "s-1", 2)).await;
    let b = SharedHub::open(&url, |_| {}).await;
    assert_eq!(b.shown("s-1", "agent-0"), Some(("pending".into(), 0)));
    assert_eq!(
        b.communication("s-1")["custom"]["keep"],
        true,
        "unknown fields kept"
    );
    assert_eq!(b.communication("s-1")["agents"][0]["notes"], "kept");

    let (status, _) = a
        .status("s-1", "agent-0", json!({"status": "in_progress"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("B shows A's write", || {
        b.shown("s-1", "agent-0") == Some(("in_progress".into(), 1))
    })
    .await;

    let (status, _) = b
        .status(
            "s-1",
            "agent-1",
            json!({"status": "blocked", "expected_version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("A shows B's write", || {
        a.shown("s-1", "agent-1") == Some(("blocked".into(), 2))
    })
    .await;
    // A version check holds across hubs: A's client saw version 1, B wrote since.
    let (status, body) = a
        .status(
            "s-1",
            "agent-0",
            json!({"status": "complete", "expected_version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // A question asked through B is answered through A, once.
    let (status, asked) = b
        .http
        .post_json(
            "/api/sessions/s-1/questions",
            json!({"agent_id": "agent-1", "question": "Which <b>schema</b>?", "choices": ["v1", "v2"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    let question = asked["question"]["id"].as_str().unwrap().to_owned();
    eventually("A lists B's question", || {
        a.hub()
            .questions(None, true)
            .iter()
            .any(|q| q.question.id.as_str() == question)
    })
    .await;
    let answer = format!("/api/sessions/s-1/questions/{question}/answer");
    let (status, _) = a.http.post_json(&answer, json!({"answer": "v2"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = b.http.post_json(&answer, json!({"answer": "v1"})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the first answer stands on every hub"
    );

    // Archived through A, restored through B.
    let (status, _) = a
        .http
        .post_json("/api/sessions/s-1/archive", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("B shows it archived", || {
        b.hub()
            .archived_list()
            .sessions
            .iter()
            .any(|s| s.id == "s-1")
    })
    .await;
    let (status, _) = b
        .http
        .post_json("/api/sessions/s-1/restore", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("A shows it active again", || {
        a.hub().list().list.sessions.iter().any(|s| s.id == "s-1")
    })
    .await;

    // Both replicas hold one history, each event once, with who made it.
    let history = |hub: &SharedHub| {
        std::fs::read_to_string(hub.http.sessions_dir().join("s-1/.hub/history.jsonl"))
            .unwrap_or_default()
    };
    eventually("the histories match", || history(&a) == history(&b)).await;
    let events: Vec<Value> = history(&a)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "archived").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "restored").count(),
        1,
        "{kinds:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_through_two_hubs_lose_nothing() {
    let _sharing = SERVER.read().await;
    let Some(url) = fresh_database("eight_writers") else {
        return;
    };
    const WRITERS: usize = 8;
    const UPDATES: u64 = 125;
    let a = SharedHub::open(&url, |dir| session_with_agents(dir, "busy", WRITERS)).await;
    let b = SharedHub::open(&url, |_| {}).await;
    let hubs = [a.hub().clone(), b.hub().clone()];
    let writers = (0..WRITERS).map(|n| {
        // Half the writers go through each hub; every update adds one token.
        let hub = hubs[n % 2].clone();
        tokio::spawn(async move {
            for _ in 0..UPDATES {
                let report: sessions_hub::domain::usage::UsageReport =
                    serde_json::from_value(json!({"input_tokens": 1})).unwrap();
                hub.add_usage(
                    crate::support::sid("busy"),
                    crate::support::aid(&format!("agent-{n}")),
                    report,
                    sessions_hub::domain::history::Actor::Api,
                )
                .await
                .unwrap();
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let total = WRITERS as u64 * UPDATES;
    for hub in [&a, &b] {
        eventually("both replicas hold every update", || {
            hub.shown("busy", "agent-0")
                .is_some_and(|(_, version)| version == total)
        })
        .await;
        let communication = hub.communication("busy");
        for n in 0..WRITERS {
            assert_eq!(
                communication["agents"][n]["usage"]["input_tokens"], UPDATES,
                "agent-{n}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_created_on_one_hub_is_whole_on_the_other_and_ids_stay_unique() {
    let _sharing = SERVER.read().await;
    let Some(url) = fresh_database("create") else {
        return;
    };
    let a = SharedHub::open(&url, |_| {}).await;
    let b = SharedHub::open(&url, |_| {}).await;
    let request = json!({
        "stub": {"id": "TEAM-1", "feature_name": "Shared create", "description": "Two hubs, one database"},
        "instructions": [{"id": "b1", "type": "task", "content": "Write it once."}],
        "attachments": [{"id": "a1", "name": "notes.md", "content": "Seen on every hub."}],
        "agents": [
            {"agent_id": "agent-1", "role": "Backend", "instructions": ["b1"], "attachments": ["a1"], "depends_on": []},
            {"agent_id": "agent-2", "role": "Tests", "instructions": [], "attachments": [], "depends_on": ["agent-1"]}
        ]
    });
    let (status, created) = a.http.post_json("/api/sessions/create", request).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["sessionId"].as_str().unwrap().to_owned();
    eventually("B lists the new session", || {
        b.hub().list().list.sessions.iter().any(|s| s.id == id)
    })
    .await;
    // Every file of the package, byte for byte but communication.json (a JSON document there).
    let files = |hub: &SharedHub| {
        let folder = hub.http.sessions_dir().join(&id);
        let mut names: Vec<String> = walkdir(&folder);
        names.sort();
        names
    };
    assert_eq!(files(&a), files(&b));
    assert_eq!(a.communication(&id), b.communication(&id));
}

/// Relative paths of the files under `folder`, hub-local files left out.
fn walkdir(folder: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![folder.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".hub.")
                || name.starts_with(".~hub-")
                || name == "communication.json"
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().display().to_string();
                let bytes = std::fs::read(&path).unwrap();
                found.push(format!("{relative} {}", bytes.len()));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_that_stops_leaves_the_other_serving_everything() {
    let _sharing = SERVER.read().await;
    let Some(url) = fresh_database("failover") else {
        return;
    };
    let mut a = SharedHub::open(&url, |dir| session_with_agents(dir, "s-1", 1)).await;
    let b = SharedHub::open(&url, |_| {}).await;
    a.stop().await;
    let (status, _) = b
        .status("s-1", "agent-0", json!({"status": "complete"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // A comes back on its folder (a restart): it catches up on what it missed.
    let again = SharedHub::open_in(&url, a.http.dir).await;
    assert_eq!(again.shown("s-1", "agent-0"), Some(("complete".into(), 1)));
}

/// Restarts the test server (`scripts/test-postgres` said where it is), as its owner.
fn restart_database() {
    pg_ctl("restart");
}

/// Runs `pg_ctl <action>` (`stop`, `start`, `restart`) on the test server, as its owner.
pub(crate) fn pg_ctl(action: &str) {
    let data =
        std::env::var("HUB_TEST_PGDATA").expect("HUB_TEST_PGDATA from scripts/test-postgres");
    let bin = std::env::var("HUB_TEST_PG_BIN").expect("HUB_TEST_PG_BIN from scripts/test-postgres");
    let pg_ctl = format!("{bin}/pg_ctl");
    let cluster = format!("{data}/cluster");
    let log = format!("{data}/server.log");
    let args = ["-D", &cluster, "-l", &log, "-m", "fast", "-w", action];
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout;
    let mut command = if String::from_utf8_lossy(&uid).trim() == "0" {
        let mut command = std::process::Command::new("runuser");
        command.args(["-u", "postgres", "--", pg_ctl.as_str()]);
        command
    } else {
        std::process::Command::new(&pg_ctl)
    };
    let status = command
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctl {action} failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hubs_reconnect_and_converge_after_the_database_restarts_under_load() {
    let _alone = SERVER.write().await;
    let Some(url) = fresh_database("restart") else {
        return;
    };
    let a = SharedHub::open(&url, |dir| session_with_agents(dir, "busy", 2)).await;
    let b = SharedHub::open(&url, |_| {}).await;
    const UPDATES: u64 = 60;
    let writers = [a.hub().clone(), b.hub().clone()]
        .into_iter()
        .enumerate()
        .map(|(n, hub)| {
            tokio::spawn(async move {
                // Writes fail while the database is down; the writer tries again, as an
                // agent's CLI would.
                let mut written = 0;
                while written < UPDATES {
                    let report: sessions_hub::domain::usage::UsageReport =
                        serde_json::from_value(json!({"input_tokens": 1})).unwrap();
                    let added = hub
                        .add_usage(
                            crate::support::sid("busy"),
                            crate::support::aid(&format!("agent-{n}")),
                            report,
                            sessions_hub::domain::history::Actor::Api,
                        )
                        .await;
                    match added {
                        Ok(_) => written += 1,
                        Err(err) => {
                            assert!(err.is_internal(), "{err}");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
            })
        })
        .collect::<Vec<_>>();
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::spawn_blocking(restart_database).await.unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    for hub in [&a, &b] {
        eventually("both replicas hold every update after the restart", || {
            hub.shown("busy", "agent-0")
                .is_some_and(|(_, version)| version == 2 * UPDATES)
        })
        .await;
        let communication = hub.communication("busy");
        for n in 0..2 {
            assert_eq!(communication["agents"][n]["usage"]["input_tokens"], UPDATES);
        }
    }
    // The followers listen again: a write now reaches the other hub by notification.
    let (status, _) = a
        .status("busy", "agent-0", json!({"status": "complete"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    eventually("B sees a write after the restart", || {
        b.shown("busy", "agent-0")
            .is_some_and(|(status, _)| status == "complete")
    })
    .await;
}

#[tokio::test]
async fn a_store_that_cannot_be_reached_is_a_clear_error_at_start() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_sessions_dir(dir.path().join("sessions"));
    config.store = Some(format!("postgres://hub:secret@127.0.0.1:{port}/hub"));
    let err = Hub::open(config)
        .await
        .err()
        .expect("no hub without its store");
    assert!(
        err.contains("cannot connect to postgres://hub@127.0.0.1"),
        "{err}"
    );
    assert!(
        !err.contains("secret"),
        "the password stays out of messages: {err}"
    );
}
