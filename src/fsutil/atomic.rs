//! Crash-safe file replacement: a reader sees the old file or the new one, never a mix, and a
//! crash at any point leaves one of the two on disk.

use super::dir::sync_dir;
use super::{IoResultExt, PathError};
use std::fs::Permissions;
use std::io::Write;
use std::path::Path;

/// Prefix of our temp files. Dot-named, so readers and the watcher skip them.
pub const TEMP_PREFIX: &str = ".~hub-";
/// Suffix of our temp files.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `dir/name` via a temp file in the same folder: write, fsync, rename over
/// the target, fsync the folder. The target's permissions are kept (a new file gets 0644).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), PathError> {
    let target = dir.join(name);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .context(dir)?;
    temp.write_all(bytes).context(temp.path())?;
    temp.as_file()
        .set_permissions(permissions_for(&target))
        .context(temp.path())?;
    temp.as_file().sync_all().context(temp.path())?;
    temp.persist(&target)
        .map_err(|err| err.error)
        .context(&target)?;
    sync_dir(dir)
}

/// Whether `name` is one of our temp files (left behind if its writer was killed).
pub fn is_temp_file_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

fn permissions_for(target: &Path) -> Permissions {
    match std::fs::metadata(target) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(),
    }
}

#[cfg(unix)]
fn default_permissions() -> Permissions {
    use std::os::unix::fs::PermissionsExt;
    Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> Permissions {
    let mut permissions = tempfile::tempfile()
        .and_then(|f| f.metadata())
        .map(|m| m.permissions())
        .expect("a temp file");
    permissions.set_readonly(false);
    permissions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "f.json", b"one").unwrap();
        write_atomic(dir.path(), "f.json", b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("f.json")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.json"]);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = write_atomic(&missing, "f", b"x").unwrap_err();
        assert_eq!(err.path, missing);
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn temp_names_are_recognised() {
        assert!(is_temp_file_name(".~hub-abc.tmp"));
        assert!(!is_temp_file_name("communication.json"));
        assert!(!is_temp_file_name(".~hub-abc"));
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_targets_permissions_and_defaults_to_0644() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "new", b"x").unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("new"), 0o644);
        std::fs::set_permissions(dir.path().join("new"), Permissions::from_mode(0o664)).unwrap();
        write_atomic(dir.path(), "new", b"y").unwrap();
        assert_eq!(mode("new"), 0o664);
    }
}
