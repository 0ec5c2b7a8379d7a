use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use sessions_hub::server::leptos_options;
use sessions_hub::server::{build_router, AppState};
use sessions_hub::service::{Config, Hub};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use tower::ServiceExt;

/// A hub over a fresh temporary sessions directory.
pub struct TestHub {
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub router: axum::Router,
}

impl TestHub {
    pub fn new() -> Self {
        Self::with_config(|_| {})
    }

    /// A hub whose configuration `adjust` changed first.
    pub fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sessions = dir.path().join("sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        let mut config = Config::for_sessions_dir(sessions);
        adjust(&mut config);
        Self::over(dir, Hub::new(config))
    }

    /// The router over `hub`, which keeps its sessions under `dir`.
    pub fn over(dir: tempfile::TempDir, hub: Hub) -> Self {
        let state = AppState::new(leptos_options().unwrap(), hub);
        Self {
            dir,
            router: build_router(state.clone()),
            state,
        }
    }

    pub fn sessions_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("sessions")
    }

    /// What the reconcile loop (and later the watcher) does in the running server.
    pub fn refresh(&self) {
        self.state.hub.store().refresh().unwrap();
    }

    pub async fn get(&self, uri: &str) -> Response<Body> {
        let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// POSTs `body` as JSON; the status and the answer, parsed.
    pub async fn post_json(
        &self,
        uri: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = self.send(request).await;
        let status = response.status();
        let text = body_text(response).await;
        let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    }

    /// GETs `uri`; the status and the answer, parsed.
    pub async fn get_json(&self, uri: &str) -> (StatusCode, serde_json::Value) {
        let (status, text) = self.get_text(uri).await;
        let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    }

    pub async fn get_text(&self, uri: &str) -> (StatusCode, String) {
        let response = self.get(uri).await;
        let status = response.status();
        (status, body_text(response).await)
    }
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Kills the child however the parent leaves the iteration (a failed assertion included).
/// Used by the crash tests (a killed writer, a killed create).
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// xorshift64*: kill delays without a dependency; the seed is printed to replay a run.
pub struct Delays(pub u64);

impl Delays {
    pub fn next_ms(&mut self, max: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (max + 1)
    }
}

impl Delays {
    /// Seeded from the variable `seed_var` to replay a run, else from the clock; returns the
    /// seed too, to be printed.
    pub fn from_env(seed_var: &str) -> (Self, u64) {
        let seed = std::env::var(seed_var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        (Self(seed), seed)
    }
}

/// The arguments that run the ignored child-process test `test` of this binary alone.
pub fn child_args(test: &str) -> [&str; 5] {
    [
        "--ignored",
        "--exact",
        test,
        "--nocapture",
        "--test-threads=1",
    ]
}

/// What the parent of a child-process test passed in `var`. A child test started on its own
/// (say by `cargo test -- --ignored`) fails here, saying what it is.
pub fn from_parent(var: &str) -> std::path::PathBuf {
    std::env::var_os(var)
        .unwrap_or_else(|| panic!("a child process of another test, which sets {var}; not a test"))
        .into()
}

/// Re-runs this test binary for the child-process test `test` alone, with `envs`; once the
/// child prints `READY`, lets it run `delay_ms` and SIGKILLs it. Returns the lines it printed
/// after `READY`.
pub fn kill_child_after(test: &str, envs: &[(&str, &Path)], delay_ms: u64) -> Vec<String> {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(child_args(test))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut child = Killed(command.spawn().unwrap());
    let (ready_tx, ready_rx) = mpsc::channel();
    let stdout = child.0.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        for line in lines.by_ref() {
            if line.trim_end().ends_with("READY") {
                let _ = ready_tx.send(());
                break;
            }
        }
        lines.collect::<Vec<_>>()
    });
    ready_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the child never reported ready");
    std::thread::sleep(Duration::from_millis(delay_ms));
    drop(child); // SIGKILL, then wait: the pipe closes and the reader ends.
    reader.join().unwrap()
}

/// A session id a test knows is valid.
pub fn sid(raw: &str) -> sessions_hub::domain::ids::SessionId {
    sessions_hub::domain::ids::SessionId::parse(raw).unwrap()
}

pub fn aid(raw: &str) -> sessions_hub::domain::ids::AgentId {
    sessions_hub::domain::ids::AgentId::new(raw)
}

/// The ids of a list answer (`GET /api/sessions`), in its order.
pub fn list_ids(list: &serde_json::Value) -> Vec<&str> {
    list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

/// One status write as a hub makes it (lock, version, atomic replace, history), with this test
/// process's own history log.
pub fn set_agent_status(
    sessions_dir: &std::path::Path,
    id: &sessions_hub::domain::ids::SessionId,
    agent: &sessions_hub::domain::ids::AgentId,
    status: &str,
    expected_version: Option<u64>,
) -> Result<sessions_hub::domain::monitor::StatusUpdate, sessions_hub::domain::HubError> {
    static HISTORY: std::sync::LazyLock<sessions_hub::store::history::HistoryLog> =
        std::sync::LazyLock::new(Default::default);
    let change = sessions_hub::domain::monitor::StatusChange {
        expected_version,
        ..sessions_hub::domain::monitor::StatusChange::to(status)
    };
    sessions_hub::store::write::change_agent_status(
        sessions_dir,
        &HISTORY,
        id,
        agent,
        &change,
        sessions_hub::domain::history::Actor::Cli,
    )
}
