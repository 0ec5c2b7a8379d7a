//! The agent's side of the hub: the calls an agent makes (read its assignment, set its status,
//! report its usage, wait for other agents, ask a person, read an output, list sessions), each on the local
//! sessions folder through `service`, or against a running hub over its HTTP API
//! (`remote.rs`; the hub then does the locked write). The command line and the MCP server both
//! go through [`Backend`], so an agent gets the same answers whichever it uses.
//!
//! A failure carries the command line's exit code: 0 ok, 2 usage or an unknown
//! session/agent/question, 3 an awaited agent is blocked, 4 timeout, 5 conflict (a version, or
//! a question already answered), 1 anything else.

pub mod remote;

use crate::domain::assignment::Assignment;
use crate::domain::history::Actor;
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::lifecycle::{LifecycleAction, Moved};
use crate::domain::monitor::{StatusChange, StatusUpdate, UsageUpdate};
use crate::domain::output::OutputPreview;
use crate::domain::question::{AnswerRequest, AskRequest, Question, QuestionId};
use crate::domain::session::SessionList;
use crate::domain::usage::UsageReport;
use crate::domain::waiting::{Awaited, Progress};
use crate::domain::{HubError, SessionDetail};
use crate::service::{Background, Config, Hub};
use remote::Client;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

pub const EXIT_USAGE: u8 = 2;
pub const EXIT_BLOCKED: u8 = 3;
pub const EXIT_TIMEOUT: u8 = 4;
pub const EXIT_CONFLICT: u8 = 5;

/// Why a command ended without success: its exit code and what to tell the agent.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// The exit code an HTTP status stands for (the same for a local error and a remote one).
    pub fn from_status(status: u16, message: String) -> Self {
        let code = match status {
            400 | 404 => EXIT_USAGE,
            409 => EXIT_CONFLICT,
            _ => 1,
        };
        Self { code, message }
    }
}

impl From<HubError> for Failure {
    fn from(err: HubError) -> Self {
        Self::from_status(err.status_code(), err.to_string())
    }
}

/// Where an agent's calls go.
#[derive(Clone)]
pub enum Backend {
    /// The sessions folder on this machine, through `hub`. `watched` when the hub's watcher
    /// already runs (the server's own hub); otherwise a wait starts one for its session.
    Local {
        hub: Hub,
        watched: bool,
        /// Who the history says made the changes.
        by: Actor,
    },
    /// A running hub, over its HTTP API.
    Remote(Client),
}

impl Backend {
    /// A running hub when `hub_url` is given (and not empty), else the local `sessions_dir`.
    pub fn new(
        hub_url: Option<&str>,
        token: Option<String>,
        sessions_dir: PathBuf,
        by: Actor,
    ) -> Result<Self, Failure> {
        match hub_url.filter(|url| !url.is_empty()) {
            Some(url) => Ok(Self::Remote(Client::new(url, token)?.acting_as(by))),
            None => Ok(Self::Local {
                hub: Hub::new(Config::for_sessions_dir(sessions_dir)),
                watched: false,
                by,
            }),
        }
    }

    /// A hub whose watcher runs (the server's own, or `hub mcp`'s), for the MCP tools.
    pub fn served(hub: Hub) -> Self {
        Self::Local {
            hub,
            watched: true,
            by: Actor::Mcp,
        }
    }

