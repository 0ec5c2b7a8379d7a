//! What a person can do with a whole session: archive it, restore it, delete it (archived
//! sessions only, after typing its id). Pure: where the folders go is the store's business.

use super::HubError;
use serde::{Deserialize, Serialize};

/// Archived sessions live in `<sessions-dir>/.archive/<id>`.
pub const ARCHIVE_DIR: &str = ".archive";
/// Deleted ones in `<sessions-dir>/.trash/<unix ms>/<id>` until purged.
pub const TRASH_DIR: &str = ".trash";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleAction {
    Archive,
    Restore,
    Delete,
}

impl LifecycleAction {
    pub const ALL: [LifecycleAction; 3] = [Self::Archive, Self::Restore, Self::Delete];

    /// The `&confirm=` value of the page that asks for it, and the form's path segment.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Archive => "archive",
            Self::Restore => "restore",
            Self::Delete => "delete",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.slug() == raw)
    }

    /// The button that asks, and the one that confirms.
    pub fn label(self) -> &'static str {
        match self {
            Self::Archive => "Archive",
            Self::Restore => "Restore",
            Self::Delete => "Delete",
        }
    }

    /// The question the confirmation dialog asks.
    pub fn question(self) -> &'static str {
        match self {
            Self::Archive => "Archive this session?",
            Self::Restore => "Restore this session?",
            Self::Delete => "Delete this session?",
        }
    }

    /// What happens, said before it does.
    pub fn consequence(self, trash_days: u64) -> String {
        match self {
            Self::Archive => "It moves to the archive: hidden from the list (choose the \
                 \"Archived\" filter to see it), read-only for agents, and restorable at any time."
                .to_owned(),
            Self::Restore => {
                "It moves back among the active sessions, where agents can report again.".to_owned()
            }
            Self::Delete => format!(
                "It moves to the trash and is removed for good after {trash_days} {}. \
                 This cannot be undone from the hub.",
                if trash_days == 1 { "day" } else { "days" }
            ),
        }
    }

    /// Which state the session must be in.
    pub fn needs_archived(self) -> bool {
        !matches!(self, Self::Archive)
    }

    /// The one sentence for a live region once it is done.
    pub fn done(self, id: &str) -> String {
        match self {
            Self::Archive => format!("Session {id} archived."),
            Self::Restore => format!("Session {id} restored."),
            Self::Delete => format!("Session {id} moved to the trash."),
        }
    }
}

/// What an archive, restore or delete did (the API's answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    pub id: String,
    pub action: LifecycleAction,
    /// Where it is now: archived (after archive), active (after restore), in the trash.
    pub archived: bool,
    pub deleted: bool,
}

/// A delete must name the session it deletes: typing the id guards against the wrong row.
pub fn check_delete_confirmation(id: &str, typed: Option<&str>) -> Result<(), HubError> {
    match typed.map(str::trim) {
        Some(typed) if typed == id => Ok(()),
        Some(_) => Err(HubError::Invalid(
            "The id typed does not match the session: nothing was deleted.".to_owned(),
        )),
        None => Err(HubError::Invalid(
            "Type the session's id to confirm the delete: nothing was deleted.".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_only_archive_works_on_active_sessions() {
        for action in LifecycleAction::ALL {
            assert_eq!(LifecycleAction::parse(action.slug()), Some(action));
        }
        assert_eq!(LifecycleAction::parse("purge"), None);
        assert!(!LifecycleAction::Archive.needs_archived());
        assert!(LifecycleAction::Delete.needs_archived());
        assert!(LifecycleAction::Delete.consequence(1).contains("1 day."));
        assert!(LifecycleAction::Delete.consequence(7).contains("7 days."));
    }

    #[test]
    fn a_delete_needs_the_exact_id() {
        assert!(check_delete_confirmation("s-1", Some("s-1")).is_ok());
        assert!(check_delete_confirmation("s-1", Some("  s-1 ")).is_ok());
        for typed in [Some("s-2"), Some(""), Some("S-1"), None] {
            assert!(
                matches!(
                    check_delete_confirmation("s-1", typed),
                    Err(HubError::Invalid(_))
                ),
                "{typed:?}"
            );
        }
    }
}
