//! Folders: making renames durable, and listing a folder that may not exist yet.

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
}
