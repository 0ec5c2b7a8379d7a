//! The parsed events of the sessions people look at, so that drawing a timeline again reads
//! only what was appended since (a busy session's 9 MB history took 40 ms to parse on every
//! render). An entry is good while the rotated file is the same and the current one is the
//! same file, no shorter than what was parsed; anything else (a rotation, a truncation, a
//! file put in its place) reads both files again. The log is append-only: a hand edit that
//! rewrites the file in place without shortening it shows once the file rotates.

use super::history::open_existing;
use crate::domain::history::{
    replay, HistoryEvent, Recorded, HISTORY_DIR, HISTORY_FILE, HISTORY_ROTATED_FILE,
    HISTORY_ROTATE_BYTES,
};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Sessions kept; past this the least recently read is dropped.
const KEPT: usize = 64;

/// (device, inode, length) of a file, or None when it does not exist.
type Identity = Option<(u64, u64, u64)>;
/// (device, inode).
type FileId = (u64, u64);

struct Entry {
    rotated: Identity,
    current: Option<FileId>,
    /// Bytes of the current file parsed: up to the end of its last whole line.
    parsed: u64,
    events: Arc<Vec<HistoryEvent>>,
    last_read: u64,
}

#[derive(Default)]
pub struct HistoryCache {
    entries: Mutex<(HashMap<PathBuf, Entry>, u64)>,
}

fn identity(path: &Path) -> io::Result<Identity> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some((meta.dev(), meta.ino(), meta.len()))),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

impl HistoryCache {
    /// The session's shown events, oldest first (as [`super::history::HistoryLog::read_all`]
    /// answers).
    pub fn events(&self, folder: &Path) -> io::Result<Arc<Vec<HistoryEvent>>> {
        let dir = folder.join(HISTORY_DIR);
        let rotated = identity(&dir.join(HISTORY_ROTATED_FILE))?;
        let current = identity(&dir.join(HISTORY_FILE))?;
        let mut guard = self.entries.lock().expect("history cache");
        let (entries, clock) = &mut *guard;
        *clock += 1;
        let reusable = entries.get(folder).filter(|entry| {
            entry.rotated == rotated
                && entry.current == current.map(|(dev, ino, _)| (dev, ino))
                && current.map_or(0, |(_, _, len)| len) >= entry.parsed
        });
        let entry = match reusable {
            Some(entry) if current.is_none_or(|(_, _, len)| len == entry.parsed) => None,
            Some(entry) => match extend(&dir, entry)? {
                Some(extended) => Some(extended),
                None => Some(read_whole(&dir, rotated)?),
            },
            None => Some(read_whole(&dir, rotated)?),
        };
        if let Some(mut entry) = entry {
            entry.last_read = *clock;
            if entries.len() >= KEPT && !entries.contains_key(folder) {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, e)| e.last_read)
                    .map(|(path, _)| path.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
            entries.insert(folder.to_path_buf(), entry);
        }
        let entry = entries.get_mut(folder).expect("just kept");
        entry.last_read = *clock;
        Ok(entry.events.clone())
    }
}

/// Both files of the history folder `dir`, read whole: the shown events, the current file's
/// identity and how much of it was parsed.
fn read_both(dir: &Path) -> io::Result<(Vec<HistoryEvent>, Option<FileId>, u64)> {
    let mut events = Vec::new();
    if let Some((_, bytes)) = read_from(&dir.join(HISTORY_ROTATED_FILE), 0)? {
        events.extend(parse(&bytes));
    }
    let (current, parsed) = match read_from(&dir.join(HISTORY_FILE), 0)? {
        Some((identity, bytes)) => {
            let whole = whole_lines(&bytes);
            events.extend(parse(&bytes[..whole]));
            (Some(identity), whole as u64)
        }
        None => (None, 0),
    };
    Ok((events, current, parsed))
}

/// The shown events of the history folder `dir`, read whole, without keeping them.
pub(super) fn read_shown(dir: &Path) -> io::Result<Vec<HistoryEvent>> {
    read_both(dir).map(|(events, _, _)| events)
}

fn read_whole(dir: &Path, rotated: Identity) -> io::Result<Entry> {
    let (events, current, parsed) = read_both(dir)?;
    Ok(Entry {
        rotated,
        current,
        parsed,
        events: Arc::new(events),
        last_read: 0,
    })
}

