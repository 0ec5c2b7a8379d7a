//! The advisory lock that serialises read-modify-write of a session's `communication.json`.
//!
//! It locks a sidecar file that is never renamed or deleted: locking the data file itself
//! breaks as soon as a writer renames a new file over it (RELIABILITY §0.3: 665-713 of 1000
//! updates lost that way).

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

pub const LOCK_FILE: &str = ".hub.lock";

/// Held while alive; dropping it (closing the file) releases the lock.
#[derive(Debug)]
pub struct SessionLock {
    _file: File,
}

impl SessionLock {
    /// Waits up to `timeout` for the session's lock.
    pub fn acquire(session_dir: &Path, timeout: Duration) -> io::Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(session_dir.join(LOCK_FILE))?;
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
                        format!("another writer held the session lock for more than {timeout:?}"),
                    ))
                }
                Err(TryLockError::Error(err)) if err.kind() == io::ErrorKind::Unsupported => {
                    // Some network filesystems cannot lock; writes are still atomic, only
                    // concurrent writers may race.
                    tracing::warn!(dir = %session_dir.display(), "file locks unsupported here");
                    return Ok(Self { _file: file });
                }
                Err(TryLockError::Error(err)) => return Err(err),
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
        let first = SessionLock::acquire(dir.path(), Duration::from_secs(1)).unwrap();
        let err = SessionLock::acquire(dir.path(), Duration::from_millis(50)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        drop(first);
        SessionLock::acquire(dir.path(), Duration::from_millis(50)).unwrap();
    }
}
