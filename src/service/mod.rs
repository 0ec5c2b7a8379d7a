//! The hub's use cases, one method each on [`Hub`]: what the JSON API, the UI's server
//! functions and the command line all call. The wires only translate; everything a use case
//! needs (the store, the configuration, blocking threads, logging) is here.
//!
//! Errors: every method answers a [`HubError`]. An internal one is logged here, once, with its
//! cause; what reaches a caller is its short message only (see `domain::error`).

pub mod alerts;
mod config;
mod create;
pub mod demo;
mod events;
mod export;
mod health;
pub mod history;
mod lifecycle;
mod output;
mod questions;
mod sessions;
mod startup;
mod waiting;

pub use config::{
    parse_duration, parse_notify_url, parse_publish_to, parse_store, Config, DEFAULT_SCAN_BUDGET,
    DEFAULT_TRASH_DAYS, FOLDER_STORE,
};
pub use create::API_SCAN_BUDGET;
pub use events::{ChangeEvent, ChangeStream};
pub use health::Health;
pub use output::{output_preview, OutputFile};
pub use questions::MAX_ANSWER_WAIT;
pub use startup::Background;

use crate::discovery::scans::Scans;
use crate::domain::HubError;
use crate::live::WatchHealth;
use crate::store::SessionStore;
use std::sync::{Arc, RwLock};

/// The hub: cheap to clone (every handler and render gets one), all clones the same hub.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Arc<SessionStore>,
    /// Context scans in flight (the wizard's progress and Cancel).
    scans: Arc<Scans>,
    /// How changes on disk are noticed; set once the watcher runs.
    watch_health: RwLock<Arc<RwLock<WatchHealth>>>,
    /// The shared store this hub replicates, if any, and the generation the replica was
    /// brought to when the hub opened (where following it starts).
    shared: Option<(Arc<crate::store::postgres::Postgres>, i64)>,
}

impl Hub {
    /// A hub over `config.sessions_dir`, its index empty until [`Hub::rescan`] (or the
    /// watcher) fills it.
    pub fn new(config: Config) -> Self {
        Self::with_shared_store(config, None)
    }

    /// A hub whose sessions folder replicates `shared` (a database, and the generation the
    /// folder holds), or is the store itself (`None`).
    pub fn with_shared_store(
        config: Config,
        shared: Option<(Arc<crate::store::postgres::Postgres>, i64)>,
    ) -> Self {
        let mut store =
            SessionStore::new(&config.sessions_dir).with_stale_after(config.stale_after);
        if let Some((postgres, _)) = &shared {
            store = store.with_backend(postgres.clone());
        }
        let store = Arc::new(store);
        Self {
            inner: Arc::new(Inner {
                config,
                store,
                scans: Arc::default(),
                watch_health: RwLock::new(Arc::new(RwLock::new(WatchHealth {
                    mode: "none",
                    degraded: true,
                    detail: "no watcher is running; changes show on refresh".into(),
                    worst_case_ms: 0,
                }))),
                shared,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The store itself, for what drives it from below: the watcher and the demo's agents.
    pub fn store(&self) -> &Arc<SessionStore> {
        &self.inner.store
    }

    /// Where the watcher reports its health from now on.
    pub fn watched_by(&self, health: Arc<RwLock<WatchHealth>>) {
        *self.inner.watch_health.write().expect("health lock") = health;
    }

    fn watch_health(&self) -> WatchHealth {
        let shared = self.inner.watch_health.read().expect("health lock").clone();
        let health = shared.read().expect("health lock").clone();
        health
    }

    /// Runs blocking work (the filesystem) off the async threads, and logs an internal error.
    async fn blocking<T: Send + 'static>(
        &self,
        what: &'static str,
        work: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
    ) -> Result<T, HubError> {
        let hub = self.clone();
        let result = tokio::task::spawn_blocking(move || work(&hub))
            .await
            .unwrap_or_else(|err| Err(HubError::internal(format!("{what} failed"), err)));
        result.map_err(|err| logged(what, err))
    }
}

/// Logs an internal error with its cause: the one place both wires' internal errors are told.
fn logged(what: &str, err: HubError) -> HubError {
    if let HubError::Internal { message, cause } = &err {
        match cause {
            Some(cause) => tracing::error!(%message, %cause, "{what}"),
            None => tracing::error!(%message, "{what}"),
        }
    }
    err
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    crate::fsutil::fingerprint::unix_ms(std::time::SystemTime::now())
}
