//! Liveness, and what an operator wants to know first: is change detection working.

use super::Hub;
use crate::live::WatchHealth;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Health {
    /// `ok`, or `degraded` while changes on disk may be noticed late.
    pub status: &'static str,
    pub watch: WatchHealth,
    pub generation: u64,
    pub sessions: usize,
    /// How writers take turns: `flock`, or `lock-files` where the filesystem has no `flock`
    /// (NFS without a lock manager).
    pub locks: &'static str,
    /// Where the sessions are kept: `folder`, `postgres` (the folder being a replica), or
    /// `edge` (the folder, published to a shared PostgreSQL).
    pub store: &'static str,
}

impl Hub {
    pub fn health(&self) -> Health {
        let watch = self.watch_health();
        Health {
            status: if watch.degraded { "degraded" } else { "ok" },
            watch,
            generation: self.generation(),
            sessions: self.list().list.count,
            locks: crate::fsutil::lock::lock_kind(),
            store: self.store().backend().kind(),
        }
    }
}
