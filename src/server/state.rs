use crate::config::Config;
use crate::live::WatchHealth;
use crate::store::SessionStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{Arc, RwLock};
use tokio::sync::watch;

/// Everything a request handler, SSR render or server function needs. leptos_axum provides it
/// as context to SSR and server functions; axum handlers extract the parts they need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub store: Arc<SessionStore>,
    /// Flips to true when shutdown starts, so long-lived responses (event streams) end and the
    /// graceful shutdown can finish.
    pub shutdown: Arc<watch::Sender<bool>>,
    /// How changes on disk are noticed; set once the watcher runs.
    pub watch_health: Arc<RwLock<WatchHealth>>,
    /// Context scans in flight (the wizard's progress and Cancel).
    pub scans: Arc<crate::discovery::scans::Scans>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, config: Config) -> Self {
        let store = Arc::new(SessionStore::new(&config.sessions_dir));
        Self {
            leptos_options,
            config: Arc::new(config),
            store,
            shutdown: Arc::new(watch::Sender::new(false)),
            watch_health: Arc::new(RwLock::new(WatchHealth {
                mode: "none",
                degraded: true,
                detail: "no watcher is running; changes show on refresh".into(),
                worst_case_ms: 0,
            })),
            scans: Arc::default(),
        }
    }
}