/// The entry with the lines appended to the current file since it was parsed; None when the
/// file turned out to be another one by the time it was opened.
fn extend(dir: &Path, entry: &Entry) -> io::Result<Option<Entry>> {
    let Some((identity, bytes)) = read_from(&dir.join(HISTORY_FILE), entry.parsed)? else {
        return Ok(None);
    };
    if Some(identity) != entry.current {
        return Ok(None);
    }
    let whole = whole_lines(&bytes);
    let mut events = (*entry.events).clone();
    events.extend(parse(&bytes[..whole]));
    Ok(Some(Entry {
        rotated: entry.rotated,
        current: entry.current,
        parsed: entry.parsed + whole as u64,
        events: Arc::new(events),
        last_read: 0,
    }))
}

/// (device, inode) and the bytes from `offset` on (bounded like the log's own reads), without
/// following links; None when the file does not exist.
fn read_from(path: &Path, offset: u64) -> io::Result<Option<(FileId, Vec<u8>)>> {
    let Some(mut file) = open_existing(path)? else {
        return Ok(None);
    };
    let meta = file.metadata()?;
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.take(HISTORY_ROTATE_BYTES * 2)
        .read_to_end(&mut bytes)?;
    Ok(Some(((meta.dev(), meta.ino()), bytes)))
}

/// Up to the end of the last whole line: a line being appended is read next time.
fn whole_lines(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
}

fn parse(bytes: &[u8]) -> Vec<HistoryEvent> {
    let text = String::from_utf8_lossy(bytes);
    let mut events = replay(text.lines(), &mut Recorded::default());
    events.retain(HistoryEvent::is_shown);
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::Actor;
    use std::io::Write;

    fn line(agent: &str, to: &str, seq: u64) -> String {
        let mut event =
            HistoryEvent::status(agent, None, to, "2026-12-01T10:00:00.000Z", Actor::Cli);
        event.seq = seq;
        event.to_line().unwrap()
    }

    fn append(folder: &Path, name: &str, text: &str) {
        let dir = folder.join(HISTORY_DIR);
        fs::create_dir_all(&dir).unwrap();
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(name))
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }

    fn same_as_a_fresh_read(cache: &HistoryCache, folder: &Path) -> usize {
        let cached = cache.events(folder).unwrap();
        assert_eq!(*cached, HistoryLog::read_all(folder).unwrap());
        cached.len()
    }

    use super::super::history::HistoryLog;

    #[test]
    fn appends_are_read_as_they_come_and_a_torn_line_waits() {
        let dir = tempfile::tempdir().unwrap();
        let cache = HistoryCache::default();
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 0);
        append(dir.path(), HISTORY_FILE, &line("a", "in_progress", 1));
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 1);
        // Half a line: not an event yet, and not lost once it is whole.
        let second = line("a", "blocked", 2);
        let (head, tail) = second.split_at(10);
        append(dir.path(), HISTORY_FILE, head);
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 1);
        append(dir.path(), HISTORY_FILE, tail);
        append(dir.path(), HISTORY_FILE, &line("b", "complete", 3));
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 3);
        // Nothing new: the same parsed events, not a copy.
        let (first, again) = (
            cache.events(dir.path()).unwrap(),
            cache.events(dir.path()).unwrap(),
        );
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[test]
    fn a_rotation_or_a_rewrite_reads_everything_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = HistoryCache::default();
        append(
            dir.path(),
            HISTORY_FILE,
            &(line("a", "in_progress", 1) + &line("a", "blocked", 2)),
        );
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 2);
        // Rotated: the old file moves aside, a new one starts.
        let hub = dir.path().join(HISTORY_DIR);
        fs::rename(hub.join(HISTORY_FILE), hub.join(HISTORY_ROTATED_FILE)).unwrap();
        append(dir.path(), HISTORY_FILE, &line("a", "complete", 3));
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 3);
        // Rewritten shorter in place (by hand).
        fs::write(hub.join(HISTORY_FILE), line("b", "pending", 4)).unwrap();
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 3);
        fs::remove_file(hub.join(HISTORY_FILE)).unwrap();
        assert_eq!(same_as_a_fresh_read(&cache, dir.path()), 2);
    }

    #[test]
    fn it_keeps_a_bounded_number_of_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let cache = HistoryCache::default();
        for n in 0..KEPT + 10 {
            let folder = dir.path().join(format!("s-{n}"));
            append(&folder, HISTORY_FILE, &line("a", "in_progress", 1));
            cache.events(&folder).unwrap();
        }
        assert_eq!(cache.entries.lock().unwrap().0.len(), KEPT);
    }
}
