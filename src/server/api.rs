//! The JSON API for agents and scripts: each endpoint one call into the service, its answer
//! as JSON; every failure a JSON error (`HubError`'s `IntoResponse`).

use super::error::{AppJson, Expected};
use super::AppState;
use crate::domain::assignment::Assignment;
use crate::domain::context::DiscoveryResult;
use crate::domain::create::{CreateRequest, Generated};
use crate::domain::history::{Actor, HistoryAnswer};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::lifecycle::{LifecycleAction, Moved};
use crate::domain::monitor::{StatusChange, StatusUpdate, UsageUpdate};
use crate::domain::output::{OutputKind, OutputPreview};
use crate::domain::question::{AnswerRequest, AskRequest, QuestionId};
use crate::domain::usage::UsageReport;
use crate::domain::HubError;
use crate::service::{Hub, MAX_ANSWER_WAIT};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sessions", get(sessions))
        .route("/sessions/output", get(output))
        .route("/sessions/output/download", get(download))
        .route("/sessions/{id}", axum::routing::delete(delete_session))
        .route("/sessions/{id}/archive", post(archive_session))
        .route("/sessions/{id}/export.zip", get(export_zip))
        .route("/sessions/{id}/report.md", get(report))
        .route("/sessions/{id}/restore", post(restore_session))
        .route("/sessions/{id}/agents/{agent}/status", post(set_status))
        .route("/sessions/{id}/agents/{agent}/usage", post(add_usage))
        .route("/sessions/{id}/history", get(history))
        .route("/sessions/{id}/agents/{agent}/assignment", get(assignment))
        .route("/questions", get(questions))
        .route("/sessions/{id}/questions", post(ask))
        .route("/sessions/{id}/questions/{qid}", get(question))
        .route("/sessions/{id}/questions/{qid}/answer", post(answer))
        .route("/sessions/create", post(create_session))
        .route("/sessions/context-discovery", get(context_discovery))
        .route("/events", get(super::sse::events))
        .fallback(|| async { HubError::NotFound("no such API endpoint".into()) })
}

#[derive(Deserialize)]
struct SessionsQuery {
    id: Option<String>,
    /// `attention` (most urgent first); anything else, or nothing, is newest first.
    sort: Option<String>,
    /// `true`: the archived sessions instead of the active ones.
    #[serde(default)]
    archived: bool,
}

/// `GET /api/sessions` (the list) and `GET /api/sessions?id=` (one session). Both carry an
/// `ETag` of the store generation: an unchanged poll costs a 304 and no body.
async fn sessions(
    State(hub): State<Hub>,
    Query(query): Query<SessionsQuery>,
    headers: HeaderMap,
) -> Result<Response, HubError> {
    let etag = format!("\"{}\"", hub.generation());
    if etag_matches(&headers, &etag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    Ok(match query.id {
        None if query.archived => {
            let list = hub.archived_list();
            let etag = format!("\"{}\"", list.generation);
            with_etag(Json(&*list).into_response(), &etag)
        }
        None => {
            let snapshot = hub.list();
            // The list may be newer than the generation read above: tag what is sent.
            let etag = format!("\"{}\"", snapshot.list.generation);
            let json = match query.sort.as_deref() {
                Some("attention") => snapshot.json_by_attention(),
                _ => snapshot.json(),
            };
            let body = ([(header::CONTENT_TYPE, "application/json")], json);
            with_etag(body.into_response(), &etag)
        }
        Some(id) => {
            let detail = hub.detail(SessionId::parse(&id)?).await?;
            with_etag(Json(json!({ "session": detail })).into_response(), &etag)
        }
    })
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

/// `POST /api/sessions/{id}/archive`: into `.archive/` (409 if archived already).
async fn archive_session(
    State(hub): State<Hub>,
    Client(by): Client,
    Path(id): Path<String>,
) -> Result<Json<Moved>, HubError> {
    let id = SessionId::parse(&id)?;
    hub.move_session(id, LifecycleAction::Archive, None, by)
        .await
        .map(Json)
}

/// `POST /api/sessions/{id}/restore`: back among the active sessions (409 unless archived).
async fn restore_session(
    State(hub): State<Hub>,
    Client(by): Client,
    Path(id): Path<String>,
) -> Result<Json<Moved>, HubError> {
    let id = SessionId::parse(&id)?;
    hub.move_session(id, LifecycleAction::Restore, None, by)
        .await
        .map(Json)
}

/// `DELETE /api/sessions/{id}`: an archived session into the trash (409 for an active one).
async fn delete_session(
    State(hub): State<Hub>,
    Client(by): Client,
    Path(id): Path<String>,
) -> Result<Json<Moved>, HubError> {
    let id = SessionId::parse(&id)?;
    // The path names the session: that is the API's confirmation.
    let confirm = Some(id.as_str().to_owned());
    hub.move_session(id, LifecycleAction::Delete, confirm, by)
        .await
        .map(Json)
}

/// Who is calling, as far as the history tells: `X-Hub-Client: cli` or `mcp` from the hub's
/// own agent tools, anything else (or nothing) the API. A label, not a credential.
pub struct Client(pub Actor);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let claimed = parts
            .headers
            .get(CLIENT_HEADER)
            .and_then(|value| value.to_str().ok());
        Ok(Self(Actor::from_client(claimed)))
    }
}

