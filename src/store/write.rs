//! The one way the hub changes a session: a status update under the session lock, as a
//! read-modify-write with a version check and an atomic replace. The HTTP API, the CLI and the
//! demo's simulated agents all come through here.

use super::history::HistoryLog;
use super::read::MAX_METADATA_BYTES;
use super::COMMUNICATION_FILE;
use crate::domain::history::{Actor, EventKind, HistoryEvent, Observed};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::monitor::{StatusChange, StatusUpdate, UsageUpdate};
use crate::domain::usage::{Usage, USAGE_FIELD};
use crate::domain::{AgentStatus, CommunicationFile, HubError};
use crate::fsutil::atomic::{is_temp_file_name, write_atomic};
use crate::fsutil::dir::{entries, entry_name, sync_dir};
use crate::fsutil::lock::FileLock;
use crate::fsutil::read::read_capped;
use crate::fsutil::PathError;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// The session's lock file: a sidecar never renamed or deleted on its own (it moves with its
/// folder when the session is archived, restored or deleted).
pub const LOCK_FILE: &str = ".hub.lock";

/// Holds `folder`'s session lock (waiting up to `timeout`) while the guard lives.
pub fn lock_session(folder: &Path, timeout: Duration) -> Result<FileLock, PathError> {
    FileLock::acquire(&folder.join(LOCK_FILE), timeout)
}

/// Sets `agent`'s status and message in session `id`, and records the change in the session's
/// history (after what changed there unseen since it was last recorded). With
/// `expected_version`, refuses (409) unless the file is still at that version, so a client
/// never overwrites a change it has not seen.
pub fn change_agent_status(
    sessions_dir: &Path,
    history: &HistoryLog,
    id: &SessionId,
    agent: &AgentId,
    change: &StatusChange,
    by: Actor,
) -> Result<StatusUpdate, HubError> {
    let (id, agent) = (id.as_str(), agent.as_str());
    let status = AgentStatus::parse_known(&change.status).map_err(HubError::Invalid)?;
    let message = change.checked_message()?;
    let expected_version = change.expected_version;
    let folder = sessions_dir.join(id);
    let (_lock, mut file) = locked_file(sessions_dir, &folder, id)?;

    let current = file.version();
    if let Some(expected) = expected_version {
        if expected != current {
            return Err(HubError::Conflict {
                expected,
                actual: current,
            });
        }
    }
    let before = Observed::of(&file, &[]);
    let updated_at = now_rfc3339();
    let record = file
        .agent_mut(agent)
        .ok_or_else(|| HubError::NotFound(format!("no agent {agent:?} in session {id:?}")))?;
    let previous = record.status().clone();
    record.status = Some(status.clone());
    record.updated_at = Some(updated_at.clone());
    record.status_message = message.clone();
    write_next_version(&folder, &mut file, current)?;
    let after = Observed::of(&file, &[]);
    // The write stands if the history cannot be appended: the next observation records it.
    let _ = history.record(id, &folder, |recorded| {
        let mut events = recorded.catch_up(&before, &updated_at, Actor::Disk);
        if recorded.statuses.get(agent).map(String::as_str) == Some(status.as_str()) {
            // The same status again, with news: worth a line of its own.
            if message.is_some() {
                let event = HistoryEvent::status(
                    agent,
                    Some(status.as_str()),
                    status.as_str(),
                    &updated_at,
                    by,
                )
                .with_message(message.as_deref());
                events.push(recorded.record(event));
            }
        }
        events.extend(recorded.catch_up(&after, &updated_at, by));
        events
    });
    Ok(StatusUpdate {
        session: id.to_owned(),
        agent: agent.to_owned(),
        previous,
        status,
        message,
        version: current + 1,
        updated_at,
    })
}

/// Replaces `folder`'s `communication.json` with `file` at the version after `current`
/// (under the session lock, which the caller holds).
fn write_next_version(
    folder: &Path,
    file: &mut CommunicationFile,
    current: u64,
) -> Result<(), HubError> {
    file.version = Some(current + 1);
    write_atomic(folder, COMMUNICATION_FILE, file.to_pretty_json().as_bytes())
        .map_err(|err| write_error(folder, err))
}

