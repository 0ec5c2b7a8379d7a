//! Following the shared store: one thread `LISTEN`s for `hub_changes` and, on every wake-up,
//! every reconnect and every [`CATCH_UP_EVERY`] without one, reads the change log after the
//! last generation it applied, brings those sessions' replicas up to date and tells the index.
//! A notification is only a wake-up: losing one (or the connection) delays a change by at most
//! [`CATCH_UP_EVERY`], and the log, not the notification, says what changed.

use super::Postgres;
use crate::store::SessionStore;
use postgres::fallible_iterator::FallibleIterator;
use postgres::NoTls;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// The longest a change made on another hub waits when notifications are lost.
pub const CATCH_UP_EVERY: Duration = Duration::from_secs(2);

/// Waits between reconnects, doubling up to the last.
const RECONNECT_PAUSES: [Duration; 5] = [
    Duration::from_millis(100),
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// The running follower; [`Following::stop`] ends it within [`CATCH_UP_EVERY`].
pub struct Following {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Following {
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Not joined: it may be waiting out a notification timeout, and nothing waits on it.
        drop(self.thread.take());
    }
}

/// Follows `store`'s database from generation `cursor` (what the replica holds).
pub fn follow(pg: Arc<Postgres>, store: Arc<SessionStore>, cursor: i64) -> Following {
    let stop = Arc::new(AtomicBool::new(false));
    let thread = std::thread::Builder::new()
        .name("hub-follow".into())
        .spawn({
            let stop = stop.clone();
            move || Follower { pg, store, cursor }.run(&stop)
        })
        .expect("the follower thread starts");
    Following {
        stop,
        thread: Some(thread),
    }
}

struct Follower {
    pg: Arc<Postgres>,
    store: Arc<SessionStore>,
    /// The last generation applied to the replica.
    cursor: i64,
}

impl Follower {
    fn run(mut self, stop: &AtomicBool) {
        let mut failures = 0usize;
        while !stop.load(Ordering::Relaxed) {
            let mut listener = match self.listen() {
                Ok(client) => client,
                Err(err) => {
                    self.pg.set_reachable(false);
                    if failures == 0 {
                        tracing::warn!(%err, store = %self.pg.shown_url, "lost the shared store; reconnecting");
                    }
                    std::thread::sleep(RECONNECT_PAUSES[failures.min(RECONNECT_PAUSES.len() - 1)]);
                    failures += 1;
                    // What could be read meanwhile is not worth waiting for a listener.
                    self.catch_up();
                    continue;
                }
            };
            if failures > 0 {
                tracing::info!(store = %self.pg.shown_url, "the shared store is back");
                failures = 0;
            }
            // Whatever happened while no one listened.
            self.catch_up();
            while !stop.load(Ordering::Relaxed) {
                let woke = listener.notifications().timeout_iter(CATCH_UP_EVERY).next();
                match woke {
                    Err(err) => {
                        tracing::warn!(%err, "the shared store's notifications stopped; reconnecting");
                        break;
                    }
                    Ok(Some(_)) => {
                        // One catch-up serves every notification already queued.
                        let _ = listener.notifications().iter().count();
                    }
                    Ok(None) if listener.is_closed() => break,
                    Ok(None) => {}
                }
                self.catch_up();
            }
        }
    }

    fn listen(&self) -> Result<postgres::Client, postgres::Error> {
        let mut client = postgres::Client::connect(&self.pg.url, NoTls)?;
        client.batch_execute(&format!("LISTEN {}", super::CHANNEL))?;
        Ok(client)
    }

    /// Applies everything after the cursor; a cursor the log no longer reaches (or a database
    /// that was replaced) brings the whole replica in line instead.
    fn catch_up(&mut self) {
        let was_reachable = self.pg.is_reachable();
        let changed = match self.changed_sessions() {
            Ok(changed) => changed,
            Err(err) => {
                tracing::debug!(%err, "cannot catch up with the shared store yet");
                return;
            }
        };
        if !was_reachable && self.pg.is_edge() {
            // What this edge wrote alone meanwhile goes out now.
            if let Err(err) = self.pg.sync_all() {
                tracing::warn!(%err, "cannot publish what changed while the shared store was away");
            }
        }
        if !changed.is_empty() {
            self.store.refresh_ids(changed);
        }
    }

    fn changed_sessions(&mut self) -> Result<BTreeSet<String>, crate::domain::HubError> {
        let (newest, oldest) = self.pg.log_bounds()?;
        self.pg.set_reachable(true);
        if newest == self.cursor {
            return Ok(BTreeSet::new());
        }
        let reaches =
            newest > self.cursor && oldest.is_some_and(|oldest| oldest <= self.cursor + 1);
        if !reaches {
            tracing::info!(
                cursor = self.cursor,
                newest,
                "the change log does not reach this replica's generation; reading everything"
            );
            self.pg.sync_all()?;
            self.cursor = newest;
            self.store
                .refresh()
                .map_err(|err| crate::domain::HubError::internal("cannot read the replica", err))?;
            return Ok(BTreeSet::new());
        }
        let mut changed = BTreeSet::new();
        loop {
            let batch = self.pg.changes_after(self.cursor)?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            let sessions: BTreeSet<String> = batch.into_iter().map(|(_, id)| id).collect();
            for id in sessions {
                if self.pg.materialise(&id)? {
                    changed.insert(id);
                }
            }
            self.cursor = last;
        }
        Ok(changed)
    }
}
