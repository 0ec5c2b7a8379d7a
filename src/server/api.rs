//! The JSON API for agents and scripts (SPEC §3). Handlers are thin: parse, call the store,
//! answer; every failure is a JSON error.

use super::error::ApiError;
use super::AppState;
use crate::domain::context::DiscoveryResult;
use crate::domain::draft::{validate, CreateRequest};
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
        .route("/sessions/create", post(create_session))
        .route("/sessions/context-discovery", get(context_discovery))
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
                    snapshot.json(),
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

/// `POST /api/sessions/create`: validates the whole request, then writes the session (all files
/// or none). `201 { success, sessionId, sessionPath, files, oneLiners }`; invalid input is
/// `400 { error, fields }` (`fields`: field id -> message, see `domain::draft`) and writes
/// nothing.
async fn create_session(
    State(state): State<AppState>,
    body: Result<Json<CreateRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(|rejection| {
        HubError::Invalid(format!(
            "expected a JSON session request (stub, instructions, attachments, context_files, agents): {}",
            rejection.body_text()
        ))
    })?;
    let errors = validate(&request);
    if !errors.is_empty() {
        let message = format!(
            "The session request is not valid. {}",
            errors
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let body = json!({ "error": message, "fields": errors });
        return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
    }
    let generated = super::creation::create_session(&state, request).await?;
    let one_liners: Vec<_> = generated
        .one_liners
        .iter()
        .map(|(agent, line)| json!({ "agentId": agent, "prompt": line }))
        .collect();
    let body = json!({
        "success": true,
        "sessionId": generated.session_id,
        "sessionPath": generated.session_path,
        "files": generated.files,
        "oneLiners": one_liners,
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiscoveryQuery {
    stub_description: Option<String>,
    project_path: Option<String>,
}

/// `GET /api/sessions/context-discovery?stubDescription=..&projectPath=..`: the project files
/// relevant to a description. `projectPath` (optional) must be the project root or a folder
/// inside it. A scan that runs out of time answers what it found, with `"partial": true`.
async fn context_discovery(
    State(state): State<AppState>,
    Query(query): Query<DiscoveryQuery>,
) -> Result<Json<DiscoveryResult>, ApiError> {
    let description = query
        .stub_description
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| {
            HubError::Invalid("stubDescription is required: the text to find context for.".into())
        })?;
    let folder = super::creation::resolve_project_path(
        &state.config.project_root,
        query.project_path.as_deref(),
    )?;
    let options = super::creation::discovery_options(&state.config);
    let root = state.config.project_root.clone();
    let result = super::creation::discover_blocking(root, folder, description, options).await?;
    Ok(Json(result))
}
