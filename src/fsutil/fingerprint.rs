//! What a file looked like when it was read, to tell cheaply whether it changed since.

use std::fs::Metadata;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How a file looked when we read it. Two reads with equal fingerprints saw the same file,
/// unless it was rewritten within the filesystem's timestamp granularity (see `is_racy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub len: u64,
    pub modified_ns: i128,
    pub changed_ns: i128,
    pub inode: u64,
}

impl Fingerprint {
    pub fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Self {
                len: meta.len(),
                modified_ns: i128::from(meta.mtime()) * 1_000_000_000
                    + i128::from(meta.mtime_nsec()),
                changed_ns: i128::from(meta.ctime()) * 1_000_000_000
                    + i128::from(meta.ctime_nsec()),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let modified_ns = meta.modified().map(system_time_ns).unwrap_or(0);
            Self {
                len: meta.len(),
                modified_ns,
                changed_ns: modified_ns,
                inode: 0,
            }
        }
    }

    pub fn modified_ms(&self) -> i64 {
        (self.modified_ns / 1_000_000) as i64
    }

    /// A file modified this close to when we read it may change again without its fingerprint
    /// changing (timestamps are coarse), so it must be read again later ("racy git").
    pub fn is_racy(&self, read_at: SystemTime) -> bool {
        system_time_ns(read_at) - self.modified_ns.max(self.changed_ns)
            < RACY_WINDOW.as_nanos() as i128
    }
}

const RACY_WINDOW: Duration = Duration::from_secs(2);

/// Nanoseconds since the Unix epoch (negative before it).
pub fn system_time_ns(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms(time: SystemTime) -> i64 {
    (system_time_ns(time) / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_write_is_racy_and_an_old_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "x").unwrap();
        let fingerprint = Fingerprint::of(&std::fs::metadata(&path).unwrap());
        assert!(fingerprint.is_racy(SystemTime::now()));
        assert!(!fingerprint.is_racy(SystemTime::now() + Duration::from_secs(3)));
    }
}
