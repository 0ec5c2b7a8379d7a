//! Crash-safe file replacement: a reader sees the old file or the new one, never a mix, and a
//! crash at any point leaves one of the two on disk (RELIABILITY §0.1).

use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::path::Path;

/// Prefix of our temp files. Dot-named, so readers and the watcher skip them.
pub const TEMP_PREFIX: &str = ".~hub-";

/// Writes `bytes` to `dir/name` via a temp file in the same folder: write, fsync, rename over
/// the target, fsync the folder. The target's permissions are kept (a new file gets 0644).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let target = dir.join(name);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().set_permissions(permissions_for(&target))?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|err| err.error)?;
    sync_dir(dir)
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

/// Makes a rename in `dir` durable. A no-op where folders cannot be opened (Windows).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
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
