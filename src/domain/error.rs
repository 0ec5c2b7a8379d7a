//! The one error type of the hub's use cases. It crosses both wires (the JSON API and the UI's
//! server functions) with the same meaning, the same message and the same HTTP status.
//!
//! What an internal error tells a caller is decided once: only its short `message`; the cause
//! (kept as the error's source) stays on the server, where `service` logs it.

use super::create::FieldErrors;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum HubError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A request that breaks rules of its fields: each message keyed by its field id.
    #[error("The session request is not valid. {}", .0.sentences())]
    Validation(FieldErrors),
    #[error("version conflict: expected {expected}, found {actual}")]
    Conflict { expected: u64, actual: u64 },
    /// A second answer to a question: the first one stands.
    #[error("question {0} was already answered")]
    AlreadyAnswered(String),
    #[error("{0}")]
    Forbidden(String),
    /// The session is not in a state that allows this (archiving an archived session, deleting
    /// an active one).
    #[error("{0}")]
    WrongState(String),
    /// The thing exists but its file cannot be read or parsed.
    #[error("{0}")]
    Unreadable(String),
    #[error("the disk is full: {0}")]
    StorageFull(String),
    /// A fault of the hub, not of the request. `message` is all a caller learns.
    #[error("{message}")]
    Internal {
        message: String,
        #[serde(skip)]
        #[source]
        cause: Option<Cause>,
    },
}

impl HubError {
    /// An internal fault, `what` said in words, `cause` kept as the source.
    pub fn internal(
        what: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Internal {
            message: what.into(),
            cause: Some(Cause(Arc::new(cause))),
        }
    }

    /// An internal fault with nothing more to it than `what`.
    pub fn internal_msg(what: impl Into<String>) -> Self {
        Self::Internal {
            message: what.into(),
            cause: None,
        }
    }

    /// The HTTP status this error answers with, on either wire.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Invalid(_) | Self::Validation(_) => 400,
            Self::Conflict { .. } | Self::AlreadyAnswered(_) | Self::WrongState(_) => 409,
            Self::Forbidden(_) => 403,
            Self::Unreadable(_) => 422,
            Self::StorageFull(_) => 507,
            Self::Internal { .. } => 500,
        }
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Internal { .. })
    }

    /// The field errors of a rejected request, if that is what this is.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Self::Validation(fields) => Some(fields),
            _ => None,
        }
    }
}

/// The underlying error of an internal one: shared, so the error stays `Clone`; compared by
/// its text.
#[derive(Clone)]
pub struct Cause(pub Arc<dyn std::error::Error + Send + Sync>);

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_keeps_its_cause_but_does_not_send_it() {
        let io = std::io::Error::other("disk on fire");
        let err = HubError::internal("cannot rescan the sessions folder", io);
        assert_eq!(err.to_string(), "cannot rescan the sessions folder");
        assert_eq!(
            std::error::Error::source(&err).map(|s| s.to_string()),
            Some("disk on fire".to_owned())
        );
        let wire = serde_json::to_string(&err).unwrap();
        assert!(!wire.contains("fire"), "{wire}");
        let back: HubError = serde_json::from_str(&wire).unwrap();
        assert_eq!(back.to_string(), "cannot rescan the sessions folder");
        assert_eq!(err.status_code(), 500);
    }

    #[test]
    fn validation_errors_say_every_field_and_answer_400() {
        let mut fields = FieldErrors::new();
        fields.insert("stub.id", "Give the stub an id.");
        fields.insert("agents", "Add at least one agent.");
        let err = HubError::Validation(fields.clone());
        assert_eq!(
            err.to_string(),
            "The session request is not valid. stub.id: Give the stub an id. agents: Add at least one agent."
        );
        assert_eq!(err.status_code(), 400);
        assert_eq!(err.fields(), Some(&fields));
    }
}