/// The header the hub's CLI and MCP server send to name themselves.
pub const CLIENT_HEADER: &str = "x-hub-client";

impl Expected for UsageReport {
    const EXPECTED: &'static str =
        "a JSON body like {\"input_tokens\": 1200, \"output_tokens\": 300, \"cost_usd\": 0.04}";
}

/// `POST /api/sessions/{id}/agents/{agent}/usage`: adds to the agent's usage under the lock.
async fn add_usage(
    State(hub): State<Hub>,
    Client(by): Client,
    Path((id, agent)): Path<(String, String)>,
    AppJson(report): AppJson<UsageReport>,
) -> Result<Json<UsageUpdate>, HubError> {
    let id = SessionId::parse(&id)?;
    hub.add_usage(id, AgentId::new(agent), report, by)
        .await
        .map(Json)
}

/// `GET /api/sessions/{id}/history`: `{ "session", "events": [...] }`, oldest first.
async fn history(
    State(hub): State<Hub>,
    Path(id): Path<String>,
) -> Result<Json<HistoryAnswer>, HubError> {
    hub.history(SessionId::parse(&id)?).await.map(Json)
}

impl Expected for StatusChange {
    const EXPECTED: &'static str = "a JSON body like {\"status\": \"complete\", \"message\": \"tests pass\", \"expected_version\": 3}";
}

/// `POST /api/sessions/{id}/agents/{agent}/status`: the locked, versioned update agents use.
async fn set_status(
    State(hub): State<Hub>,
    Client(by): Client,
    Path((id, agent)): Path<(String, String)>,
    AppJson(change): AppJson<StatusChange>,
) -> Result<Json<StatusUpdate>, HubError> {
    let id = SessionId::parse(&id)?;
    hub.set_status(id, AgentId::new(agent), change, by)
        .await
        .map(Json)
}

/// `GET /api/sessions/{id}/agents/{agent}/assignment`: what the agent is to do (its prompt,
/// role, instructions, its dependencies' statuses, where its output goes).
async fn assignment(
    State(hub): State<Hub>,
    Path((id, agent)): Path<(String, String)>,
) -> Result<Json<Assignment>, HubError> {
    let id = SessionId::parse(&id)?;
    hub.assignment(id, AgentId::new(agent)).await.map(Json)
}

#[derive(Deserialize)]
struct QuestionsQuery {
    session: Option<String>,
    #[serde(default)]
    open: bool,
}

/// `GET /api/questions[?session=ID][&open=true]`: newest first, across sessions.
async fn questions(
    State(hub): State<Hub>,
    Query(query): Query<QuestionsQuery>,
) -> Result<Json<serde_json::Value>, HubError> {
    let session = query.session.as_deref().map(SessionId::parse).transpose()?;
    let questions = hub.questions(session.as_ref(), query.open);
    Ok(Json(json!({ "questions": questions })))
}

impl Expected for AskRequest {
    const EXPECTED: &'static str = "a JSON body like {\"agent_id\": \"agent-1\", \"question\": \"Which database?\", \"choices\": [\"SQLite\", \"Postgres\"]}";
}

/// `POST /api/sessions/{id}/questions`: 201 with the recorded question.
async fn ask(
    State(hub): State<Hub>,
    Client(by): Client,
    Path(id): Path<String>,
    AppJson(request): AppJson<AskRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>), HubError> {
    let question = hub.ask(SessionId::parse(&id)?, request, by).await?;
    Ok((StatusCode::CREATED, Json(json!({ "question": question }))))
}

