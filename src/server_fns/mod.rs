//! Server functions: the UI's calls into the hub. Each is one call into the service (the
//! [`Hub`](crate::service::Hub) leptos_axum provides as context), its error answered with the
//! error's own status, as the JSON API does.

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
            // What the browser says ("TypeError: Failed to fetch") tells a person nothing.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => HubError::internal_msg(
                "The hub cannot be reached: it may have stopped, or the network is down.",
            ),
            other => HubError::internal_msg(other.to_string()),
        }
    }
}

/// The hub this request is served by.
#[cfg(feature = "ssr")]
fn hub() -> crate::service::Hub {
    leptos::prelude::expect_context::<crate::service::Hub>()
}

/// The answer, with an error's own HTTP status (400 for invalid input, ...) rather than server
/// functions' default 500: a wrong path typed into the wizard is not a server fault.
#[cfg(feature = "ssr")]
fn answer<T>(result: Result<T, HubError>) -> Result<T, HubError> {
    use leptos::prelude::use_context;
    if let (Err(err), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(status) = axum::http::StatusCode::from_u16(err.status_code()) {
            response.set_status(status);
        }
    }
    result
}