/// Takes `folder`'s session lock and reads its `communication.json` under it.
fn locked_file(
    sessions_dir: &Path,
    folder: &Path,
    id: &str,
) -> Result<(FileLock, CommunicationFile), HubError> {
    if !folder.is_dir() {
        return Err(HubError::NotFound(format!(
            "no session {id:?} in {}",
            sessions_dir.display()
        )));
    }
    let gone = || HubError::NotFound(format!("session {id:?} was archived or deleted meanwhile"));
    let lock = lock_session(folder, LOCK_TIMEOUT).map_err(|err| match err.kind() {
        io::ErrorKind::NotFound => gone(),
        _ => write_error(folder, err),
    })?;
    // The lock moves with its folder: a writer that waited through an archive finds it gone.
    if !folder.is_dir() {
        return Err(gone());
    }
    let path = folder.join(COMMUNICATION_FILE);
    let (bytes, _) = read_capped(&path, MAX_METADATA_BYTES)
        .map_err(|err| HubError::Unreadable(super::read::describe(&path, &err)))?;
    // Under the lock every writer is a hub writer that replaces the file atomically, so a parse
    // error here is a broken file, not a torn read.
    let file = CommunicationFile::parse(&bytes).map_err(HubError::Unreadable)?;
    Ok((lock, file))
}

/// Now as the hub writes times: RFC 3339, UTC, milliseconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `ms` (unix milliseconds) as the hub writes times.
pub fn rfc3339_ms(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Adds `usage` to `agent`'s `agents[].usage` in session `id`, under the session lock (so
/// concurrent reports all count), and answers the agent's new total.
pub fn add_usage(
    sessions_dir: &Path,
    history: &HistoryLog,
    id: &SessionId,
    agent: &AgentId,
    usage: Usage,
    by: Actor,
) -> Result<UsageUpdate, HubError> {
    let (id, agent) = (id.as_str(), agent.as_str());
    let folder = sessions_dir.join(id);
    let (_lock, mut file) = locked_file(sessions_dir, &folder, id)?;
    let current = file.version();
    let record = file
        .agent_mut(agent)
        .ok_or_else(|| HubError::NotFound(format!("no agent {agent:?} in session {id:?}")))?;
    let total = Usage::read(record.extra.get(USAGE_FIELD))
        .unwrap_or_default()
        .plus(usage);
    record.extra.insert(USAGE_FIELD.into(), total.to_value());
    write_next_version(&folder, &mut file, current)?;
    let at = now_rfc3339();
    let _ = history.record(id, &folder, |recorded| {
        let mut event =
            HistoryEvent::new(EventKind::Usage, &at, by).with_message(Some(&usage.summary()));
        event.agent = Some(agent.to_owned());
        vec![recorded.record(event)]
    });
    Ok(UsageUpdate {
        session: id.to_owned(),
        agent: agent.to_owned(),
        added: usage,
        total,
        version: current + 1,
    })
}

/// Removes the temp files (`.~hub-*.tmp`) that writers killed mid-write left in session
/// folders; returns how many. Call it at server start. A CLI writer may be running even then, so
/// each folder is swept under its session lock: a live writer holds the lock while its temp file
/// exists, a killed one holds nothing. A folder whose lock is busy is left for the next start.
pub fn sweep_temp_files(sessions_dir: &Path) -> Result<usize, PathError> {
    let mut removed = 0;
    for entry in entries(sessions_dir)? {
        let visible = entry_name(&entry).is_some_and(|name| !name.starts_with('.'));
        let folder = entry.path();
        if !visible || !folder.is_dir() || temp_files(&folder).is_empty() {
            continue;
        }
        let Ok(_lock) = lock_session(&folder, Duration::ZERO) else {
            continue;
        };
        let before = removed;
        for path in temp_files(&folder) {
            if std::fs::remove_file(path).is_ok() {
                removed += 1;
            }
        }
        if removed > before {
            sync_dir(&folder)?;
        }
    }
    Ok(removed)
}

fn temp_files(folder: &Path) -> Vec<PathBuf> {
    entries(folder)
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| {
            entry_name(entry).is_some_and(|name| is_temp_file_name(&name))
                && entry.file_type().is_ok_and(|kind| kind.is_file())
        })
        .map(|entry| entry.path())
        .collect()
}

