//! A session is assembled in `<sessions-dir>/.staging-<random>/` and renamed into place in one
//! step, so readers see all of it or nothing. Readers skip dot-names; a
//! crash leaves only a staging folder, which [`sweep`] removes.

use crate::fsutil::dir::{entries, entry_name, sync_dir};
use crate::fsutil::{IoResultExt, PathError};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const STAGING_PREFIX: &str = ".staging-";

/// Removed with its contents when dropped, unless it was renamed into place.
pub struct Staging {
    path: PathBuf,
    armed: bool,
}

impl Staging {
    pub fn create(sessions_dir: &Path) -> io::Result<Self> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(STAGING_PREFIX).rand_bytes(12);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // tempfile makes directories private (0700); a session folder is an ordinary one.
            builder.permissions(fs::Permissions::from_mode(0o777));
        }
        let path = builder.tempdir_in(sessions_dir)?.keep();
        Ok(Self { path, armed: true })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes (or rewrites) `relative` and syncs it to disk.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = File::create(&path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    /// Renames the folder to `target`. On failure the staging folder stays (and stays armed),
    /// so the caller can try another name.
    pub fn rename_to(&mut self, target: &Path) -> io::Result<()> {
        fs::rename(&self.path, target)?;
        self.armed = false;
        self.path = target.to_owned();
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// True when a rename failed because the target name is taken (by a non-empty folder or a
/// file), so the next name should be tried.
pub fn name_taken(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::AlreadyExists
            | io::ErrorKind::DirectoryNotEmpty
            | io::ErrorKind::NotADirectory
    )
}

/// Removes leftover staging folders (from a crash mid-create); returns how many. Call it when
/// no generation is running against `sessions_dir`, i.e. at server start.
pub fn sweep(sessions_dir: &Path) -> Result<usize, PathError> {
    let mut removed = 0;
    for entry in entries(sessions_dir)? {
        let is_staging = entry_name(&entry).is_some_and(|name| name.starts_with(STAGING_PREFIX));
        if is_staging && entry.file_type().context(entry.path())?.is_dir() {
            match fs::remove_dir_all(entry.path()) {
                Ok(()) => removed += 1,
                // Someone else swept it first.
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(err).context(entry.path()),
            }
        }
    }
    if removed > 0 {
        sync_dir(sessions_dir)?;
    }
    Ok(removed)
}
