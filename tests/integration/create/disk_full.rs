//! A full disk (the create half): the sessions directory is a 256 KiB tmpfs and a session
//! does not fit. The generator must answer "disk full", list no partial session, leave no
//! staging folder and leave the existing session byte-identical.
//!
//! The tmpfs lives in a private mount namespace (`unshare -rm`), so nothing is mounted on the
//! host and nothing is left behind; where `unshare` or tmpfs is not available the test says so
//! and passes without checking.

use super::{assert_complete, sample_request, staging_dirs, visible_entries, NOW_MS};
use crate::support::from_parent;
use sessions_hub::domain::HubError;
use sessions_hub::generate::{generate, GenerateOptions};
use std::fs;
use std::path::Path;
use std::process::Command;

const CHILD_ENV: &str = "HUB_FULL_DISK_SESSIONS";
const PROJECT_ENV: &str = "HUB_FULL_DISK_PROJECT";
const CHILD_TEST: &str = "create::disk_full::child_fills_the_disk";

fn request(context: &str) -> sessions_hub::domain::create::CreateRequest {
    let mut request = sample_request();
    request.attachments.retain(|a| a.given_path().is_none());
    request
        .agents
        .iter_mut()
        .for_each(|a| a.attachments.retain(|id| id == "a2"));
    request.context_files = vec![context.into()];
    request
}

/// The child process [`a_full_disk_writes_nothing`] starts inside its mount namespace.
#[test]
#[ignore = "a child process of a_full_disk_writes_nothing"]
fn child_fills_the_disk() {
    let (sessions, project) = (from_parent(CHILD_ENV), from_parent(PROJECT_ENV));
    let (sessions, project) = (sessions.as_path(), project.as_path());
    let options = GenerateOptions {
        now_ms: NOW_MS,
        hub_url: None,
        cli_target: String::new(),
    };
    let small = generate(sessions, project, &request("small.rs"), &options).unwrap();
    let folder = Path::new(&small.session_path);
    let before: Vec<Vec<u8>> = small
        .files
        .iter()
        .map(|f| fs::read(folder.join(f)).unwrap())
        .collect();

    let err = generate(sessions, project, &request("big.rs"), &options).unwrap_err();
    assert!(
        matches!(&err, HubError::StorageFull(m) if m.contains("No space left")),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("the disk is full"), "{err}");

    assert_eq!(
        visible_entries(sessions),
        std::slice::from_ref(&small.session_id),
        "no partial session"
    );
    assert!(
        staging_dirs(sessions).is_empty(),
        "the staging folder was removed"
    );
    let after: Vec<Vec<u8>> = small
        .files
        .iter()
        .map(|f| fs::read(folder.join(f)).unwrap())
        .collect();
    assert_eq!(before, after, "the existing session is byte-identical");
    assert_complete(folder);
    println!("FULL DISK CHECKED");
}

#[test]
fn a_full_disk_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    let project = tmp.path().join("project");
    fs::create_dir_all(&sessions).unwrap();
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("small.rs"), "fn session() {}\n").unwrap();
    fs::write(project.join("big.rs"), "// session store\n".repeat(40_000)).unwrap(); // 680 KB

    let script = r#"mount -t tmpfs -o size=256k tmpfs "$HUB_FULL_DISK_SESSIONS" || exit 77
exec "$0" "$@""#;
    let output = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .arg(std::env::current_exe().unwrap())
        .args(crate::support::child_args(CHILD_TEST))
        .env(CHILD_ENV, &sessions)
        .env(PROJECT_ENV, &project)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => {
            println!("full disk skipped: unshare is not available ({err})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(77)
        || (!output.status.success() && stderr.contains("unshare failed"))
    {
        println!(
            "full disk skipped: no private tmpfs here ({})",
            stderr.trim()
        );
        return;
    }
    assert!(
        output.status.success() && stdout.contains("FULL DISK CHECKED"),
        "child failed:\n{stdout}\n{stderr}"
    );
    assert!(
        visible_entries(&sessions).is_empty(),
        "the tmpfs was private to the child"
    );
    println!("full disk: checked on a 256 KiB tmpfs in a private mount namespace");
}
