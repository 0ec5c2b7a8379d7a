//! A session's history: reading it, and the task that records what changed on disk without
//! passing through this hub (an agent editing `communication.json` itself, a question file, or
//! anything that changed while no hub ran).

use super::Hub;
use crate::domain::history::{HistoryAnswer, HistoryEvent};
use crate::domain::ids::SessionId;
use crate::domain::timeline::{timeline, Timeline};
use crate::domain::HubError;
use crate::store::SessionStore;
use std::sync::Arc;
use tokio::sync::watch;

impl Hub {
    /// `GET /api/sessions/<id>/history`: every event, oldest first (active or archived).
    pub async fn history(&self, id: SessionId) -> Result<HistoryAnswer, HubError> {
        let events = self.history_events(id.clone()).await?;
        Ok(HistoryAnswer {
            session: id.as_str().to_owned(),
            events: events.to_vec(),
        })
    }

    /// The session's timeline: its history drawn per agent, up to now.
    pub async fn timeline(&self, id: SessionId) -> Result<Timeline, HubError> {
        let roster: Vec<String> = self
            .store()
            .communication(&id)?
            .agents
            .iter()
            .map(|agent| agent.agent_id.clone())
            .collect();
        let events = self.history_events(id).await?;
        Ok(timeline(&events, &roster, super::now_ms()))
    }

    async fn history_events(&self, id: SessionId) -> Result<Arc<Vec<HistoryEvent>>, HubError> {
        self.blocking("reading a session's history", move |hub| {
            let folder = hub.store().folder(&id)?;
            hub.store()
                .history_events(&folder)
                .map_err(|err| HubError::internal("cannot read the session's history", err))
        })
        .await
    }
}

/// Records, for every session the store sees change, what its history does not hold yet.
/// The first pass looks at every session: what changed while no hub ran is recorded then, as
/// one observed change per agent.
pub async fn record_observed_changes(
    store: Arc<SessionStore>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut changed = store.subscribe();
    let mut seen = None::<u64>;
    while !*shutdown.borrow() {
        let generation = *changed.borrow_and_update();
        let ids = match seen {
            None => None,
            Some(seen) => match store.changes_since(seen) {
                Some(changes) => Some(
                    changes
                        .created
                        .into_iter()
                        .chain(changes.updated)
                        .collect::<Vec<_>>(),
                ),
                // Too far behind to know what changed: look at everything.
                None => None,
            },
        };
        let work = store.clone();
        let _ = tokio::task::spawn_blocking(move || work.observe_history(ids)).await;
        seen = Some(generation);
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = changed.changed() => {}
        }
    }
}
