//! `<session>/.hub/history.jsonl`: appended under the session's lock, one JSON line per event,
//! rotated past 10 MB into `history.1.jsonl` (the new file opens with a checkpoint of what was
//! recorded, so nothing is recorded twice after a rotation).
//!
//! Each process keeps, per session, how far it has read the file and what it holds
//! ([`Recorded`]), so bringing it up to date reads only what other processes appended since.
//! The folder `.hub` and the files are opened without following links: an agent that plants a
//! link there cannot make the hub write elsewhere.

use crate::domain::history::{
    replay, HistoryEvent, Observed, Recorded, HISTORY_DIR, HISTORY_FILE, HISTORY_ROTATED_FILE,
    HISTORY_ROTATE_BYTES,
};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Events this process saw for a session: appended by itself or read from the file.
#[derive(Clone, Debug)]
pub struct Seen {
    pub session: String,
    pub events: Vec<HistoryEvent>,
    /// Read from the whole file (this process's first look, or after a rotation): these may
    /// be old, not news.
    pub replayed: bool,
}

pub type SeenSender = tokio::sync::mpsc::UnboundedSender<Seen>;

#[derive(Clone, Debug, Default)]
struct Cursor {
    /// (device, inode) of the file read; another file means read it whole again.
    identity: Option<(u64, u64)>,
    /// Bytes read: up to the end of the last whole line.
    len: u64,
    recorded: Recorded,
}

/// The history files of a sessions folder, as this process knows them.
#[derive(Default)]
pub struct HistoryLog {
    cursors: Mutex<HashMap<String, Cursor>>,
    seen: Mutex<Option<SeenSender>>,
}

fn history_path(folder: &Path) -> PathBuf {
    folder.join(HISTORY_DIR).join(HISTORY_FILE)
}

impl HistoryLog {
    /// Where every event this process appends or reads is sent (the alerts).
    pub fn send_seen_to(&self, sender: SeenSender) {
        *self.seen.lock().expect("history sender") = Some(sender);
    }

    fn tell(&self, session: &str, events: &[HistoryEvent], replayed: bool) {
        if events.is_empty() {
            return;
        }
        if let Some(sender) = self.seen.lock().expect("history sender").as_ref() {
            let _ = sender.send(Seen {
                session: session.to_owned(),
                events: events.to_vec(),
                replayed,
            });
        }
    }

    /// Brings the record of `session` (in `folder`) up to date, lets `make` say what to add,
    /// and appends that. Call it holding the session's lock. Answers what was appended.
    pub fn record(
        &self,
        session: &str,
        folder: &Path,
        make: impl FnOnce(&mut Recorded) -> Vec<HistoryEvent>,
    ) -> io::Result<Vec<HistoryEvent>> {
        let mut cursor = self.take(session);
        let outcome = self
            .catch_up_file(session, folder, &mut cursor)
            .and_then(|()| {
                let events = make(&mut cursor.recorded);
                if !events.is_empty() {
                    append(folder, &mut cursor, &events)?;
                }
                Ok(events)
            });
        match &outcome {
            Ok(events) => {
                self.tell(session, events, false);
                self.put(session, cursor);
            }
            // Read it whole next time: what is on disk is the truth.
            Err(_) => self.forget(session),
        }
        outcome
    }

    /// Whether the record, as this process last read it, already holds `now` and the file
    /// has not grown since: then there is nothing to record and no lock to take.
    pub fn is_current(&self, session: &str, folder: &Path, now: &Observed) -> bool {
        let cursors = self.cursors.lock().expect("history cursors");
        let Some(cursor) = cursors.get(session) else {
            return false;
        };
        let on_disk = fs::symlink_metadata(history_path(folder)).ok();
        let same_file = match (&on_disk, cursor.identity) {
            (Some(meta), Some(identity)) => {
                (meta.dev(), meta.ino()) == identity && meta.len() == cursor.len
            }
            (None, None) => true,
            _ => false,
        };
        same_file
            && cursor
                .recorded
                .clone()
                .catch_up(now, "", crate::domain::history::Actor::Disk)
                .is_empty()
    }

