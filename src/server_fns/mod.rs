//! Server functions: the UI's calls into the server. Each is a thin shell over the store, in
//! the same shape as the REST handlers.

pub mod create;
pub mod output;
pub mod sessions;

use crate::domain::HubError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

impl FromServerFnError for HubError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request never reached the hub, or its answer never came back.
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                HubError::Internal(format!("the hub is unreachable: {message}"))
            }
            other => HubError::Internal(other.to_string()),
        }
    }
}

/// The server's state, provided as context by leptos_axum.
#[cfg(feature = "ssr")]
pub fn app_state() -> Result<crate::server::AppState, HubError> {
    leptos::prelude::use_context::<crate::server::AppState>()
        .ok_or_else(|| HubError::Internal("the application state is missing".into()))
}

#[cfg(feature = "ssr")]
pub fn now_ms() -> i64 {
    crate::store::read::unix_ms(std::time::SystemTime::now())
}

/// Runs blocking store work off the async executor.
#[cfg(feature = "ssr")]
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, HubError> + Send + 'static,
) -> Result<T, HubError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| HubError::Internal(err.to_string()))?
}
