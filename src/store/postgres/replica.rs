//! The folder side of the shared store: what a session folder holds (to send what a write
//! changed), and making a folder hold what the database holds.
//!
//! Paths are relative, `/`-separated, and checked both ways: a path from the database that is
//! not plainly inside the folder is refused, and links in the folder are never followed.

use crate::fsutil::atomic::{is_temp_file_name, write_atomic};
use crate::fsutil::lock::marker_name;
use crate::store::write::LOCK_FILE;
use crate::store::COMMUNICATION_FILE;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path};

/// Which generation of the database a replica folder holds; a hidden file of its own, never
/// sent to the database.
pub const GENERATION_FILE: &str = ".hub.replica";

/// A file bigger than this is not part of a session (an agent's stray download): left out.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A session folder's files by relative path, `communication.json` among them.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Files that belong to this machine only: locks, temp files, the replica's own mark.
fn is_local(name: &str) -> bool {
    name == LOCK_FILE
        || name == marker_name(LOCK_FILE)
        || name == GENERATION_FILE
        || name == super::edge::MARK_FILE
        || is_temp_file_name(name)
}

/// Every file of `folder`, links left out. A missing folder has none.
pub fn read_files(folder: &Path) -> io::Result<Files> {
    let mut files = Files::new();
    match walk(folder, "", &mut files) {
        Err(err) if err.kind() == io::ErrorKind::NotFound && !folder.exists() => Ok(files),
        other => other.map(|()| files),
    }
}

fn walk(dir: &Path, prefix: &str, files: &mut Files) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if is_local(&name) {
            continue;
        }
        let kind = entry.file_type()?;
        let path = format!("{prefix}{name}");
        if kind.is_dir() {
            walk(&entry.path(), &format!("{path}/"), files)?;
        } else if kind.is_file() && entry.metadata()?.len() <= MAX_FILE_BYTES {
            files.insert(path, fs::read(entry.path())?);
        }
    }
    Ok(())
}

/// Whether `path` (from the database) names a file plainly inside a session folder.
pub fn is_safe_path(path: &str) -> bool {
    let relative = Path::new(path);
    !path.is_empty()
        && !path.contains('\\')
        && relative
            .components()
            .all(|part| matches!(part, Component::Normal(_)))
        && relative
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| !is_local(name))
}

/// Makes `folder` hold exactly `files`: each file that differs is replaced atomically (or, when
/// it only grew, appended to in place, so a history reader keeps its place); files the
/// database does not have are removed. Answers whether anything changed.
pub fn apply(folder: &Path, files: &Files) -> io::Result<bool> {
    fs::create_dir_all(folder)?;
    let here = read_files(folder)?;
    let mut changed = false;
    for (path, bytes) in files {
        let old = here.get(path);
        if old == Some(bytes) {
            continue;
        }
        changed |= write_file(folder, path, old.map(Vec::as_slice), bytes)?;
    }
    for path in here.keys().filter(|path| !files.contains_key(*path)) {
        changed = true;
        remove_file(folder, path)?;
    }
    Ok(changed)
}

/// Makes the file at `path` (from the database) in `folder` hold `bytes`, given what it holds
/// now (`old`): appended to in place when it only grew (so a history reader keeps its place),
/// else replaced atomically. A path that is not plainly inside the folder is refused (and
/// answers `false`).
pub fn write_file(folder: &Path, path: &str, old: Option<&[u8]>, bytes: &[u8]) -> io::Result<bool> {
    if !is_safe_path(path) {
        tracing::warn!(path, "refused a file path from the shared store");
        return Ok(false);
    }
    let target = folder.join(path);
    let dir = target.parent().unwrap_or(folder);
    fs::create_dir_all(dir)?;
    match old {
        Some(old) if bytes.starts_with(old) => append(&target, &bytes[old.len()..])?,
        _ => {
            let name = target.file_name().and_then(|n| n.to_str()).unwrap_or(path);
            write_atomic(dir, name, bytes).map_err(io::Error::other)?;
        }
    }
    Ok(true)
}

/// Removes the file at `path` in `folder`; one already gone is fine.
pub fn remove_file(folder: &Path, path: &str) -> io::Result<()> {
    if !is_safe_path(path) {
        return Ok(());
    }
    match fs::remove_file(folder.join(path)) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Appends without following a link planted where the file was.
fn append(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .append(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}

/// The generation `folder` was last brought to, if it is a replica at all.
pub fn generation(folder: &Path) -> Option<i64> {
    fs::read_to_string(folder.join(GENERATION_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()
}

pub fn set_generation(folder: &Path, generation: i64) -> io::Result<()> {
    write_atomic(folder, GENERATION_FILE, generation.to_string().as_bytes())
        .map_err(io::Error::other)
}

/// What goes in `hub_sessions.communication`: the file parsed as any JSON value.
pub fn communication_value(files: &Files) -> Result<serde_json::Value, String> {
    let bytes = files
        .get(COMMUNICATION_FILE)
        .ok_or_else(|| format!("the session has no {COMMUNICATION_FILE}"))?;
    serde_json::from_slice(bytes).map_err(|err| format!("{COMMUNICATION_FILE} is not JSON: {err}"))
}

/// `communication.json` as the hub writes it, from the database's value.
pub fn communication_bytes(value: &serde_json::Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
    text.push('\n');
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for good in [
            "a.json",
            "questions/q-1.json",
            ".hub/history.jsonl",
            "prompts/x y.md",
        ] {
            assert!(is_safe_path(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "./a",
            "a\\b",
            ".hub.lock",
            "q/.~hub-1.tmp",
            ".hub.replica",
        ] {
            assert!(!is_safe_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_folder_is_made_to_hold_exactly_the_files_given() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("s");
        fs::create_dir_all(folder.join(".hub")).unwrap();
        fs::write(folder.join(".hub/history.jsonl"), "one\n").unwrap();
        fs::write(folder.join("stale.md"), "gone").unwrap();
        fs::write(folder.join(LOCK_FILE), "").unwrap();
        let files: Files = [
            ("communication.json".to_owned(), b"{}".to_vec()),
            (".hub/history.jsonl".to_owned(), b"one\ntwo\n".to_vec()),
            ("questions/q.json".to_owned(), b"{\"q\":1}".to_vec()),
            ("../escape".to_owned(), b"no".to_vec()),
        ]
        .into();
        assert!(apply(&folder, &files).unwrap());
        let held = read_files(&folder).unwrap();
        assert_eq!(held.len(), 3, "{:?}", held.keys());
        assert_eq!(held[".hub/history.jsonl"], b"one\ntwo\n");
        assert!(!dir.path().join("escape").exists());
        assert!(folder.join(LOCK_FILE).exists(), "local files stay");
        assert!(!apply(&folder, &held).unwrap(), "nothing left to change");
    }

    #[test]
    fn links_are_neither_read_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("s");
        fs::create_dir_all(&folder).unwrap();
        fs::write(dir.path().join("secret"), "canary").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), folder.join("out.md")).unwrap();
        assert!(read_files(&folder).unwrap().is_empty());
        let files: Files = [("out.md".to_owned(), b"canary+more".to_vec())].into();
        apply(&folder, &files).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("secret")).unwrap(),
            "canary"
        );
    }
}