    /// Forgets what this process knew of `session` (it moved, or was deleted).
    pub fn forget(&self, session: &str) {
        self.cursors
            .lock()
            .expect("history cursors")
            .remove(session);
    }

    fn take(&self, session: &str) -> Cursor {
        self.cursors
            .lock()
            .expect("history cursors")
            .remove(session)
            .unwrap_or_default()
    }

    fn put(&self, session: &str, cursor: Cursor) {
        self.cursors
            .lock()
            .expect("history cursors")
            .insert(session.to_owned(), cursor);
    }

    /// Reads what was appended since `cursor`, or the whole file when it is another file.
    fn catch_up_file(&self, session: &str, folder: &Path, cursor: &mut Cursor) -> io::Result<()> {
        let path = history_path(folder);
        let Some(mut file) = open_existing(&path)? else {
            *cursor = Cursor::default();
            return Ok(());
        };
        let meta = file.metadata()?;
        let identity = (meta.dev(), meta.ino());
        let replayed = cursor.identity != Some(identity) || meta.len() < cursor.len;
        if replayed {
            *cursor = Cursor {
                identity: Some(identity),
                ..Cursor::default()
            };
        }
        if meta.len() == cursor.len {
            return Ok(());
        }
        file.seek(SeekFrom::Start(cursor.len))?;
        let mut bytes = Vec::new();
        // A file far past the rotation size was not written by a hub: read what a hub keeps.
        (&mut file)
            .take(HISTORY_ROTATE_BYTES * 2)
            .read_to_end(&mut bytes)?;
        // Only whole lines: a line being appended right now is read next time.
        let whole = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |at| at + 1);
        let text = String::from_utf8_lossy(&bytes[..whole]);
        let events = replay(text.lines(), &mut cursor.recorded);
        cursor.len += whole as u64;
        self.tell(session, &events, replayed);
        Ok(())
    }

    /// The session's events, oldest first, the rotated file's before the current one's.
    pub fn read_all(folder: &Path) -> io::Result<Vec<HistoryEvent>> {
        super::history_cache::read_shown(&folder.join(HISTORY_DIR))
    }
}

/// Opens `path` for reading if it exists, refusing a link at `.hub` or at the file.
pub(super) fn open_existing(path: &Path) -> io::Result<Option<File>> {
    if let Some(dir) = path.parent() {
        match fs::symlink_metadata(dir) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
            Ok(meta) if !meta.is_dir() => return Err(not_a_folder(dir)),
            Ok(_) => {}
        }
    }
    match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) if file.metadata()?.is_file() => Ok(Some(file)),
        Ok(_) => Err(io::Error::other(format!(
            "{} is not a file",
            path.display()
        ))),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

fn not_a_folder(dir: &Path) -> io::Error {
    io::Error::other(format!(
        "{} is not a folder (a link or a file is refused)",
        dir.display()
    ))
}

