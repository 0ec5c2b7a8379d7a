//! Bounded reads of files that other processes may be rewriting: one open that never blocks on
//! a FIFO, `fstat` on what was opened, and never more than a cap.

use super::fingerprint::Fingerprint;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Opens `path` for reading without waiting on it: a FIFO (or a file swapped for one) must not
/// hang the hub, and a terminal must not become its controlling terminal. Regular files ignore
/// both flags.
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(NONBLOCKING_FLAGS);
    }
    options.open(path)
}

/// `O_NONBLOCK | O_NOCTTY`, for [`open_nonblocking`] and for opens through cap-std.
#[cfg(unix)]
pub const NONBLOCKING_FLAGS: i32 = libc::O_NONBLOCK | libc::O_NOCTTY;

/// The start of a file, as much as a cap allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefix {
    pub bytes: Vec<u8>,
    /// The file's size in bytes (at least `bytes.len()`).
    pub size: u64,
    /// The file goes on past `bytes`.
    pub truncated: bool,
}

/// Never allocates more up front than this, whatever the cap: the file may be shorter than
/// `fstat` said by the time it is read.
const MAX_INITIAL_CAPACITY: u64 = 16 << 20;

/// Reads at most `max_bytes` of `file`, whose size `fstat` gave as `size`. The size may be stale
/// (a growing log): one more byte settles whether the file goes on.
pub fn read_prefix(file: &File, size: u64, max_bytes: u64) -> io::Result<Prefix> {
    let capacity = size.min(max_bytes).min(MAX_INITIAL_CAPACITY) as usize;
    let mut bytes = Vec::with_capacity(capacity);
    file.take(max_bytes).read_to_end(&mut bytes)?;
    let mut more = Vec::new();
    if bytes.len() as u64 == max_bytes {
        file.take(1).read_to_end(&mut more)?;
    }
    let truncated = !more.is_empty();
    let read = bytes.len() as u64;
    let size = if truncated { size.max(read + 1) } else { read };
    Ok(Prefix {
        bytes,
        size,
        truncated,
    })
}

/// Why a whole file could not be read. The messages are for people.
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

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(err) => Some(err),
            _ => None,
        }
    }
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
    let prefix = read_prefix(&file, meta.len(), cap).map_err(ReadError::Io)?;
    if prefix.truncated {
        return Err(ReadError::TooLarge {
            len: prefix.size,
            cap,
        });
    }
    Ok((prefix.bytes, Fingerprint::of(&meta)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
    fn a_prefix_stops_at_the_cap_and_notices_growth() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let read = |size, max| read_prefix(&File::open(&path).unwrap(), size, max).unwrap();
        let out = read(10, 4);
        assert_eq!(
            (out.bytes.as_slice(), out.size, out.truncated),
            (&b"0123"[..], 10, true)
        );
        let out = read(10, 10);
        assert_eq!((out.size, out.truncated), (10, false));
        // fstat said 3 bytes, but the file has grown since: still truncated at the cap.
        let out = read(3, 5);
        assert_eq!((out.bytes.len(), out.size, out.truncated), (5, 6, true));
        let out = read(10, 0);
        assert_eq!((out.bytes.len(), out.truncated), (0, true));
    }
}
