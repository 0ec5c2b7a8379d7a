//! The hub as a Model Context Protocol tool server, on the official Rust SDK (`rmcp`): what an
//! agent calls instead of remembering shell commands. Served on stdio by `hub mcp` and over
//! Streamable HTTP at `/mcp` by the running hub ([`http_service`]).
//!
//! Each tool is one call into [`Backend`], the same calls the command line makes, so the rules,
//! the locked writes and the error messages are the API's. A failure is a tool error
//! (`isError: true`) that says what to do next; waits send progress notifications while they
//! last and stop when the client cancels.

mod args;

use crate::agent::{Backend, Failure, EXIT_CONFLICT, EXIT_USAGE};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::monitor::StatusChange;
use crate::domain::question::{AskRequest, Question, QuestionId};
use crate::domain::usage::UsageReport;
use crate::domain::waiting::{Awaited, Progress};
use args::{AgentArgs, AskHumanArgs, ReadOutputArgs, ReportUsageArgs, SetStatusArgs, WaitForArgs};
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ProgressNotificationParam, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, RoleServer, ServerHandler};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::time::Instant;

/// The server's name in `initialize`, and the name `hub integrate` gives its entry.
pub const SERVER_NAME: &str = "sessions-hub";

/// A wait reports progress this often (and a client that resets its timeout on progress
/// keeps the call alive); the first report comes sooner, so a client sees at once what is
/// awaited.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);
const FIRST_PROGRESS: Duration = Duration::from_secs(1);
const DEFAULT_WAIT: Duration = Duration::from_secs(600);
const DEFAULT_ASK_WAIT: Duration = Duration::from_secs(900);
const LONGEST_WAIT: Duration = Duration::from_secs(3600);

const INSTRUCTIONS: &str = "Sessions Hub coordinates several coding agents working on one \
codebase. You are one agent of a session. Start with get_assignment (your prompt, role, \
dependencies and output path). Report with set_status: in_progress when you start (with a short \
message), complete once your output is written, blocked if you cannot go on; report_usage \
adds the tokens and dollars you used. If you depend on \
other agents, call wait_for with deps_of set to your own id before you start, then read their \
work with read_output. Ask a person with ask_human rather than guess on a decision that changes \
what others build; it waits for the answer.";

/// The tools, over one backend (the local folder, a remote hub, or the serving hub itself).
#[derive(Clone)]
pub struct HubTools {
    backend: Backend,
    tool_router: ToolRouter<HubTools>,
}