/// A full disk is the user's to fix, and says so; anything else is the hub's fault.
pub fn write_error(folder: &Path, err: PathError) -> HubError {
    match err.kind() {
        io::ErrorKind::StorageFull => {
            HubError::StorageFull(format!("cannot write in {}", folder.display()))
        }
        _ => HubError::internal("cannot write the session's communication.json", err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A status without a message, as one writer.
    fn set_agent_status(
        sessions_dir: &Path,
        id: &SessionId,
        agent: &AgentId,
        status: &str,
        expected_version: Option<u64>,
    ) -> Result<StatusUpdate, HubError> {
        let change = StatusChange {
            expected_version,
            ..StatusChange::to(status)
        };
        let history = HistoryLog::default();
        change_agent_status(sessions_dir, &history, id, agent, &change, Actor::Api)
    }
    use std::fs;

    fn sid(raw: &str) -> SessionId {
        SessionId::parse(raw).unwrap()
    }

    fn session(dir: &Path) {
        fs::create_dir_all(dir.join("s")).unwrap();
        fs::write(
            dir.join("s/communication.json"),
            r#"{"custom": {"keep": true}, "agents": [{"agent_id": "a", "status": "pending", "notes": "n"}, {"agent_id": "b"}]}"#,
        )
        .unwrap();
    }

    #[test]
    fn updates_status_bumps_version_and_keeps_unknown_fields() {
        let dir = tempfile::tempdir().unwrap();
        session(dir.path());
        let update = set_agent_status(
            dir.path(),
            &sid("s"),
            &AgentId::new("a"),
            "in_progress",
            Some(0),
        )
        .unwrap();
        assert_eq!(update.version, 1);
        assert_eq!(update.previous, AgentStatus::Pending);
        let text = fs::read_to_string(dir.path().join("s/communication.json")).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["custom"]["keep"], true);
        assert_eq!(value["agents"][0]["status"], "in_progress");
        assert_eq!(value["agents"][0]["notes"], "n");
        assert!(value["agents"][0]["updated_at"].is_string());
        assert!(
            value["agents"][1].get("status").is_none(),
            "other agents untouched"
        );
    }

    #[test]
    fn refuses_bad_input_with_the_right_error() {
        let dir = tempfile::tempdir().unwrap();
        session(dir.path());
        let err = |r: Result<StatusUpdate, HubError>| r.unwrap_err();
        assert!(matches!(
            err(set_agent_status(
                dir.path(),
                &sid("s"),
                &AgentId::new("a"),
                "done",
                None
            )),
            HubError::Invalid(_)
        ));
        assert!(matches!(
            err(set_agent_status(
                dir.path(),
                &sid("nope"),
                &AgentId::new("a"),
                "complete",
                None
            )),
            HubError::NotFound(_)
        ));
        assert!(matches!(
            err(set_agent_status(
                dir.path(),
                &sid("s"),
                &AgentId::new("zz"),
                "complete",
                None
            )),
            HubError::NotFound(_)
        ));
        assert_eq!(
            err(set_agent_status(
                dir.path(),
                &sid("s"),
                &AgentId::new("a"),
                "complete",
                Some(7)
            )),
            HubError::Conflict {
                expected: 7,
                actual: 0
            }
        );
        fs::write(dir.path().join("s/communication.json"), "{").unwrap();
        assert!(matches!(
            err(set_agent_status(
                dir.path(),
                &sid("s"),
                &AgentId::new("a"),
                "complete",
                None
            )),
            HubError::Unreadable(_)
        ));
        assert_eq!(
            fs::read_to_string(dir.path().join("s/communication.json")).unwrap(),
            "{",
            "a broken file is left as it was"
        );
    }

    #[test]
    fn the_sweep_removes_dead_writers_temp_files_but_not_live_ones() {
        let dir = tempfile::tempdir().unwrap();
        session(dir.path());
        fs::create_dir_all(dir.path().join("busy")).unwrap();
        for folder in ["s", "busy"] {
            fs::write(dir.path().join(folder).join(".~hub-x1.tmp"), "{").unwrap();
        }
        fs::write(dir.path().join("s/.~hub-keep"), "not ours").unwrap();
        let live_writer = lock_session(&dir.path().join("busy"), LOCK_TIMEOUT).unwrap();
        assert_eq!(sweep_temp_files(dir.path()).unwrap(), 1);
        assert!(!dir.path().join("s/.~hub-x1.tmp").exists());
        assert!(dir.path().join("s/.~hub-keep").exists());
        assert!(dir.path().join("busy/.~hub-x1.tmp").exists());
        drop(live_writer);
        assert_eq!(sweep_temp_files(dir.path()).unwrap(), 1);
        assert!(dir.path().join("s/communication.json").exists());
    }

    /// jj's lock_concurrent, applied to status updates: no update is ever lost.
    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        session(dir.path());
        let threads = 8;
        let per_thread = 40;
        std::thread::scope(|scope| {
            for t in 0..threads {
                let dir = dir.path();
                scope.spawn(move || {
                    for n in 0..per_thread {
                        let status = if (t + n) % 2 == 0 {
                            "in_progress"
                        } else {
                            "blocked"
                        };
                        set_agent_status(
                            dir,
                            &sid("s"),
                            &AgentId::new(if t % 2 == 0 { "a" } else { "b" }),
                            status,
                            None,
                        )
                        .unwrap();
                    }
                });
            }
        });
        let file =
            CommunicationFile::parse(&fs::read(dir.path().join("s/communication.json")).unwrap())
                .unwrap();
        assert_eq!(file.version(), (threads * per_thread) as u64);
    }
}
