//! The one error type that crosses the wire, for both the REST API and server functions.
//! It carries a kind and a message for people; HTTP status codes live in the server layer.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum HubError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("version conflict: expected {expected}, found {actual}")]
    Conflict { expected: u64, actual: u64 },
    #[error("{0}")]
    Forbidden(String),
    /// The thing exists but its file cannot be read or parsed.
    #[error("{0}")]
    Unreadable(String),
    #[error("the disk is full: {0}")]
    StorageFull(String),
    #[error("{0}")]
    Internal(String),
}