#[tool_router]
impl HubTools {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        description = "List the sessions on this hub, newest first: id, feature, status, what needs attention, and agent counts.",
        annotations(read_only_hint = true)
    )]
    async fn list_sessions(&self) -> CallToolResult {
        answer(
            async {
                let list = self.backend.list().await?;
                let sessions: Vec<Value> = list
                    .sessions
                    .iter()
                    .map(|s| {
                        json!({
                            "id": s.id,
                            "feature_name": s.feature_name,
                            "status": s.status,
                            "attention": s.attention.attention,
                            "attention_reason": s.attention.attention_reason,
                            "total_agents": s.total_agents,
                            "completed_agents": s.completed_agents,
                            "open_questions": s.open_questions,
                        })
                    })
                    .collect();
                Ok(CallToolResult::structured(json!({ "sessions": sessions })))
            }
            .await,
        )
    }

    #[tool(
        description = "Your assignment in a session: your prompt (what to do), role, instructions, the agents you depend on with their current status, who waits for you, the session folder and where to write your output. Call this first.",
        annotations(read_only_hint = true)
    )]
    async fn get_assignment(&self, Parameters(args): Parameters<AgentArgs>) -> CallToolResult {
        answer(
            async {
                let session = SessionId::parse(&args.session)?;
                let agent = AgentId::new(args.agent);
                Ok(structured(&self.backend.assignment(session, agent).await?))
            }
            .await,
        )
    }

    #[tool(
        description = "Report your status: in_progress when you start, complete once your output is written, blocked when you cannot go on. Always add a short message; people watching the hub read it next to your status.",
        annotations(idempotent_hint = true)
    )]
    async fn set_status(&self, Parameters(args): Parameters<SetStatusArgs>) -> CallToolResult {
        answer(
            async {
                let session = SessionId::parse(&args.session)?;
                let change = StatusChange {
                    status: args.status.as_str().to_owned(),
                    message: args.message,
                    expected_version: args.expected_version,
                };
                let agent = AgentId::new(args.agent);
                Ok(structured(
                    &self.backend.set_status(session, agent, change).await?,
                ))
            }
            .await,
        )
    }

    #[tool(
        description = "Report what your work cost since your last report: input_tokens, output_tokens and/or cost_usd. The hub adds them to your totals, which people see on the session; answers the amount added and your new total."
    )]
    async fn report_usage(&self, Parameters(args): Parameters<ReportUsageArgs>) -> CallToolResult {
        answer(
            async {
                let session = SessionId::parse(&args.session)?;
                let report = UsageReport {
                    input_tokens: args.input_tokens,
                    output_tokens: args.output_tokens,
                    cost_usd: args.cost_usd,
                };
                let agent = AgentId::new(args.agent);
                Ok(structured(
                    &self.backend.add_usage(session, agent, report).await?,
                ))
            }
            .await,
        )
    }

    #[tool(
        description = "Wait until other agents of the session are complete: name them in `agents`, or set `deps_of` to your own id to wait for everything you depend on. Answers outcome \"complete\", \"blocked\" (one of them cannot go on: report blocked yourself and ask_human what to do) or \"pending\" (the timeout ran out: call wait_for again).",
        annotations(read_only_hint = true)
    )]
    async fn wait_for(
        &self,
        Parameters(args): Parameters<WaitForArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        answer(async {
            let session = SessionId::parse(&args.session)?;
            let awaited = match (args.agents, args.deps_of) {
                (Some(agents), None) if !agents.is_empty() => Awaited::Agents(agents),
                (None, Some(agent)) => Awaited::DependenciesOf(agent),
                _ => {
                    return Err(Failure {
                        code: EXIT_USAGE,
                        message: "give either `agents` (a non-empty list of agent ids) or \
                                  `deps_of` (your own agent id), not both"
                            .into(),
                    })
                }
            };
            let mut beat = Heartbeat::new(&context, bounded(args.timeout_s, DEFAULT_WAIT));
            loop {
                let chunk = beat.next_chunk();
                let waited = tokio::select! {
                    () = context.ct.cancelled() => return Ok(cancelled("wait_for")),
                    waited = self.backend.wait(session.clone(), awaited.clone(), Some(chunk)) => waited?,
                };
                match waited {
                    Progress::Pending { agents } if !beat.expired() => {
                        beat.report(format!("still waiting for {}", agents.join(", ")))
                            .await;
                    }
                    progress => return Ok(wait_result(&progress)),
                }
            }
        }
        .await)
    }

    #[tool(
        description = "Ask a person a question and wait for the answer (shown on the hub's Monitor tab under \"Needs you\"). Use it instead of guessing on a choice that changes what other agents build. Give `choices` when there are a few possible answers. If it answers \"pending\", the question stays open: ask the same question again to keep waiting."
    )]
    async fn ask_human(
        &self,
        Parameters(args): Parameters<AskHumanArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        answer(async {
            let session = SessionId::parse(&args.session)?;
            let request = AskRequest {
                agent_id: args.agent,
                question: args.question,
                choices: args.choices.unwrap_or_default(),
            };
            let question = self.open_or_ask(&session, request).await?;
            let id = QuestionId::parse(&question.id)?;
            let mut beat = Heartbeat::new(&context, bounded(args.timeout_s, DEFAULT_ASK_WAIT));
            loop {
                let chunk = beat.next_chunk();
                let answered = tokio::select! {
                    () = context.ct.cancelled() => return Ok(cancelled("ask_human")),
                    answered = self.backend.answer(session.clone(), id.clone(), Some(Some(chunk))) => answered?,
                };
                if answered.is_open() && !beat.expired() {
                    beat.report("waiting for a person to answer".to_owned())
                        .await;
                } else {
                    return Ok(answer_result(&answered));
                }
            }
        }
        .await)
    }

    #[tool(
        description = "Read an agent's output file (often one you depend on, once it is complete): its text, whether it exists yet, and its other output paths.",
        annotations(read_only_hint = true)
    )]
    async fn read_output(&self, Parameters(args): Parameters<ReadOutputArgs>) -> CallToolResult {
        answer(
            async {
                let session = SessionId::parse(&args.session)?;
                let agent = AgentId::new(args.agent);
                let preview = self.backend.output(session, agent, args.path).await?;
                Ok(CallToolResult::structured(json!({
                    "agent": preview.agent,
                    "path": preview.path,
                    "outputs": preview.outputs,
                    "exists": preview.exists,
                    "size": preview.size,
                    "truncated": preview.truncated,
                    "notes": preview.notes,
                    "content": if preview.exists { preview.content } else { String::new() },
                })))
            }
            .await,
        )
    }
}