/// Appends `events` (one `write` for all of them, so a reader sees whole lines or none),
/// rotating first when the file would pass the rotation size.
fn append(folder: &Path, cursor: &mut Cursor, events: &[HistoryEvent]) -> io::Result<()> {
    let dir = folder.join(HISTORY_DIR);
    match fs::symlink_metadata(&dir) {
        Ok(meta) if !meta.is_dir() => return Err(not_a_folder(&dir)),
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => fs::create_dir(&dir)?,
        Err(err) => return Err(err),
    }
    let mut lines: String = events.iter().filter_map(HistoryEvent::to_line).collect();
    let path = dir.join(HISTORY_FILE);
    if cursor.len > 0 && cursor.len + lines.len() as u64 > HISTORY_ROTATE_BYTES {
        fs::rename(&path, dir.join(HISTORY_ROTATED_FILE))?;
        let at = events.first().map_or("", |event| event.at.as_str());
        // The record after the events, then the events: replaying them onto it changes
        // nothing, and the numbers go on from the last one.
        let mut fresh = cursor.recorded.checkpoint(at).to_line().unwrap_or_default();
        fresh.push_str(&lines);
        lines = fresh;
        cursor.identity = None;
        cursor.len = 0;
    }
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)?;
    file.write_all(lines.as_bytes())?;
    let meta = file.metadata()?;
    cursor.identity = Some((meta.dev(), meta.ino()));
    cursor.len = meta.len();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::{Actor, EventKind};

    fn observed(status: &str) -> Observed {
        Observed {
            statuses: vec![("backend".into(), status.into(), None)],
            questions: vec![],
            session: "in_progress".into(),
        }
    }

    fn record(log: &HistoryLog, folder: &Path, status: &str, by: Actor) -> Vec<HistoryEvent> {
        log.record("s", folder, |recorded| {
            recorded.catch_up(&observed(status), "2026-12-01T10:00:00.000Z", by)
        })
        .unwrap()
    }

    #[test]
    fn two_processes_record_each_change_once() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (HistoryLog::default(), HistoryLog::default());
        assert_eq!(record(&a, dir.path(), "in_progress", Actor::Api).len(), 1);
        // B has not read the file yet: it reads it and finds the change recorded.
        assert!(!b.is_current("s", dir.path(), &observed("in_progress")));
        assert!(record(&b, dir.path(), "in_progress", Actor::Disk).is_empty());
        assert!(b.is_current("s", dir.path(), &observed("in_progress")));
        assert_eq!(record(&b, dir.path(), "blocked", Actor::Cli).len(), 1);
        // A reads only what B appended.
        assert!(!a.is_current("s", dir.path(), &observed("blocked")));
        assert!(record(&a, dir.path(), "blocked", Actor::Disk).is_empty());
        // A restarted process (a fresh log) records nothing again.
        assert!(record(&HistoryLog::default(), dir.path(), "blocked", Actor::Disk).is_empty());
        let events = HistoryLog::read_all(dir.path()).unwrap();
        let seen: Vec<_> = events
            .iter()
            .map(|e| (e.seq, e.to.clone().unwrap(), e.by))
            .collect();
        assert_eq!(
            seen,
            [
                (1, "in_progress".into(), Actor::Api),
                (2, "blocked".into(), Actor::Cli)
            ]
        );
    }

    #[test]
    fn a_rotated_file_keeps_the_record_and_the_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let log = HistoryLog::default();
        let long = "m".repeat(1900);
        let mut last = 0;
        let mut n = 0;
        // About 2 KB a line: 6,000 lines pass 10 MB once.
        while !dir
            .path()
            .join(HISTORY_DIR)
            .join(HISTORY_ROTATED_FILE)
            .exists()
        {
            n += 1;
            let status = if n % 2 == 0 { "blocked" } else { "in_progress" };
            let events = log
                .record("s", dir.path(), |recorded| {
                    let mut now = observed(status);
                    now.statuses[0].2 = Some(long.clone());
                    recorded.catch_up(&now, "2026-12-01T10:00:00.000Z", Actor::Api)
                })
                .unwrap();
            last = events[0].seq;
        }
        let status = if n % 2 == 0 { "blocked" } else { "in_progress" };
        // A fresh process reads the new file: checkpoint first, nothing to record again.
        let fresh = HistoryLog::default();
        assert!(record(&fresh, dir.path(), status, Actor::Disk).is_empty());
        let next = record(&fresh, dir.path(), "complete", Actor::Cli);
        assert_eq!(next[0].seq, last + 1);
        let current = fs::read_to_string(history_path(dir.path())).unwrap();
        assert!(current.lines().next().unwrap().contains("\"checkpoint\""));
        assert!(current.len() < 1 << 20);
        let all = HistoryLog::read_all(dir.path()).unwrap();
        assert!(all.iter().all(|e| e.kind != EventKind::Checkpoint));
        assert_eq!(all.last().unwrap().seq, last + 1);
    }

    #[test]
    fn a_link_planted_at_the_history_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(HISTORY_DIR)).unwrap();
        let log = HistoryLog::default();
        let err = log
            .record("s", dir.path(), |r| {
                r.catch_up(&observed("blocked"), "2026-12-01T10:00:00.000Z", Actor::Api)
            })
            .unwrap_err();
        assert!(err.to_string().contains("is not a folder"), "{err}");
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
