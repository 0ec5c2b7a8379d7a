//! The agent's side end to end: real `hub` processes for the agents, on the local folder and
//! against a running hub (a real server process), answered through the API as a person would.

use crate::store::write_session;
use crate::support::TestHub;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const ROSTER: &str = r#"{"feature_name": "Loop", "agents": [
    {"agent_id": "agent-1", "status": "in_progress"},
    {"agent_id": "agent-2", "status": "not_started", "depends_on": ["agent-1"]},
    {"agent_id": "agent-3", "status": "in_progress"}]}"#;

/// `hub <args>` on `sessions`, optionally against `url`.
fn hub_command(sessions: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hub"));
    command
        .args(args)
        .arg("--sessions-dir")
        .arg(sessions)
        .env_remove("HUB_URL")
        .env_remove("HUB_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = url {
        command.args(["--hub-url", url]);
    }
    command
}

fn run(sessions: &Path, url: Option<&str>, args: &[&str]) -> Output {
    hub_command(sessions, url, args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_owned()
}

/// A `hub serve` process on a free port, killed when dropped.
struct RunningHub {
    child: Child,
    url: String,
}

impl RunningHub {
    fn start(sessions: &Path, port: u16) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_hub"))
            .args(["--addr", &format!("127.0.0.1:{port}"), "--sessions-dir"])
            .arg(sessions)
            .env_remove("HUB_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let hub = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{}/healthz", hub.url)).call().is_err() {
            assert!(Instant::now() < deadline, "the hub did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        hub
    }

    fn until_agent_is(&self, agent: &str, status: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let detail: Value = ureq::get(&format!("{}/api/sessions?id=s", self.url))
                .call()
                .unwrap()
                .body_mut()
                .read_json()
                .unwrap();
            let agents = detail["session"]["agents"].as_array().unwrap().clone();
            if agents
                .iter()
                .any(|a| a["agent_id"] == agent && a["status"] == status)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the hub never saw {agent} {status}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn answer(&self, session: &str, question: &str, answer: &str) -> u16 {
        ureq::post(&format!(
            "{}/api/sessions/{session}/questions/{question}/answer",
            self.url
        ))
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(json!({"answer": answer}))
        .unwrap()
        .status()
        .as_u16()
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The one question file of session `s`, once it exists.
fn wait_for_question(sessions: &Path) -> String {
    let folder = sessions.join("s/questions");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(entries) = std::fs::read_dir(&folder) {
            let names: Vec<String> = entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".json"))
                .collect();
            if let [name] = names.as_slice() {
                return name.trim_end_matches(".json").to_owned();
            }
        }
        assert!(Instant::now() < deadline, "no question was asked");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn statuses(sessions: &Path) -> Vec<String> {
    let file: Value =
        serde_json::from_slice(&std::fs::read(sessions.join("s/communication.json")).unwrap())
            .unwrap();
    file["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap().to_owned())
        .collect()
}

/// agent-2 waits for agent-1, agent-3 asks a question a person answers, and all three end
/// complete; every agent is a separate `hub` process.
fn agent_loop(sessions: &Path, url: Option<&str>, answer: impl Fn(&str) -> u16) {
    let waiter = hub_command(
        sessions,
        url,
        &["wait", "s", "--deps-of", "agent-2", "--timeout", "60s"],
    )
    .spawn()
    .unwrap();
    let asker = hub_command(
        sessions,
        url,
        &[
            "ask",
            "s",
            "agent-3",
            "Ship it?",
            "--choice",
            "yes",
            "--choice",
            "no",
            "--timeout",
            "60s",
        ],
    )
    .spawn()
    .unwrap();

    let question = wait_for_question(sessions);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(answer(&question), 200);
    let asked = asker.wait_with_output().unwrap();
    assert!(asked.status.success(), "ask: {}", text(&asked.stderr));
    assert_eq!(text(&asked.stdout), "yes");

    let set = run(
        sessions,
        url,
        &[
            "status",
            "set",
            "s",
            "agent-1",
            "complete",
            "--message",
            "API done",
        ],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));
    let waited = waiter.wait_with_output().unwrap();
    assert!(waited.status.success(), "wait: {}", text(&waited.stderr));
    assert_eq!(text(&waited.stdout), "complete: agent-1");

    for agent in ["agent-2", "agent-3"] {
        let set = run(sessions, url, &["status", "set", "s", agent, "complete"]);
        assert!(set.status.success(), "{}", text(&set.stderr));
    }
    assert_eq!(statuses(sessions), ["complete"; 3]);
    let got = run(sessions, url, &["status", "get", "s", "agent-1", "--json"]);
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(got["agents"][0]["status_message"], "API done");

    // Usage: reports add up; a report of nothing is a usage error and changes nothing.
    let added = run(
        sessions,
        url,
        &[
            "usage",
            "add",
            "s",
            "agent-1",
            "--input-tokens",
            "12000",
            "--cost-usd",
            "0.25",
        ],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert_eq!(
        text(&added.stdout),
        "agent-1: added 12,000 in · 0 out · $0.25; total 12,000 in · 0 out · $0.25"
    );
    let added = run(
        sessions,
        url,
        &[
            "usage",
            "add",
            "s",
            "agent-1",
            "--output-tokens",
            "900",
            "--cost-usd",
            "0.5",
            "--json",
        ],
    );
    let added: Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(
        added["total"],
        json!({"input_tokens": 12000, "output_tokens": 900, "cost_usd": 0.75})
    );
    let nothing = run(sessions, url, &["usage", "add", "s", "agent-1"]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        text(&nothing.stderr).contains("input_tokens, output_tokens or cost_usd"),
        "{}",
        text(&nothing.stderr)
    );

    // The history says each of it happened once, and through the command line.
    let history = std::fs::read_to_string(sessions.join("s/.hub/history.jsonl")).unwrap();
    let by_agent_1: Vec<String> = history
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|e| e["agent"] == "agent-1")
        .map(|e| format!("{} {} {}", e["kind"], e["to"], e["by"]).replace('"', ""))
        .collect();
    assert_eq!(
        by_agent_1,
        [
            "status in_progress disk", // as the hub first saw it, once
            "status complete cli",
            "usage null cli",
            "usage null cli"
        ],
        "{history}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_loop_on_the_local_folder() {
    let hub = TestHub::new();
    let sessions = hub.sessions_dir();
    write_session(&sessions, "s", ROSTER);
    hub.refresh();
    let handle = tokio::runtime::Handle::current();
    let answer = |question: &str| {
        let uri = format!("/api/sessions/s/questions/{question}/answer");
        let (status, _) = handle.block_on(hub.post_json(&uri, json!({"answer": "yes"})));
        status.as_u16()
    };
    tokio::task::block_in_place(|| agent_loop(&sessions, None, answer));
}

#[test]
fn the_agent_loop_against_a_running_hub() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().to_path_buf();
    write_session(&sessions, "s", ROSTER);
    let server = RunningHub::start(&sessions, free_port());
    agent_loop(&sessions, Some(&server.url), |q| {
        server.answer("s", q, "yes")
    });
}

#[test]
fn exit_codes_say_blocked_timeout_unknown_and_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let sessions: PathBuf = dir.path().to_path_buf();
    write_session(&sessions, "s", ROSTER);
    let server = RunningHub::start(&sessions, free_port());
    for url in [None, Some(server.url.as_str())] {
        let code = |args: &[&str]| run(&sessions, url, args).status.code().unwrap();
        assert_eq!(
            code(&["wait", "s", "agent-1", "--timeout", "300ms"]),
            4,
            "{url:?}"
        );
        assert_eq!(code(&["wait", "s", "agent-9"]), 2, "{url:?}");
        assert_eq!(code(&["wait", "nope", "agent-1"]), 2, "{url:?}");
        assert_eq!(
            code(&["status", "set", "s", "agent-1", "done"]),
            2,
            "{url:?}"
        );
        assert_eq!(
            code(&[
                "status",
                "set",
                "s",
                "agent-1",
                "in_progress",
                "--expected-version",
                "999"
            ]),
            5,
            "{url:?}"
        );
        assert_eq!(code(&["answer", "s", "q-none"]), 2, "{url:?}");
        assert_eq!(code(&["ask", "s", "agent-1", "  "]), 2, "{url:?}");
        assert_eq!(code(&["wait", "s"]), 2, "usage: {url:?}");

        let asked = run(
            &sessions,
            url,
            &["ask", "s", "agent-1", "Later?", "--no-wait"],
        );
        assert!(asked.status.success());
        let id = text(&asked.stdout);
        assert_eq!(code(&["answer", "s", &id]), 4, "no answer yet: {url:?}");
        assert_eq!(
            code(&["answer", "s", &id, "--wait", "--timeout", "300ms"]),
            4
        );
        assert_eq!(server.answer("s", &id, "now"), 200);
        let answered = run(&sessions, url, &["answer", "s", &id]);
        assert_eq!(text(&answered.stdout), "now");
        assert_eq!(server.answer("s", &id, "again"), 409);

        let blocked = run(
            &sessions,
            url,
            &[
                "status",
                "set",
                "s",
                "agent-1",
                "blocked",
                "--message",
                "no creds",
            ],
        );
        assert!(blocked.status.success());
        let waited = run(&sessions, url, &["wait", "s", "--deps-of", "agent-2"]);
        assert_eq!(waited.status.code(), Some(3), "{url:?}");
        assert!(
            text(&waited.stderr).contains("agent-1 is blocked: no creds"),
            "{}",
            text(&waited.stderr)
        );
        run(
            &sessions,
            url,
            &["status", "set", "s", "agent-1", "in_progress"],
        );
        // A local write reaches the running hub through its watcher: let it see this one.
        server.until_agent_is("agent-1", "in_progress");
    }
}

#[test]
fn a_waiting_agent_gets_its_answer_across_a_hub_restart() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().to_path_buf();
    write_session(&sessions, "s", ROSTER);
    let port = free_port();
    let server = RunningHub::start(&sessions, port);
    let url = server.url.clone();
    let asker = hub_command(
        &sessions,
        Some(&url),
        &["ask", "s", "agent-3", "Still there?", "--timeout", "60s"],
    )
    .spawn()
    .unwrap();
    let waiter = hub_command(
        &sessions,
        Some(&url),
        &["wait", "s", "agent-1", "--timeout", "60s"],
    )
    .spawn()
    .unwrap();
    let question = wait_for_question(&sessions);
    std::thread::sleep(Duration::from_millis(300));
    drop(server);
    std::thread::sleep(Duration::from_millis(500));
    let server = RunningHub::start(&sessions, port);
    assert_eq!(server.answer("s", &question, "yes"), 200);
    let set = run(
        &sessions,
        Some(&url),
        &["status", "set", "s", "agent-1", "complete"],
    );
    assert!(set.status.success());
    let asked = asker.wait_with_output().unwrap();
    assert!(asked.status.success(), "{}", text(&asked.stderr));
    assert_eq!(text(&asked.stdout), "yes");
    let waited = waiter.wait_with_output().unwrap();
    assert!(waited.status.success(), "{}", text(&waited.stderr));
}

/// `hub archive`, `hub restore`, `hub delete` on the folder and against a running hub: each
/// shows in the running hub (its watcher sees the local moves), and a delete asks first.
#[test]
fn people_archive_restore_and_delete_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    write_session(&sessions, "s", ROSTER);
    let hub = RunningHub::start(&sessions, free_port());
    let archived = |hub: &RunningHub| -> Option<bool> {
        let mut response = ureq::get(&format!("{}/api/sessions?id=s", hub.url))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap();
        if response.status() == 404 {
            return None;
        }
        let detail: Value = response.body_mut().read_json().unwrap();
        detail["session"]["archived"].as_bool()
    };
    let until = |hub: &RunningHub, wanted: Option<bool>| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while archived(hub) != wanted {
            assert!(Instant::now() < deadline, "the hub never showed {wanted:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };

    let done = run(&sessions, None, &["archive", "s"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert_eq!(text(&done.stdout), "Session s archived.");
    until(&hub, Some(true));

    let again = run(&sessions, Some(&hub.url), &["archive", "s"]);
    assert_eq!(
        again.status.code(),
        Some(5),
        "a conflict: {}",
        text(&again.stderr)
    );
    assert!(text(&again.stderr).contains("archived already"));

    let done = run(&sessions, Some(&hub.url), &["restore", "s", "--json"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let moved: Value = serde_json::from_str(&text(&done.stdout)).unwrap();
    assert_eq!(moved["action"], "restore");
    until(&hub, Some(false));

    let active = run(&sessions, None, &["delete", "s", "--yes"]);
    assert_eq!(active.status.code(), Some(5), "{}", text(&active.stderr));
    assert!(text(&active.stderr).contains("archive it first"));

    run(&sessions, Some(&hub.url), &["archive", "s"]);
    // Not a terminal: no one to type the id, so it refuses and deletes nothing.
    let unconfirmed = run(&sessions, None, &["delete", "s"]);
    assert_eq!(unconfirmed.status.code(), Some(2));
    assert!(text(&unconfirmed.stderr).contains("--yes"));
    until(&hub, Some(true));

    let done = run(&sessions, None, &["delete", "s", "--yes"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    until(&hub, None);
    assert!(!sessions.join(".archive/s").exists());
}
