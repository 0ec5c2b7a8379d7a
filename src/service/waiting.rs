//! `hub wait`: until the awaited agents of a session are complete, one of them is blocked, or
//! the time is up.

use super::Hub;
use crate::domain::ids::SessionId;
use crate::domain::waiting::{awaited_agents, progress, Awaited, Progress};
use crate::domain::HubError;
use std::time::Duration;
use tokio::time::Instant;

impl Hub {
    /// Waits on the store's change feed (fed by the watcher, or by the hub's own writes), not
    /// on a timer; the answer is the progress when it stopped waiting (`Pending` on timeout).
    pub async fn wait_for_agents(
        &self,
        session: SessionId,
        awaited: Awaited,
        timeout: Option<Duration>,
    ) -> Result<Progress, HubError> {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut changes = self.store().subscribe();
        loop {
            changes.borrow_and_update();
            let detail = self.detail(session.clone()).await?;
            let agents = awaited_agents(&detail, &awaited)?;
            let now = progress(&detail, &agents);
            if !matches!(now, Progress::Pending { .. }) {
                return Ok(now);
            }
            // A missed wake-up costs at most this long (an edit the watcher did not report).
            let recheck = Instant::now() + Duration::from_secs(5);
            let until = deadline.map_or(recheck, |deadline| deadline.min(recheck));
            match tokio::time::timeout_at(until, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Ok(now),
                Err(_) if deadline.is_some_and(|deadline| Instant::now() >= deadline) => {
                    return Ok(now)
                }
                Err(_) => {
                    // Re-read from disk, in case nothing told the store.
                    let id = session.as_str().to_owned();
                    self.blocking("re-reading a session", move |hub| {
                        hub.store().refresh_ids([id]);
                        Ok(())
                    })
                    .await?;
                }
            }
        }
    }
}