impl HubTools {
    /// The agent's open question with this text if there is one (a repeated ask waits for it),
    /// else a new question.
    async fn open_or_ask(
        &self,
        session: &SessionId,
        request: AskRequest,
    ) -> Result<Question, Failure> {
        let detail = self.backend.detail(session).await?;
        let asked_before = detail.questions.into_iter().find(|q| {
            q.is_open()
                && q.agent_id == request.agent_id
                && q.question == request.question.trim()
                && q.choices == request.choices
        });
        match asked_before {
            Some(question) => Ok(question),
            None => self.backend.ask(session.clone(), request).await,
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for HubTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

/// Splits a long wait into chunks, and tells the client how far along it is after each.
struct Heartbeat<'a> {
    context: &'a RequestContext<RoleServer>,
    started: Instant,
    deadline: Instant,
    total: Duration,
    chunks: u32,
}

impl<'a> Heartbeat<'a> {
    fn new(context: &'a RequestContext<RoleServer>, total: Duration) -> Self {
        let started = Instant::now();
        Self {
            context,
            started,
            deadline: started + total,
            total,
            chunks: 0,
        }
    }

    fn next_chunk(&mut self) -> Duration {
        let every = if self.chunks == 0 {
            FIRST_PROGRESS
        } else {
            PROGRESS_EVERY
        };
        self.chunks += 1;
        self.deadline
            .saturating_duration_since(Instant::now())
            .min(every)
            .max(Duration::from_millis(1))
    }

    fn expired(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// A progress notification (seconds waited of the timeout), when the client asked for them.
    async fn report(&mut self, message: String) {
        let Some(token) = self.context.meta.get_progress_token() else {
            return;
        };
        let progress = ProgressNotificationParam::new(token, self.started.elapsed().as_secs_f64())
            .with_total(self.total.as_secs_f64())
            .with_message(message);
        // A client that went away is noticed by the cancellation; nothing to do here.
        let _ = self.context.peer.notify_progress(progress).await;
    }
}

fn bounded(seconds: Option<u64>, default: Duration) -> Duration {
    seconds
        .map(Duration::from_secs)
        .unwrap_or(default)
        .clamp(Duration::from_secs(1), LONGEST_WAIT)
}

fn structured(value: &impl serde::Serialize) -> CallToolResult {
    match serde_json::to_value(value) {
        Ok(value) => CallToolResult::structured(value),
        Err(err) => CallToolResult::error(vec![ContentBlock::text(format!(
            "the hub could not encode its answer: {err}"
        ))]),
    }
}

fn wait_result(progress: &Progress) -> CallToolResult {
    let (outcome, text) = match progress {
        Progress::Complete { agents } if agents.is_empty() => {
            ("complete", "Nothing to wait for: start now.".to_owned())
        }
        Progress::Complete { agents } => (
            "complete",
            format!(
                "Complete: {}. Read their work with read_output, then start.",
                agents.join(", ")
            ),
        ),
        Progress::Blocked { agent, message } => (
            "blocked",
            format!(
                "{agent} is blocked{}. Report blocked yourself (set_status) and ask_human what \
                 to do.",
                message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
        ),
        Progress::Pending { agents } => (
            "pending",
            format!(
                "Timed out; still waiting for {}. Call wait_for again to keep waiting.",
                agents.join(", ")
            ),
        ),
    };
    let mut value = serde_json::to_value(progress).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("outcome".into(), outcome.into());
        map.insert("next".into(), text.into());
    }
    CallToolResult::structured(value)
}

fn answer_result(question: &Question) -> CallToolResult {
    let mut value = serde_json::to_value(question).unwrap_or(Value::Null);
    let (outcome, next) = match &question.answer {
        Some(answer) => ("answered", format!("The answer is: {answer}")),
        None => (
            "pending",
            "No answer yet; the question stays open. Ask the same question again to keep \
             waiting."
                .to_owned(),
        ),
    };
    if let Value::Object(map) = &mut value {
        map.insert("outcome".into(), outcome.into());
        map.insert("next".into(), next.into());
    }
    CallToolResult::structured(value)
}

/// The client cancelled the call: the wait stops here (the SDK sends nothing back).
fn cancelled(tool: &str) -> CallToolResult {
    tracing::info!(tool, "a wait was cancelled by the client");
    CallToolResult::error(vec![ContentBlock::text("cancelled by the client")])
}

/// A tool's answer, or its failure as a tool error.
fn answer(result: Result<CallToolResult, Failure>) -> CallToolResult {
    result.unwrap_or_else(tool_error)
}

/// A failure as a tool error: the API's message, and what to do about it.
fn tool_error(failure: Failure) -> CallToolResult {
    let message = &failure.message;
    let hint = if message.starts_with("no session") || message.starts_with("invalid session id") {
        " (list_sessions shows the sessions on this hub and their ids)"
    } else if message.starts_with("no agent") && !message.contains("its agents are") {
        " (get_assignment with a wrong agent id names the session's agents)"
    } else if failure.code == EXIT_CONFLICT {
        " (someone wrote first: call get_assignment for the current state, then decide \
         whether to write again)"
    } else {
        ""
    };
    CallToolResult::error(vec![ContentBlock::text(format!("{message}{hint}"))])
}

/// The Streamable HTTP endpoint of the running hub (mounted at `/mcp`), its tools over the
/// hub itself. The router's own guard checks `Host`, `Origin` and the token for it as for the
/// API, so the SDK's checks are off rather than a second, different rule.
pub fn http_service(
    hub: crate::service::Hub,
    shutdown: tokio_util::sync::CancellationToken,
) -> rmcp::transport::streamable_http_server::StreamableHttpService<
    HubTools,
    rmcp::transport::streamable_http_server::session::local::LocalSessionManager,
> {
    use rmcp::transport::streamable_http_server::{
        session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
    };
    let config = StreamableHttpServerConfig::default()
        .with_cancellation_token(shutdown)
        .disable_allowed_hosts()
        .disable_allowed_origins();
    StreamableHttpService::new(
        move || Ok(HubTools::new(Backend::served(hub.clone()))),
        LocalSessionManager::default().into(),
        config,
    )
}

/// Serves the tools on stdin/stdout until the client goes away.
pub async fn serve_stdio(backend: Backend) -> Result<(), String> {
    use rmcp::ServiceExt;
    let running = HubTools::new(backend)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|err| format!("cannot start the MCP server on stdio: {err}"))?;
    running
        .waiting()
        .await
        .map_err(|err| format!("the MCP server stopped: {err}"))?;
    Ok(())
}
