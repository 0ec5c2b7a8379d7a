//! The agent's commands: `status get|set`, `wait`, `ask`, `answer`. Each runs on the local
//! sessions folder through the same use cases the server has, or, with `--hub-url`, against a
//! running hub over its HTTP API (the hub then does the locked write).
//!
//! Exit codes: 0 ok, 2 usage or an unknown session/agent/question, 3 an awaited agent is
//! blocked, 4 timeout, 5 conflict (a version, or a question already answered), 1 anything else.

use super::remote::Client;
use super::{Command, RemoteArgs, StatusCommand};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::monitor::{StatusChange, StatusUpdate};
use crate::domain::question::{AskRequest, Question, QuestionId};
use crate::domain::waiting::{Awaited, Progress};
use crate::domain::{HubError, SessionDetail};
use crate::service::{Background, Config, Hub};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
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

/// Where the commands go.
enum Backend {
    Local(Hub),
    Remote(Client),
}

impl Backend {
    fn new(remote: &RemoteArgs, sessions_dir: PathBuf) -> Result<Self, Failure> {
        match remote.hub_url.as_deref().filter(|url| !url.is_empty()) {
            Some(url) => Ok(Self::Remote(Client::new(url, remote.token.clone())?)),
            None => Ok(Self::Local(Hub::new(Config::for_sessions_dir(
                sessions_dir,
            )))),
        }
    }

    async fn detail(&self, session: &SessionId) -> Result<SessionDetail, Failure> {
        match self {
            Self::Local(hub) => Ok(hub.detail(session.clone()).await?),
            Self::Remote(client) => {
                let (client, session) = (client.clone(), session.clone());
                blocking(move || client.detail(&session)).await
            }
        }
    }

