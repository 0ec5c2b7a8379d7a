//! Tolerant reads of the small files agents rewrite while the hub reads them: one bounded,
//! non-blocking read (`fsutil::read`), re-read when it does not parse.

use crate::fsutil::fingerprint::Fingerprint;
use crate::fsutil::read::{read_capped, ReadError};
use std::path::Path;
use std::time::Duration;

/// Larger `communication.json` / `instructions.json` files are refused, not read.
pub const MAX_METADATA_BYTES: u64 = 8 << 20;

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
}
