//! `HubError` as an HTTP answer: its status and `{ "error": "<message>" }`, plus `fields` for a
//! rejected request. The service has logged an internal error already; its message is all the
//! answer says of it.

use crate::domain::HubError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::json;

pub fn status_of(err: &HubError) -> StatusCode {
    StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        let status = status_of(&self);
        let body = match &self {
            HubError::Validation(fields) => json!({ "error": self.to_string(), "fields": fields }),
            _ => json!({ "error": self.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}

/// A JSON body whose rejection is a [`HubError`]: a malformed body answers 400 with what was
/// expected, like every other invalid input (axum's `examples/error-handling`).
pub struct AppJson<T>(pub T);

/// What a body of each kind should look like, for the rejection's message.
pub trait Expected {
    const EXPECTED: &'static str;
}

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned + Expected,
    S: Send + Sync,
{
    type Rejection = HubError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejected::<T>(rejection)),
        }
    }
}

fn rejected<T: Expected>(rejection: JsonRejection) -> HubError {
    HubError::Invalid(format!(
        "expected {}: {}",
        T::EXPECTED,
        rejection.body_text()
    ))
}