    async fn set_status(
        &self,
        session: SessionId,
        agent: AgentId,
        change: StatusChange,
    ) -> Result<StatusUpdate, Failure> {
        match self {
            Self::Local(hub) => Ok(hub.set_status(session, agent, change).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.set_status(&session, &agent, &change)).await
            }
        }
    }

    async fn wait(
        &self,
        session: SessionId,
        awaited: Awaited,
        timeout: Option<Duration>,
    ) -> Result<Progress, Failure> {
        match self {
            Self::Local(hub) => {
                let _watching = Watching::start(hub, &session).await?;
                Ok(hub.wait_for_agents(session, awaited, timeout).await?)
            }
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.wait_for_agents(&session, &awaited, timeout)).await
            }
        }
    }

    async fn ask(&self, session: SessionId, request: AskRequest) -> Result<Question, Failure> {
        match self {
            Self::Local(hub) => Ok(hub.ask(session, request).await?),
            Self::Remote(client) => {
                let client = client.clone();
                blocking(move || client.ask(&session, &request)).await
            }
        }
    }

    /// The question once answered, or as it is when `timeout` (if any) runs out.
    async fn answer(
        &self,
        session: SessionId,
        question: QuestionId,
        wait: Option<Option<Duration>>,
    ) -> Result<Question, Failure> {
        match self {
            Self::Local(hub) => match wait {
                None => Ok(hub.question(session, question).await?),
                Some(timeout) => {
                    let _watching = Watching::start(hub, &session).await?;
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
/// wakes on the same events the server does).
struct Watching {
    stop: watch::Sender<bool>,
    _background: Background,
}

impl Watching {
    async fn start(hub: &Hub, session: &SessionId) -> Result<Self, Failure> {
        let (stop, stopped) = watch::channel(false);
        let background = hub.watch_session(session, stopped).await?;
        Ok(Self {
            stop,
            _background: background,
        })
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.stop.send_replace(true);
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

/// Runs an agent command and says how it ended.
pub async fn run(command: Command, sessions_dir: PathBuf) -> ExitCode {
    match execute(command, sessions_dir).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("hub: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn execute(command: Command, sessions_dir: PathBuf) -> Result<(), Failure> {
    match command {
        Command::Serve(_) => unreachable!("serve is not an agent command"),
        Command::Status(StatusCommand::Get {
            session,
            agent,
            remote,
        }) => {
            let backend = Backend::new(&remote, sessions_dir)?;
            let detail = backend.detail(&SessionId::parse(&session)?).await?;
            print_status(&detail, agent.as_deref(), remote.json)
        }
        Command::Status(StatusCommand::Set {
            session,
            agent,
            status,
            message,
            expected_version,
            remote,
        }) => {
            let backend = Backend::new(&remote, sessions_dir)?;
            let change = StatusChange {
                status,
                message,
                expected_version,
            };
            let update = backend
                .set_status(SessionId::parse(&session)?, AgentId::new(agent), change)
                .await?;
            // JSON either way: scripts have always read this line.
            println!("{}", to_json(&update));
            Ok(())
        }
        Command::Wait {
            session,
            agents,
            deps_of,
            timeout,
            remote,
        } => {
            let backend = Backend::new(&remote, sessions_dir)?;
            let awaited = match deps_of {
                Some(agent) => Awaited::DependenciesOf(agent),
                None => Awaited::Agents(agents),
            };
            let progress = backend
                .wait(SessionId::parse(&session)?, awaited, timeout)
                .await?;
            report_progress(&progress, remote.json)
        }
        Command::Ask {
            session,
            agent,
            question,
            choices,
            timeout,
            no_wait,
            remote,
        } => {
            let backend = Backend::new(&remote, sessions_dir)?;
            let session = SessionId::parse(&session)?;
            let request = AskRequest {
                agent_id: agent,
                question,
                choices,
            };
            let asked = backend.ask(session.clone(), request).await?;
            if no_wait {
                if remote.json {
                    println!("{}", to_json(&asked));
                } else {
                    println!("{}", asked.id);
                }
                return Ok(());
            }
            let id = QuestionId::parse(&asked.id)?;
            let answered = backend.answer(session, id, Some(timeout)).await?;
            report_answer(&answered, remote.json)
        }
        Command::Answer {
            session,
            question_id,
            wait,
            timeout,
            remote,
        } => {
            let backend = Backend::new(&remote, sessions_dir)?;
            let (session, id) = (
                SessionId::parse(&session)?,
                QuestionId::parse(&question_id)?,
            );
            let question = backend.answer(session, id, wait.then_some(timeout)).await?;
            report_answer(&question, remote.json)
        }
    }
}

/// One agent as `status get` prints it.
#[derive(Serialize)]
struct AgentStatusLine<'a> {
    agent_id: &'a str,
    status: &'a crate::domain::AgentStatus,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_message: Option<&'a str>,
    needs_input: bool,
}

fn print_status(detail: &SessionDetail, agent: Option<&str>, json: bool) -> Result<(), Failure> {
    let agents: Vec<AgentStatusLine> = detail
        .agents
        .iter()
        .filter(|a| agent.is_none_or(|wanted| a.agent_id == wanted))
        .map(|a| AgentStatusLine {
            agent_id: &a.agent_id,
            status: &a.status,
            updated_at: rfc3339(a.updated_ms),
            status_message: a.status_message.as_deref(),
            needs_input: a.needs_input,
        })
        .collect();
    if let (Some(agent), true) = (agent, agents.is_empty()) {
        return Err(HubError::NotFound(format!(
            "no agent {agent:?} in session {:?}",
            detail.summary.id
        ))
        .into());
    }
    if json {
        let value = serde_json::json!({
            "session": detail.summary.id,
            "version": detail.summary.version,
            "agents": agents,
        });
        println!("{value}");
        return Ok(());
    }
    for line in &agents {
        let mut text = format!(
            "{}\t{}\tversion {}\tupdated {}",
            line.agent_id, line.status, detail.summary.version, line.updated_at
        );
        if line.needs_input {
            text.push_str("\tneeds input");
        }
        if let Some(message) = line.status_message {
            text.push_str(&format!("\t{message}"));
        }
        println!("{text}");
    }
    Ok(())
}

fn report_progress(progress: &Progress, json: bool) -> Result<(), Failure> {
    if json {
        println!("{}", to_json(progress));
    }
    match progress {
        Progress::Complete { agents } => {
            if !json {
                if agents.is_empty() {
                    println!("nothing to wait for");
                } else {
                    println!("complete: {}", agents.join(", "));
                }
            }
            Ok(())
        }
        Progress::Blocked { agent, message } => Err(Failure {
            code: EXIT_BLOCKED,
            message: match message {
                Some(message) => format!("{agent} is blocked: {message}"),
                None => format!("{agent} is blocked"),
            },
        }),
        Progress::Pending { agents } => Err(Failure {
            code: EXIT_TIMEOUT,
            message: format!("timed out; still waiting for {}", agents.join(", ")),
        }),
    }
}

fn report_answer(question: &Question, json: bool) -> Result<(), Failure> {
    if json {
        println!("{}", to_json(question));
    }
    match &question.answer {
        Some(answer) => {
            if !json {
                println!("{answer}");
            }
            Ok(())
        }
        None => Err(Failure {
            code: EXIT_TIMEOUT,
            message: format!(
                "no answer yet to question {} (read it later: hub answer <session> {} --wait)",
                question.id, question.id
            ),
        }),
    }
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("answers always serialise")
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
