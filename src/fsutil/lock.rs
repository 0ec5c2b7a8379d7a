//! Advisory locks on a sidecar file that is never renamed or deleted: locking a data file that
//! writers replace by renaming breaks as soon as one does (665-713 of 1,000 updates were lost
//! that way when measured).

use super::{IoResultExt, PathError};
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// Held while alive; dropping it (closing the file) releases the lock.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Waits up to `timeout` for the lock on `path` (created if missing). A filesystem without
    /// locks gets a warning and no lock: writes stay atomic, only concurrent writers may race.
    pub fn acquire(path: &Path, timeout: Duration) -> Result<Self, PathError> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .context(path)?;
        let deadline = Instant::now() + timeout;
        let mut pause = Duration::from_micros(200);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("another writer held the lock for more than {timeout:?}"),
                    ))
                    .context(path)
                }
                Err(TryLockError::Error(err)) if err.kind() == io::ErrorKind::Unsupported => {
                    tracing::warn!(path = %path.display(), "file locks unsupported here");
                    return Ok(Self { _file: file });
                }
                Err(TryLockError::Error(err)) => return Err(err).context(path),
            }
        }
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
}
