//! What the Monitor tab receives from the hub: the list or one session, with the hub's clock
//! (so relative times render the same on the server and during hydration), the settings the
//! page needs, and how the hub notices changes.

use super::question::SessionQuestion;
use super::{AgentStatus, SessionDetail, SessionList};
use serde::{Deserialize, Serialize};

/// Settings the monitor needs from the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorSettings {
    pub poll_interval_ms: u64,
    pub stale_after_ms: u64,
    /// Days a deleted session stays in the trash (`--trash-days`).
    #[serde(default)]
    pub trash_days: u64,
}

/// How the server notices changes on disk (its watcher's health), for the monitor to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeDetection {
    /// `native` or `poll`.
    pub mode: String,
    pub degraded: bool,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListAnswer {
    pub list: SessionList,
    /// Open questions of every session, newest first ("Needs you").
    pub questions: Vec<SessionQuestion>,
    pub now_ms: i64,
    pub settings: MonitorSettings,
    pub detection: ChangeDetection,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetailAnswer {
    pub session: SessionDetail,
    /// Open questions across all sessions (the title's count).
    pub open_questions: usize,
    /// The store generation the detail was read at.
    pub generation: u64,
    pub now_ms: i64,
    pub settings: MonitorSettings,
    pub detection: ChangeDetection,
}

/// Longest `status_message` an agent may leave with its status.
pub const MAX_STATUS_MESSAGE_CHARS: usize = 500;

/// A status an agent (or a person) sets: the body of `POST …/status` and `hub status set`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: String,
    /// Shown next to the status; a change without one clears the previous message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Refuse (409) unless `communication.json` is still at this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<u64>,
}

impl StatusChange {
    pub fn to(status: impl Into<String>) -> Self {
        Self {
            status: status.into(),
            ..Self::default()
        }
    }

    /// The message as it is stored: trimmed, `None` when blank, refused when too long.
    pub fn checked_message(&self) -> Result<Option<String>, super::HubError> {
        let Some(message) = self.message.as_deref().map(str::trim) else {
            return Ok(None);
        };
        if message.chars().count() > MAX_STATUS_MESSAGE_CHARS {
            return Err(super::HubError::Invalid(format!(
                "the status message is longer than {MAX_STATUS_MESSAGE_CHARS} characters"
            )));
        }
        Ok((!message.is_empty()).then(|| message.to_owned()))
    }
}

/// What a status update did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub session: String,
    pub agent: String,
    pub previous: AgentStatus,
    pub status: AgentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The file's `version` after the write.
    pub version: u64,
    pub updated_at: String,
}

/// What `POST /api/sessions/<id>/agents/<agent>/usage` answers: the amount added and the
/// agent's new total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsageUpdate {
    pub session: String,
    pub agent: String,
    pub added: crate::domain::usage::Usage,
    pub total: crate::domain::usage::Usage,
    /// The file's `version` after the write.
    pub version: u64,
}

/// How the hub notices changes on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchMode {
    /// inotify (or the platform's equivalent), with a periodic rescan as a safety net.
    Native,
    /// Rescan every second; for network filesystems where events do not arrive.
    Poll,
}
