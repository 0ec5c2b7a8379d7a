//! The JSON API for agents and scripts (SPEC §3). Handlers are thin: parse, call the store,
//! answer; every failure is a JSON error.

use super::error::ApiError;
use super::AppState;
use crate::domain::HubError;
use crate::store::SessionStore;
use axum::extract::rejection::JsonRejection;
use axum::extract::Path;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sessions", get(sessions))
        .route("/sessions/output", get(output))
        .route("/sessions/output/download", get(download))
        .route("/sessions/{id}/agents/{agent}/status", post(set_status))
        .route("/events", get(super::sse::events))
        .fallback(|| async { ApiError(HubError::NotFound("no such API endpoint".into())) })
}

#[derive(Deserialize)]
struct SessionsQuery {
    id: Option<String>,
}

/// `GET /api/sessions` (the list) and `GET /api/sessions?id=` (one session). Both carry an
/// `ETag` of the store generation: an unchanged poll costs a 304 and no body.
async fn sessions(
    State(store): State<Arc<SessionStore>>,
    Query(query): Query<SessionsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let generation = store.generation();
    let etag = format!("\"{generation}\"");
    if etag_matches(&headers, &etag) {
        return Ok(not_modified(&etag));
    }
    let response = match query.id {
        None => {
            let snapshot = store.list();
            // The list may be newer than the generation read above: tag what is sent.
            let etag = format!("\"{}\"", snapshot.list.generation);
            return Ok(with_etag(
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    snapshot.json().to_vec(),
                )
                    .into_response(),
                &etag,
            ));
        }
        Some(id) => {
            let detail = tokio::task::spawn_blocking(move || store.detail(&id))
                .await
                .map_err(|err| HubError::Internal(err.to_string()))??;
            Json(json!({ "session": detail })).into_response()
        }
    };
    Ok(with_etag(response, &etag))
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        })
}

fn not_modified(etag: &str) -> Response {
    with_etag(StatusCode::NOT_MODIFIED.into_response(), etag)
}

fn with_etag(mut response: Response, etag: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    // Revalidate every time: the ETag makes that cheap.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
    expected_version: Option<u64>,
}

/// `POST /api/sessions/{id}/agents/{agent}/status`: the locked, versioned update agents use.
async fn set_status(
    State(store): State<Arc<SessionStore>>,
    Path((id, agent)): Path<(String, String)>,
    body: Result<Json<StatusBody>, JsonRejection>,
) -> Result<Json<crate::store::write::StatusUpdate>, ApiError> {
    let Json(body) = body.map_err(|rejection| {
        HubError::Invalid(format!(
            "expected a JSON body like {{\"status\": \"complete\", \"expected_version\": 3}}: {}",
            rejection.body_text()
        ))
    })?;
    let update = tokio::task::spawn_blocking(move || {
        store.set_agent_status(&id, &agent, &body.status, body.expected_version)
    })
    .await
    .map_err(|err| HubError::Internal(err.to_string()))??;
    Ok(Json(update))
}

#[derive(Deserialize)]
struct OutputQuery {
    feature: String,
    agent: String,
    /// One of the agent's outputs; the first when absent.
    path: Option<String>,
}

/// `GET /api/sessions/output?feature=&agent=[&path=]`: the preview (capped, rendered and
/// sanitised) plus the raw `content`.
async fn output(
    State(state): State<AppState>,
    Query(query): Query<OutputQuery>,
) -> Result<Json<crate::domain::output::OutputPreview>, ApiError> {
    let config = state.config.clone();
    let preview = tokio::task::spawn_blocking(move || {
        state.store.agent_output(
            &query.feature,
            &query.agent,
            query.path.as_deref(),
            &config.allow_output_roots,
            config.max_preview_bytes,
        )
    })
    .await
    .map_err(|err| HubError::Internal(err.to_string()))??;
    Ok(Json(preview))
}

/// `GET /api/sessions/output/download?feature=&agent=[&path=]`: the whole file, streamed, as an
/// attachment (never rendered by the browser).
async fn download(
    State(state): State<AppState>,
    Query(query): Query<OutputQuery>,
) -> Result<Response, ApiError> {
    let config = state.config.clone();
    let (file, size, name) = tokio::task::spawn_blocking(move || {
        state.store.agent_output_file(
            &query.feature,
            &query.agent,
            query.path.as_deref(),
            &config.allow_output_roots,
        )
    })
    .await
    .map_err(|err| HubError::Internal(err.to_string()))??;
    let content_type = match crate::domain::output::OutputKind::from_path(&name) {
        crate::domain::output::OutputKind::Markdown => "text/markdown; charset=utf-8",
        crate::domain::output::OutputKind::Json => "application/json",
        crate::domain::output::OutputKind::Text => "application/octet-stream",
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(
        tokio::fs::File::from_std(file),
    ));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::domain::format::encode_query_value(name)
    )
}
