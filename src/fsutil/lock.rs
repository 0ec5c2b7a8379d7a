//! Advisory locks on a sidecar file that is never renamed or deleted: locking a data file that
//! writers replace by renaming breaks as soon as one does (665-713 of 1,000 updates were lost
//! that way when measured).
//!
//! Where the filesystem has no `flock` (NFS without a lock manager answers `ENOLCK`; some
//! FUSE and SMB mounts `EOPNOTSUPP`), the lock falls back to a marker file created with
//! `O_EXCL` next to the sidecar, which NFSv3 and later create atomically: writers still take
//! turns. A marker older than [`STALE_MARKER`] is a writer killed while holding it, and is
//! taken over. `/healthz` says which kind of lock is in use.

use super::{IoResultExt, PathError};
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// A writer holds a lock for milliseconds; a marker this old belongs to a writer that died.
pub const STALE_MARKER: Duration = Duration::from_secs(30);

/// Whether this process has had to fall back to marker files.
static MARKER_FALLBACK: AtomicBool = AtomicBool::new(false);

/// The kind of lock writers take here: `flock`, or `lock-files` once a filesystem refused it.
pub fn lock_kind() -> &'static str {
    if MARKER_FALLBACK.load(Ordering::Relaxed) {
        "lock-files"
    } else {
        "flock"
    }
}

/// Held while alive; dropping it (closing the file, or removing the marker) releases the lock.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    marker: Option<PathBuf>,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        if let Some(marker) = &self.marker {
            let _ = std::fs::remove_file(marker);
        }
    }
}

/// Whether `err` from `flock` means this filesystem cannot lock at all (rather than a failure
/// worth reporting): `ENOLCK`, `EOPNOTSUPP`/`ENOTSUP`, or what std calls unsupported.
pub fn locks_unavailable(err: &io::Error) -> bool {
    const ENOLCK: i32 = 37;
    const EOPNOTSUPP: i32 = 95;
    err.kind() == io::ErrorKind::Unsupported
        || matches!(err.raw_os_error(), Some(ENOLCK | EOPNOTSUPP))
}

impl FileLock {
    /// Waits up to `timeout` for the lock on `path` (created if missing).
    pub fn acquire(path: &Path, timeout: Duration) -> Result<Self, PathError> {
        let file = open_sidecar(path)?;
        let deadline = Instant::now() + timeout;
        let mut pause = Backoff::default();
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(Self {
                        _file: file,
                        marker: None,
                    })
                }
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => pause.sleep(),
                Err(TryLockError::WouldBlock) => return Err(timed_out(timeout)).context(path),
                Err(TryLockError::Error(err)) if locks_unavailable(&err) => {
                    if !MARKER_FALLBACK.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            path = %path.display(), %err,
                            "this filesystem cannot lock files (on NFS: is a lock manager \
                             running?); writers take turns through lock-marker files instead"
                        );
                    }
                    let marker = marker_path(path);
                    acquire_marker(&marker, deadline, timeout).context(&marker)?;
                    return Ok(Self {
                        _file: file,
                        marker: Some(marker),
                    });
                }
                Err(TryLockError::Error(err)) => return Err(err).context(path),
            }
        }
    }

    /// The fallback alone, for filesystems known to have no `flock`.
    pub fn acquire_marker(path: &Path, timeout: Duration) -> Result<Self, PathError> {
        let file = open_sidecar(path)?;
        let marker = marker_path(path);
        acquire_marker(&marker, Instant::now() + timeout, timeout).context(&marker)?;
        Ok(Self {
            _file: file,
            marker: Some(marker),
        })
    }
}

/// The lock's sidecar file, created empty if missing and never truncated.
fn open_sidecar(path: &Path) -> Result<File, PathError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .context(path)
}

fn marker_path(lock: &Path) -> PathBuf {
    let name = lock
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    lock.with_file_name(marker_name(name))
}

/// The name of the marker that stands for a held lock on `lock_file_name` (in the fallback).
pub fn marker_name(lock_file_name: &str) -> String {
    format!("{lock_file_name}.held")
}

/// Creates `marker` exclusively, waiting while another writer holds it, taking over one that
/// is older than [`STALE_MARKER`].
fn acquire_marker(marker: &Path, deadline: Instant, timeout: Duration) -> io::Result<()> {
    let mut pause = Backoff::default();
    loop {
        match OpenOptions::new().write(true).create_new(true).open(marker) {
            Ok(_) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                let age = std::fs::metadata(marker)
                    .and_then(|meta| meta.modified())
                    .ok()
                    .and_then(|modified| SystemTime::now().duration_since(modified).ok());
                if age.is_some_and(|age| age > STALE_MARKER) {
                    tracing::warn!(marker = %marker.display(), "taking over a stale lock marker");
                    let _ = std::fs::remove_file(marker);
                    continue;
                }
                if Instant::now() >= deadline {
                    return Err(timed_out(timeout));
                }
                pause.sleep();
            }
            Err(err) => return Err(err),
        }
    }
}

fn timed_out(timeout: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("another writer held the lock for more than {timeout:?}"),
    )
}

/// 200 µs, doubling to 20 ms.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(Duration::from_micros(200))
    }
}

impl Backoff {
    fn sleep(&mut self) {
        std::thread::sleep(self.0);
        self.0 = (self.0 * 2).min(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let first = FileLock::acquire(&path, Duration::from_secs(1)).unwrap();
        let err = FileLock::acquire(&path, Duration::from_millis(50)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        drop(first);
        FileLock::acquire(&path, Duration::from_millis(50)).unwrap();
    }

    #[test]
    fn no_locks_here_is_recognised_and_other_errors_are_not() {
        assert!(locks_unavailable(&io::Error::from_raw_os_error(37)));
        assert!(locks_unavailable(&io::Error::from_raw_os_error(95)));
        assert!(locks_unavailable(&io::ErrorKind::Unsupported.into()));
        assert!(!locks_unavailable(&io::Error::from_raw_os_error(13)));
        assert!(!locks_unavailable(&io::ErrorKind::TimedOut.into()));
    }

    #[test]
    fn marker_locks_take_turns_and_release_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let first = FileLock::acquire_marker(&path, Duration::from_secs(1)).unwrap();
        assert!(dir.path().join(".lock.held").exists());
        let err = FileLock::acquire_marker(&path, Duration::from_millis(50)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        drop(first);
        assert!(!dir.path().join(".lock.held").exists());
        FileLock::acquire_marker(&path, Duration::from_millis(50)).unwrap();
    }

    #[test]
    fn a_dead_writers_marker_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let marker = dir.path().join(".lock.held");
        std::fs::write(&marker, "").unwrap();
        let old = SystemTime::now() - STALE_MARKER - Duration::from_secs(5);
        File::options()
            .write(true)
            .open(&marker)
            .unwrap()
            .set_modified(old)
            .unwrap();
        FileLock::acquire_marker(&path, Duration::from_millis(50)).unwrap();
    }

    #[test]
    fn marker_locks_lose_no_update_between_threads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let counter = dir.path().join("counter");
        std::fs::write(&counter, "0").unwrap();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        let _held =
                            FileLock::acquire_marker(&path, Duration::from_secs(10)).unwrap();
                        let n: u32 = std::fs::read_to_string(&counter).unwrap().parse().unwrap();
                        std::fs::write(&counter, (n + 1).to_string()).unwrap();
                    }
                });
            }
        });
        assert_eq!(std::fs::read_to_string(&counter).unwrap(), "200");
    }
}
