//! Folders: making renames durable, renaming without replacing, and listing a folder that may
//! not exist yet.

use super::{IoResultExt, PathError};
use std::fs::DirEntry;
use std::io;
use std::path::Path;

/// Makes the entries of `dir` (new files, renames, removals) durable. A no-op where folders
/// cannot be opened (Windows).
pub fn sync_dir(dir: &Path) -> Result<(), PathError> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)
            .and_then(|folder| folder.sync_all())
            .context(dir)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Renames `from` to `to` in one step, refusing (`AlreadyExists`) when `to` exists: plain
/// `rename` would replace an empty folder there. Both parents are synced, so the move survives
/// a crash once this returns. Linux has `renameat2(RENAME_NOREPLACE)`; elsewhere a check comes
/// first, which a concurrent writer could race.
pub fn rename_noreplace(from: &Path, to: &Path) -> Result<(), PathError> {
    rename_exclusive(from, to).context(from)?;
    if let Some(parent) = to.parent() {
        sync_dir(parent)?;
    }
    match from.parent() {
        Some(parent) if Some(parent) != to.parent() => sync_dir(parent),
        _ => Ok(()),
    }
}

#[cfg(target_os = "linux")]
fn rename_exclusive(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        // Filesystems without the flag (some network ones) answer EINVAL: check, then rename.
        Err(rustix::io::Errno::INVAL) => rename_checked(from, to),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_exclusive(from: &Path, to: &Path) -> io::Result<()> {
    rename_checked(from, to)
}

fn rename_checked(from: &Path, to: &Path) -> io::Result<()> {
    if to.symlink_metadata().is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", to.display()),
        ));
    }
    std::fs::rename(from, to)
}

/// The entries of `dir`; none when it does not exist (yet).
pub fn entries(dir: &Path) -> Result<Vec<DirEntry>, PathError> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.collect::<io::Result<Vec<_>>>().context(dir),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(err) => Err(err).context(dir),
    }
}

/// The entry's name when it is valid UTF-8.
pub fn entry_name(entry: &DirEntry) -> Option<String> {
    entry.file_name().to_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_has_no_entries() {
        let dir = tempfile::tempdir().unwrap();
        assert!(entries(&dir.path().join("missing")).unwrap().is_empty());
        std::fs::write(dir.path().join("a"), "").unwrap();
        let names: Vec<_> = entries(dir.path())
            .unwrap()
            .iter()
            .filter_map(entry_name)
            .collect();
        assert_eq!(names, ["a"]);
        sync_dir(dir.path()).unwrap();
    }

    #[test]
    fn rename_noreplace_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::write(a.join("f"), "x").unwrap();
        // An empty folder is what plain rename would silently replace.
        std::fs::create_dir(&b).unwrap();
        let err = rename_noreplace(&a, &b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(a.join("f").exists());
        std::fs::remove_dir(&b).unwrap();
        rename_noreplace(&a, &b).unwrap();
        assert!(b.join("f").exists() && !a.exists());
        assert_eq!(
            rename_noreplace(&a, &b).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
