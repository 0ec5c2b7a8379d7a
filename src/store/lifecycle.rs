//! Archive, restore, delete: each is one atomic rename of the whole session folder, taken under
//! the session's lock, so a crash at any moment leaves the session in exactly one place.
//!
//! ```text
//! <sessions-dir>/<id>                  active
//! <sessions-dir>/.archive/<id>         archived (hidden from the list unless asked for)
//! <sessions-dir>/.trash/<ms>/<id>      deleted at <ms>; purged after --trash-days
//! ```

use super::write::{lock_session, LOCK_TIMEOUT};
use crate::domain::ids::SessionId;
use crate::domain::HubError;
use crate::fsutil::dir::{entries, entry_name, rename_noreplace, sync_dir};
use crate::fsutil::PathError;
use std::io;
use std::path::{Path, PathBuf};

pub use crate::domain::lifecycle::{ARCHIVE_DIR, TRASH_DIR};

/// Where a session folder lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Active,
    Archived,
}

impl Place {
    pub fn folder(self, sessions_dir: &Path, id: &str) -> PathBuf {
        match self {
            Place::Active => sessions_dir.join(id),
            Place::Archived => sessions_dir.join(ARCHIVE_DIR).join(id),
        }
    }
}

/// Where session `id` is now, if anywhere (a folder that is active wins; a crash never leaves
/// both, since every move is one rename).
pub fn locate(sessions_dir: &Path, id: &str) -> Option<Place> {
    if id.starts_with('.') {
        return None;
    }
    [Place::Active, Place::Archived]
        .into_iter()
        .find(|place| place.folder(sessions_dir, id).is_dir())
}

/// Moves an active session into `.archive/`.
pub fn archive(sessions_dir: &Path, id: &SessionId) -> Result<(), HubError> {
    let id = id.as_str();
    match locate(sessions_dir, id) {
        None => Err(not_found(sessions_dir, id)),
        Some(Place::Archived) => Err(HubError::WrongState(format!(
            "session {id:?} is archived already"
        ))),
        Some(Place::Active) => move_session(
            sessions_dir,
            id,
            &Place::Active.folder(sessions_dir, id),
            &ensure_dir(&sessions_dir.join(ARCHIVE_DIR))?.join(id),
            "an archived session with this id exists already",
        ),
    }
}

/// Moves an archived session back among the active ones.
pub fn restore(sessions_dir: &Path, id: &SessionId) -> Result<(), HubError> {
    let id = id.as_str();
    if !Place::Archived.folder(sessions_dir, id).is_dir() {
        return Err(match locate(sessions_dir, id) {
            Some(_) => HubError::WrongState(format!("session {id:?} is not archived")),
            None => not_found(sessions_dir, id),
        });
    }
    move_session(
        sessions_dir,
        id,
        &Place::Archived.folder(sessions_dir, id),
        &Place::Active.folder(sessions_dir, id),
        "an active session with this id exists: rename or archive it first",
    )
}

/// Moves an archived session into `.trash/<now_ms>/`, from which [`purge_trash`] removes it
/// later. Active sessions are refused: archive first. Answers the folder in the trash.
pub fn trash(sessions_dir: &Path, id: &SessionId, now_ms: i64) -> Result<PathBuf, HubError> {
    let id = id.as_str();
    match locate(sessions_dir, id) {
        None => Err(not_found(sessions_dir, id)),
        Some(Place::Active) => Err(HubError::WrongState(format!(
            "session {id:?} is active: only archived sessions can be deleted (archive it first)"
        ))),
        Some(Place::Archived) => {
            ensure_dir(&sessions_dir.join(TRASH_DIR))?;
            let bin = ensure_dir(&sessions_dir.join(TRASH_DIR).join(now_ms.max(0).to_string()))?;
            let to = bin.join(id);
            move_session(
                sessions_dir,
                id,
                &Place::Archived.folder(sessions_dir, id),
                &to,
                "the trash holds this session already",
            )?;
            Ok(to)
        }
    }
}