    /// Every session, newest first.
    pub async fn list(&self) -> Result<SessionList, Failure> {
        match self {
            Self::Local { hub, watched, .. } => {
                if !watched {
                    hub.rescan().await?;
                }
                Ok(hub.list().list.clone())
            }
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.list()).await
            }
        }
    }

    pub async fn assignment(
        &self,
        session: SessionId,
        agent: AgentId,
    ) -> Result<Assignment, Failure> {
        match self {
            Self::Local { hub, .. } => Ok(hub.assignment(session, agent).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.assignment(&session, &agent)).await
            }
        }
    }

    /// One of the agent's output files, as text (capped like the viewer's preview).
    pub async fn output(
        &self,
        session: SessionId,
        agent: AgentId,
        path: Option<String>,
    ) -> Result<OutputPreview, Failure> {
        match self {
            Self::Local { hub, .. } => Ok(hub.output_preview(session, agent, path).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.output(&session, &agent, path.as_deref())).await
            }
        }
    }

    pub async fn detail(&self, session: &SessionId) -> Result<SessionDetail, Failure> {
        match self {
            Self::Local { hub, .. } => Ok(hub.detail(session.clone()).await?),
            Self::Remote(client) => {
                let (client, session) = (client.clone(), session.clone());
                blocking(move || client.detail(&session)).await
            }
        }
    }

    /// Archives, restores or deletes a whole session (a person's command, `hub archive`).
    pub async fn move_session(
        &self,
        session: SessionId,
        action: LifecycleAction,
    ) -> Result<Moved, Failure> {
        match self {
            Self::Local { hub, by, .. } => {
                // The command names the session: that is the delete's confirmation.
                let confirm = Some(session.as_str().to_owned());
                Ok(hub.move_session(session, action, confirm, *by).await?)
            }
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.move_session(&session, action)).await
            }
        }
    }

    pub async fn set_status(
        &self,
        session: SessionId,
        agent: AgentId,
        change: StatusChange,
    ) -> Result<StatusUpdate, Failure> {
        match self {
            Self::Local { hub, by, .. } => Ok(hub.set_status(session, agent, change, *by).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.set_status(&session, &agent, &change)).await
            }
        }
    }

    /// Adds tokens and dollars to the agent's usage (summed under the session's lock).
    pub async fn add_usage(
        &self,
        session: SessionId,
        agent: AgentId,
        report: UsageReport,
    ) -> Result<UsageUpdate, Failure> {
        match self {
            Self::Local { hub, by, .. } => Ok(hub.add_usage(session, agent, report, *by).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.add_usage(&session, &agent, &report)).await
            }
        }
    }

    pub async fn wait(
        &self,
        session: SessionId,
        awaited: Awaited,
        timeout: Option<Duration>,
    ) -> Result<Progress, Failure> {
        match self {
            Self::Local { hub, watched, .. } => {
                let _watching = Watching::start(hub, &session, *watched).await?;
                Ok(hub.wait_for_agents(session, awaited, timeout).await?)
            }
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.wait_for_agents(&session, &awaited, timeout)).await
            }
        }
    }

    pub async fn ask(&self, session: SessionId, request: AskRequest) -> Result<Question, Failure> {
        match self {
            Self::Local { hub, by, .. } => Ok(hub.ask(session, request, *by).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.ask(&session, &request)).await
            }
        }
    }

    /// Answers a question (the first answer wins: a second is a conflict).
    pub async fn respond(
        &self,
        session: SessionId,
        question: QuestionId,
        request: AnswerRequest,
    ) -> Result<Question, Failure> {
        match self {
            Self::Local { hub, by, .. } => {
                Ok(hub.answer(session, question, request, "cli", *by).await?)
            }
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.respond(&session, &question, &request)).await
            }
        }
    }

    /// The question once answered, or as it is when `timeout` (if any) runs out.
    pub async fn answer(
        &self,
        session: SessionId,
        question: QuestionId,
        wait: Option<Option<Duration>>,
    ) -> Result<Question, Failure> {
        match self {
            Self::Local { hub, watched, .. } => match wait {
                None => Ok(hub.question(session, question).await?),
                Some(timeout) => {
                    let _watching = Watching::start(hub, &session, *watched).await?;
                    loop {
                        let chunk = timeout.unwrap_or(Duration::from_secs(3600));
                        let current = hub
                            .wait_for_answer(session.clone(), question.clone(), chunk)
                            .await?;
                        if !current.is_open() || timeout.is_some() {
                            return Ok(current);
                        }
                    }
                }
            },
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.wait_for_answer(&session, &question, wait)).await
            }
        }
    }
}

/// The folder's watcher, for as long as a local command waits (the hub's own, so a local wait
/// wakes on the same events the server does). None when the hub's own watcher runs already.
struct Watching(Option<(watch::Sender<bool>, Background)>);

impl Watching {
    async fn start(hub: &Hub, session: &SessionId, watched: bool) -> Result<Self, Failure> {
        if watched {
            return Ok(Self(None));
        }
        let (stop, stopped) = watch::channel(false);
        let background = hub.watch_session(session, stopped).await?;
        Ok(Self(Some((stop, background))))
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if let Some((stop, _)) = &self.0 {
            stop.send_replace(true);
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| {
            Err(Failure {
                code: 1,
                message: format!("the command failed: {err}"),
            })
        })
}
