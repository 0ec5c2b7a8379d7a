use crate::config::Config;
use crate::store::SessionStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a request handler, SSR render or server function needs. leptos_axum provides it
/// as context to SSR and server functions; axum handlers extract the parts they need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub store: Arc<SessionStore>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, config: Config) -> Self {
        let store = Arc::new(SessionStore::new(&config.sessions_dir));
        Self {
            leptos_options,
            config: Arc::new(config),
            store,
        }
    }
}
