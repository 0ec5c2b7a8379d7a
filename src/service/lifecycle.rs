//! Archive, restore, delete, and the sweep that empties the trash.

use super::{now_ms, Hub};
use crate::domain::history::Actor;
use crate::domain::ids::SessionId;
use crate::domain::lifecycle::{check_delete_confirmation, LifecycleAction, Moved};
use crate::domain::{HubError, SessionList};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the trash is looked at (and once at start).
const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

impl Hub {
    /// The archived sessions (the list's "Archived" filter, `GET /api/sessions?archived=true`).
    pub fn archived_list(&self) -> Arc<SessionList> {
        self.store().archived_list()
    }

    /// Archives, restores or deletes a session. A delete needs `confirm` to be the session's
    /// id, and the session to be archived.
    pub async fn move_session(
        &self,
        id: SessionId,
        action: LifecycleAction,
        confirm: Option<String>,
        by: Actor,
    ) -> Result<Moved, HubError> {
        if action == LifecycleAction::Delete {
            check_delete_confirmation(id.as_str(), confirm.as_deref())?;
        }
        self.blocking("moving a session", move |hub| {
            let store = hub.store();
            match action {
                LifecycleAction::Archive => store.archive(&id, by)?,
                LifecycleAction::Restore => store.restore(&id, by)?,
                LifecycleAction::Delete => {
                    let binned = store.delete(&id, now_ms())?;
                    tracing::info!(session = %id, trash = %binned.display(), "session deleted");
                }
            }
            Ok(Moved {
                id: id.as_str().to_owned(),
                action,
                archived: action == LifecycleAction::Archive,
                deleted: action == LifecycleAction::Delete,
            })
        })
        .await
    }

    /// Removes what has been in the trash longer than `--trash-days`; answers the ids.
    pub async fn purge_trash(&self) -> Result<Vec<String>, HubError> {
        let keep_ms = i64::try_from(self.config().trash_after.as_millis()).unwrap_or(i64::MAX);
        self.blocking("emptying the trash", move |hub| {
            crate::store::lifecycle::purge_trash(
                &hub.config().sessions_dir,
                now_ms().saturating_sub(keep_ms),
            )
            .map_err(|err| HubError::internal("cannot empty the trash", err))
        })
        .await
    }

    /// Days a deleted session stays in the trash (what the delete dialog says).
    pub fn trash_days(&self) -> u64 {
        self.config().trash_after.as_secs() / 86_400
    }
}

impl Hub {
    /// Empties the trash at start and every hour until `shutdown` (the server runs this).
    pub async fn purge_trash_periodically(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match self.purge_trash().await {
                Ok(purged) if !purged.is_empty() => {
                    tracing::info!(?purged, "purged deleted sessions from the trash")
                }
                // An error is logged by `blocking`: the next sweep tries again.
                Ok(_) | Err(_) => {}
            }
            tokio::select! {
                _ = shutdown.wait_for(|stopping| *stopping) => break,
                () = tokio::time::sleep(PURGE_EVERY) => {}
            }
        }
    }
}
