//! Filesystem primitives, each written once: atomic replacement, directory sync, advisory
//! locks, non-blocking capped reads, opening beneath a folder, file fingerprints, and listing a
//! folder that may not exist yet. Policy (which files, which limits, what an error tells a
//! person) lives in the callers: `store`, `generate`, `discovery`.

pub mod atomic;
pub mod beneath;
pub mod dir;
pub mod fingerprint;
pub mod lock;
pub mod read;

use std::io;
use std::path::{Path, PathBuf};

/// An I/O error and the path it happened on, with the error kept as its source (the shape of
/// jj's `file_util::PathError`).
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct PathError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl PathError {
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}

/// For callers that deal in `io::Error`: the kind is kept, and the path is in the message.
impl From<PathError> for io::Error {
    fn from(err: PathError) -> Self {
        io::Error::new(err.kind(), err)
    }
}

/// Attaches a path to an `io::Result`.
pub trait IoResultExt<T> {
    fn context(self, path: impl AsRef<Path>) -> Result<T, PathError>;
}

impl<T> IoResultExt<T> for io::Result<T> {
    fn context(self, path: impl AsRef<Path>) -> Result<T, PathError> {
        self.map_err(|source| PathError {
            path: path.as_ref().to_path_buf(),
            source,
        })
    }
}
