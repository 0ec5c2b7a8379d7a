use crate::service::Hub;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tokio::sync::watch;

/// What the router hands its handlers: the hub, the web runtime's options, and the shutdown
/// signal. leptos_axum provides it as context to renders and server functions, which take
/// the [`Hub`] out of it.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub hub: Hub,
    /// Flips to true when shutdown starts, so long-lived responses (event streams) end and the
    /// graceful shutdown can finish.
    pub shutdown: Arc<watch::Sender<bool>>,
    /// The same signal for the MCP endpoint's sessions (the SDK listens on a token).
    pub mcp_shutdown: tokio_util::sync::CancellationToken,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, hub: Hub) -> Self {
        Self {
            leptos_options,
            hub,
            shutdown: Arc::new(watch::Sender::new(false)),
            mcp_shutdown: tokio_util::sync::CancellationToken::new(),
        }
    }
}