#[derive(Deserialize)]
struct QuestionQuery {
    /// Hold the request until the question is answered, at most this long (and 60 s).
    wait: Option<String>,
}

/// `GET /api/sessions/{id}/questions/{qid}[?wait=DUR]`: the question, with its answer once it
/// has one; with `wait`, a long-poll that returns as soon as it is answered.
async fn question(
    State(hub): State<Hub>,
    Path((id, qid)): Path<(String, String)>,
    Query(query): Query<QuestionQuery>,
) -> Result<Json<serde_json::Value>, HubError> {
    let (session, qid) = (SessionId::parse(&id)?, QuestionId::parse(&qid)?);
    let question = match query.wait.as_deref() {
        None => hub.question(session, qid).await?,
        Some(raw) => {
            let wait = crate::service::parse_duration(raw)
                .map_err(|err| HubError::Invalid(format!("wait: {err}")))?
                .min(MAX_ANSWER_WAIT);
            hub.wait_for_answer(session, qid, wait).await?
        }
    };
    Ok(Json(json!({ "question": question })))
}

impl Expected for AnswerRequest {
    const EXPECTED: &'static str = "a JSON body like {\"answer\": \"Postgres\"}";
}

/// `POST /api/sessions/{id}/questions/{qid}/answer`: 200 with the answered question; 409 when
/// it already had an answer (the first one stands).
async fn answer(
    State(hub): State<Hub>,
    Client(by): Client,
    Path((id, qid)): Path<(String, String)>,
    AppJson(request): AppJson<AnswerRequest>,
) -> Result<Json<serde_json::Value>, HubError> {
    let (session, qid) = (SessionId::parse(&id)?, QuestionId::parse(&qid)?);
    let question = hub.answer(session, qid, request, "api", by).await?;
    Ok(Json(json!({ "question": question })))
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
    State(hub): State<Hub>,
    Query(query): Query<OutputQuery>,
) -> Result<Json<OutputPreview>, HubError> {
    let session = SessionId::parse(&query.feature)?;
    hub.output_preview(session, AgentId::new(query.agent), query.path)
        .await
        .map(Json)
}

/// `GET /api/sessions/output/download?feature=&agent=[&path=]`: the whole file, streamed, as an
/// attachment (never rendered by the browser).
async fn download(
    State(hub): State<Hub>,
    Query(query): Query<OutputQuery>,
) -> Result<Response, HubError> {
    let session = SessionId::parse(&query.feature)?;
    let output = hub
        .output_file(session, AgentId::new(query.agent), query.path)
        .await?;
    let content_type = match output.kind {
        OutputKind::Markdown => "text/markdown; charset=utf-8",
        OutputKind::Json => "application/json",
        OutputKind::Text => "application/octet-stream",
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(
        tokio::fs::File::from_std(output.file),
    ));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(output.size));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&output.name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /api/sessions/{id}/export.zip`: the session folder (hidden files left out), streamed.
async fn export_zip(State(hub): State<Hub>, Path(id): Path<String>) -> Result<Response, HubError> {
    let export = hub.export_zip(SessionId::parse(&id)?).await?;
    let mut response = axum::body::Body::from_stream(export.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&export.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /api/sessions/{id}/report.md`: the session in Markdown, as a download.
async fn report(State(hub): State<Hub>, Path(id): Path<String>) -> Result<Response, HubError> {
    let id = SessionId::parse(&id)?;
    let name = crate::domain::export::report_file_name(id.as_str());
    let report = hub.report(id).await?;
    let mut response = report.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/markdown; charset=utf-8"),
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

impl Expected for CreateRequest {
    const EXPECTED: &'static str =
        "a JSON session request (stub, instructions, attachments, context_files, agents)";
}

/// `POST /api/sessions/create`: writes the session (all files or none). `201` with the
/// [`Generated`] answer; invalid input is `400 { error, fields }` (field id -> message, see
/// `domain::create`) and writes nothing.
async fn create_session(
    State(hub): State<Hub>,
    Client(by): Client,
    AppJson(request): AppJson<CreateRequest>,
) -> Result<(StatusCode, Json<Generated>), HubError> {
    hub.create(request, by)
        .await
        .map(|generated| (StatusCode::CREATED, Json(generated)))
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
    State(hub): State<Hub>,
    Query(query): Query<DiscoveryQuery>,
) -> Result<Json<DiscoveryResult>, HubError> {
    hub.discover(query.stub_description, query.project_path)
        .await
        .map(Json)
}
