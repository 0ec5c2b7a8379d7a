//! Tolerant, bounded reads of small files that other processes rewrite while we read them
//! (RELIABILITY §2): one open, a size cap, regular files only, never blocking on a FIFO.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Larger `communication.json` / `instructions.json` files are refused, not read.
pub const MAX_METADATA_BYTES: u64 = 8 << 20;

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

pub fn system_time_ns(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

pub fn unix_ms(time: SystemTime) -> i64 {
    (system_time_ns(time) / 1_000_000) as i64
}

/// Why a file could not be read. The messages are for people.
#[derive(Debug)]
pub enum ReadError {
    Missing,
    NotAFile,
    TooLarge { len: u64, cap: u64 },
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("the file does not exist"),
            Self::NotAFile => f.write_str("it is not a regular file"),
            Self::TooLarge { len, cap } => {
                write!(f, "it is {len} bytes, more than the {cap}-byte limit")
            }
            Self::Io(err) => write!(f, "{err}"),
        }
    }
}

fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO must not hang the hub. Regular files ignore the flag.
        options.custom_flags(0o4000);
    }
    options.open(path)
}

/// Opens `path` once and reads it whole if it is a regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> Result<(Vec<u8>, Fingerprint), ReadError> {
    let file = open_nonblocking(path).map_err(|err| match err.kind() {
        io::ErrorKind::NotFound => ReadError::Missing,
        _ => ReadError::Io(err),
    })?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge {
            len: meta.len(),
            cap,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            len: bytes.len() as u64,
            cap,
        });
    }
    Ok((bytes, Fingerprint::of(&meta)))
}

/// Reads and parses, re-reading a few times when the content does not parse: a foreign writer
/// that truncates and rewrites in place is caught mid-write far more often than it is broken.
pub fn read_parsed<T>(
    path: &Path,
    cap: u64,
    parse: impl Fn(&[u8]) -> Result<T, String>,
) -> Result<(T, Fingerprint), String> {
    const BACKOFF_MS: [u64; 3] = [5, 20, 50];
    let mut attempt = 0;
    loop {
        let (bytes, fingerprint) = read_capped(path, cap).map_err(|err| describe(path, &err))?;
        match parse(&bytes) {
            Ok(value) => return Ok((value, fingerprint)),
            Err(_) if attempt < BACKOFF_MS.len() => {
                std::thread::sleep(Duration::from_millis(BACKOFF_MS[attempt]));
                attempt += 1;
            }
            Err(err) if bytes.iter().all(u8::is_ascii_whitespace) => {
                return Err(format!("{}: the file is empty ({err})", file_name(path)))
            }
            Err(err) => return Err(err),
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub fn describe(path: &Path, err: &ReadError) -> String {
    format!("{} cannot be read: {err}", file_name(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_directories_fifos_and_big_files() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(matches!(read_capped(&sub, 10), Err(ReadError::NotAFile)));

        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 11]).unwrap();
        assert!(matches!(
            read_capped(&big, 10),
            Err(ReadError::TooLarge { len: 11, cap: 10 })
        ));
        assert_eq!(read_capped(&big, 11).unwrap().0.len(), 11);

        assert!(matches!(
            read_capped(&dir.path().join("none"), 10),
            Err(ReadError::Missing)
        ));

        #[cfg(target_os = "linux")]
        {
            let fifo = dir.path().join("fifo");
            let status = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(status.success());
            let started = std::time::Instant::now();
            assert!(matches!(read_capped(&fifo, 10), Err(ReadError::NotAFile)));
            assert!(started.elapsed() < Duration::from_secs(1));
        }
    }

    #[test]
    fn parse_errors_are_reported_after_retries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("communication.json");
        std::fs::write(&path, "  \n").unwrap();
        let err = read_parsed(&path, 100, |b| {
            serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string())
        })
        .unwrap_err();
        assert!(err.contains("empty"), "{err}");
    }

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
