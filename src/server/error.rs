//! `HubError` as an HTTP answer: a fitting status and `{ "error": "<message>" }`.

use crate::domain::HubError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub struct ApiError(pub HubError);

impl From<HubError> for ApiError {
    fn from(err: HubError) -> Self {
        Self(err)
    }
}

pub fn status_of(err: &HubError) -> StatusCode {
    match err {
        HubError::NotFound(_) => StatusCode::NOT_FOUND,
        HubError::Invalid(_) => StatusCode::BAD_REQUEST,
        HubError::Conflict { .. } => StatusCode::CONFLICT,
        HubError::Forbidden(_) => StatusCode::FORBIDDEN,
        HubError::Unreadable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        HubError::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
        HubError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let message = match &self.0 {
            // Internals go to the log, not to the client.
            HubError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal error; see the hub's log".to_owned()
            }
            other => other.to_string(),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}
