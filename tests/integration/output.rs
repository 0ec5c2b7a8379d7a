//! Output files: hostile paths (a corpus and 10,000 random ones), hostile content (XSS) and
//! huge or pathological files, all against real folders and the real store.

mod html_check;
mod huge;
mod paths;
mod previews;
mod random_paths;
mod xss;

use crate::store::write_session;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

pub const SESSION: &str = "farm-1767000000000";
/// Written into every file outside the session folder; it must never come back.
pub const CANARY: &str = "CANARY-3b9f1c-outside-the-session-folder";
pub const SHARED: &str = "# Shared output\n\nFrom an allowed root.\n";

/// Files inside the session folder and their content.
pub const INSIDE: &[(&str, &str)] = &[
    ("out/report.md", "# Inside report\n\nAll good.\n"),
    ("notes.txt", "inside notes"),
    ("out/data.json", "{\"inside\": true}"),
    ("%2e%2e/literal.txt", "a folder literally named %2e%2e"),
];

/// A sessions directory with one session full of traps, canaries around it and an allowed
/// root beside it.
pub struct Farm {
    /// Removes everything when the test ends.
    _tmp: tempfile::TempDir,
    pub sessions: PathBuf,
    pub session: PathBuf,
    pub outside: PathBuf,
    pub allowed: PathBuf,
}

impl Farm {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let sessions = root.join("sessions");
        let session = sessions.join(SESSION);
        let outside = root.join("outside");
        let allowed = root.join("allowed");

        for dir in [&session, &outside.join("nested"), &allowed] {
            fs::create_dir_all(dir).unwrap();
        }
        fs::write(outside.join("secret.txt"), CANARY).unwrap();
        fs::write(outside.join("nested/deep.md"), CANARY).unwrap();
        fs::write(sessions.join("canary.txt"), CANARY).unwrap();
        write_session(&sessions, "other-session", "{\"agents\": []}");
        fs::write(sessions.join("other-session/secret.md"), CANARY).unwrap();
        fs::write(allowed.join("shared.md"), SHARED).unwrap();
        symlink("../outside/secret.txt", allowed.join("escape")).unwrap();

        write_session(&sessions, SESSION, "{\"agents\": []}");
        for (path, content) in INSIDE {
            let path = session.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        }
        fs::create_dir_all(session.join("sub")).unwrap();

        let links: &[(&str, PathBuf)] = &[
            ("link-inside.md", "out/report.md".into()),
            ("link-dir-inside", "out".into()),
            ("link-etc", "/etc".into()),
            ("link-outside", "../../outside/secret.txt".into()),
            ("link-abs-outside", outside.join("secret.txt")),
            ("chain1", "chain2".into()),
            ("chain2", "out/chain3".into()),
            ("out/chain3", "../../../outside/secret.txt".into()),
            ("dirlink", "out".into()),
            ("outlink", outside.clone()),
            ("up", "out/../..".into()),
            ("link-proc", "/proc/self/mem".into()),
            ("link-dev", "/dev/zero".into()),
            ("loop1", "loop2".into()),
            ("loop2", "loop1".into()),
            ("dangling-outside", outside.join("nope.txt")),
            ("link-sibling", "../other-session/secret.md".into()),
            ("link-sessions", "..".into()),
            ("link-root", "/".into()),
            ("link-allowed", allowed.join("shared.md")),
            ("out/inner-up", "../../../outside/secret.txt".into()),
            ("link-fifo", "fifo".into()),
            ("link-sub", "sub".into()),
        ];
        for (name, target) in links {
            symlink(target, session.join(name)).unwrap();
        }
        let status = std::process::Command::new("mkfifo")
            .arg(session.join("fifo"))
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo");
        // The socket file stays after the listener is dropped.
        drop(std::os::unix::net::UnixListener::bind(session.join("socket")).unwrap());

        Self {
            _tmp: tmp,
            sessions,
            session,
            outside,
            allowed,
        }
    }

    pub fn root(&self) -> &Path {
        self.sessions.parent().unwrap()
    }

    /// Rewrites the session's roster: one agent per output path, `agent-0`, `agent-1`, ...
    pub fn set_outputs(&self, outputs: &[String]) {
        let agents: Vec<serde_json::Value> = outputs
            .iter()
            .enumerate()
            .map(|(i, path)| {
                serde_json::json!({"agent_id": format!("agent-{i}"), "status": "complete", "output_file": path})
            })
            .collect();
        let text = serde_json::to_string(&serde_json::json!({ "agents": agents })).unwrap();
        fs::write(self.session.join("communication.json"), text).unwrap();
    }
}