/// Removes what was put in the trash before `cutoff_ms`; answers the ids removed. A purge cut
/// short (a crash) is finished by the next one: the trash is never read as sessions.
pub fn purge_trash(sessions_dir: &Path, cutoff_ms: i64) -> Result<Vec<String>, PathError> {
    let trash = sessions_dir.join(TRASH_DIR);
    let mut purged = Vec::new();
    for bin in entries(&trash)? {
        let Some(name) = entry_name(&bin) else {
            continue;
        };
        // Only bins this module made: a folder named by a time that is past.
        let Ok(deleted_ms) = name.parse::<i64>() else {
            continue;
        };
        if deleted_ms >= cutoff_ms {
            continue;
        }
        let path = bin.path();
        purged.extend(entries(&path)?.iter().filter_map(entry_name));
        match std::fs::remove_dir_all(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(PathError { path, source: err }),
        }
    }
    if !purged.is_empty() {
        sync_dir(&trash)?;
    }
    Ok(purged)
}

/// The one rename, under the session's lock so that no status write is half-way through it.
/// A writer that was waiting for the lock finds the folder gone and says so.
fn move_session(
    sessions_dir: &Path,
    id: &str,
    from: &Path,
    to: &Path,
    exists: &str,
) -> Result<(), HubError> {
    let _lock = lock_session(from, LOCK_TIMEOUT).map_err(|err| move_error(from, err))?;
    match rename_noreplace(from, to) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            Err(HubError::WrongState(format!("session {id:?}: {exists}")))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Err(not_found(sessions_dir, id)),
        Err(err) => Err(move_error(from, err)),
    }
}

fn ensure_dir(dir: &Path) -> Result<PathBuf, HubError> {
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(|err| {
            move_error(
                dir,
                PathError {
                    path: dir.to_path_buf(),
                    source: err,
                },
            )
        })?;
        if let Some(parent) = dir.parent() {
            sync_dir(parent).map_err(|err| move_error(dir, err))?;
        }
    }
    Ok(dir.to_path_buf())
}

fn move_error(path: &Path, err: PathError) -> HubError {
    if err.kind() == io::ErrorKind::StorageFull {
        return HubError::StorageFull(err.to_string());
    }
    HubError::internal(format!("cannot move {}", path.display()), err)
}

fn not_found(sessions_dir: &Path, id: &str) -> HubError {
    HubError::NotFound(format!("no session {id:?} in {}", sessions_dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn session(dir: &Path, id: &str) -> SessionId {
        fs::create_dir_all(dir.join(id)).unwrap();
        fs::write(dir.join(id).join("communication.json"), "{}").unwrap();
        SessionId::parse(id).unwrap()
    }

    #[test]
    fn a_session_moves_archive_restore_archive_trash_purge() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let id = session(dir, "s-1");
        assert_eq!(locate(dir, "s-1"), Some(Place::Active));
        assert!(matches!(trash(dir, &id, 5), Err(HubError::WrongState(_))));
        assert!(matches!(restore(dir, &id), Err(HubError::WrongState(_))));

        archive(dir, &id).unwrap();
        assert_eq!(locate(dir, "s-1"), Some(Place::Archived));
        assert!(dir.join(".archive/s-1/communication.json").is_file());
        assert!(matches!(archive(dir, &id), Err(HubError::WrongState(_))));

        restore(dir, &id).unwrap();
        assert_eq!(locate(dir, "s-1"), Some(Place::Active));
        archive(dir, &id).unwrap();

        let binned = trash(dir, &id, 1_000).unwrap();
        assert_eq!(binned, dir.join(".trash/1000/s-1"));
        assert_eq!(locate(dir, "s-1"), None);
        assert!(matches!(archive(dir, &id), Err(HubError::NotFound(_))));

        assert!(purge_trash(dir, 1_000).unwrap().is_empty(), "not yet due");
        assert_eq!(purge_trash(dir, 1_001).unwrap(), ["s-1"]);
        assert!(!dir.join(".trash/1000").exists());
    }

    #[test]
    fn restore_never_replaces_an_active_session() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let id = session(dir, "s-1");
        archive(dir, &id).unwrap();
        // A new folder of the same name appeared meanwhile (copied in by hand).
        session(dir, "s-1");
        let err = restore(dir, &id).unwrap_err();
        assert!(matches!(err, HubError::WrongState(_)), "{err:?}");
        assert!(dir.join(".archive/s-1").is_dir() && dir.join("s-1").is_dir());
    }

    #[test]
    fn purge_leaves_what_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir_all(dir.join(".trash/keep-me/x")).unwrap();
        assert!(purge_trash(dir, i64::MAX).unwrap().is_empty());
        assert!(dir.join(".trash/keep-me/x").is_dir());
        assert!(purge_trash(&dir.join("missing"), i64::MAX)
            .unwrap()
            .is_empty());
    }
}
