//! `hub hook claude-code|codex`: the command an agent CLI's hooks run (see `hub integrate`). It
//! reads the event's payload (stdin, or the last argument as Codex's `notify` passes it) and
//! reports what it means for the agent's status (`domain::hooks`).
//!
//! A hook must never get in the agent's way: it never exits 2 (which would block the CLI's
//! action), and without a session and agent (flags, or `HUB_SESSION` / `HUB_AGENT`) it does
//! nothing, so one project configuration serves terminals that are not hub agents too.

use super::{AgentCli, RemoteArgs};
use crate::agent::{Backend, Failure, EXIT_USAGE};
use crate::domain::hooks::{
    is_permission_question, turn_ended_message, HookAction, SETTLED_IN_TERMINAL,
};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::monitor::StatusChange;
use crate::domain::question::{AnswerRequest, AskRequest, QuestionId};
use crate::domain::{AgentStatus, SessionDetail};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// A payload bigger than this is not one the CLIs send.
const MAX_PAYLOAD_BYTES: u64 = 4 << 20;

pub struct HookRun {
    pub cli: AgentCli,
    pub session: Option<String>,
    pub agent: Option<String>,
    pub payload: Option<String>,
    pub remote: RemoteArgs,
}

pub async fn run(hook: HookRun, sessions_dir: PathBuf) -> ExitCode {
    let cli = hook.cli;
    let (Some(session), Some(agent)) = (
        hook.session.filter(|s| !s.is_empty()),
        hook.agent.filter(|a| !a.is_empty()),
    ) else {
        // Not a terminal of a hub agent.
        return ExitCode::SUCCESS;
    };
    let outcome = async {
        let payload = read_payload(hook.payload)?;
        let action = HookAction::from_payload(&payload);
        let backend = hook
            .remote
            .backend(sessions_dir, crate::domain::history::Actor::Cli)?;
        let target = Target {
            backend,
            session: SessionId::parse(&session)?,
            agent: AgentId::new(agent),
            by: cli.name(),
        };
        let ended = matches!(action, HookAction::TurnEnded { .. });
        target.apply(action).await?;
        Ok::<bool, Failure>(ended)
    }
    .await;
    match outcome {
        Ok(ended) => {
            // Codex reads a JSON answer from a Stop hook that exits 0; `{}` decides nothing.
            if ended && cli == AgentCli::Codex {
                println!("{{}}");
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            // Exit 1: a non-blocking error both CLIs show without stopping the agent.
            eprintln!("hub hook: {}", failure.message);
            ExitCode::FAILURE
        }
    }
}

fn read_payload(given: Option<String>) -> Result<serde_json::Value, Failure> {
    let raw = match given {
        Some(raw) => raw,
        None => {
            let mut raw = String::new();
            std::io::stdin()
                .take(MAX_PAYLOAD_BYTES)
                .read_to_string(&mut raw)
                .map_err(|err| usage(format!("cannot read the hook's payload: {err}")))?;
            raw
        }
    };
    serde_json::from_str(&raw).map_err(|err| {
        usage(format!(
            "the hook's payload is not JSON ({err}); expected what the agent CLI sends"
        ))
    })
}

fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
    }
}

struct Target {
    backend: Backend,
    session: SessionId,
    agent: AgentId,
    by: &'static str,
}

impl Target {
    async fn apply(&self, action: HookAction) -> Result<(), Failure> {
        if action == HookAction::Nothing {
            return Ok(());
        }
        // One read of the session serves every decision below.
        let detail = self.backend.detail(&self.session).await?;
        match action {
            HookAction::Nothing => Ok(()),
            HookAction::Working => {
                self.settle_permissions(&detail).await?;
                self.set(AgentStatus::InProgress, "Working on a prompt".into())
                    .await
            }
            HookAction::NeedsPermission { question } => self.ask_once(&detail, question).await,
            HookAction::PermissionSettled => self.settle_permissions(&detail).await,
            HookAction::TurnEnded { last_message } => {
                self.settle_permissions(&detail).await?;
                let status = detail
                    .agents
                    .iter()
                    .find(|a| a.agent_id == self.agent.as_str())
                    .map(|a| &a.status);
                // The model's own `complete` or `blocked` says more than the end of a turn.
                match status {
                    Some(AgentStatus::Complete | AgentStatus::Blocked) => Ok(()),
                    _ => {
                        let message = turn_ended_message(last_message.as_deref());
                        self.set(AgentStatus::InProgress, message).await
                    }
                }
            }
        }
    }

    async fn set(&self, status: AgentStatus, message: String) -> Result<(), Failure> {
        let change = StatusChange {
            status: status.to_string(),
            message: Some(message),
            expected_version: None,
        };
        self.backend
            .set_status(self.session.clone(), self.agent.clone(), change)
            .await
            .map(drop)
    }

    /// Asks the permission question unless the same one is open already.
    async fn ask_once(&self, detail: &SessionDetail, question: String) -> Result<(), Failure> {
        let open = detail.questions.iter().any(|q| {
            q.is_open() && q.agent_id == self.agent.as_str() && q.question == question.trim()
        });
        if open {
            return Ok(());
        }
        let request = AskRequest {
            agent_id: self.agent.to_string(),
            question,
            choices: Vec::new(),
        };
        self.backend
            .ask(self.session.clone(), request)
            .await
            .map(drop)
    }

    /// Closes this agent's open permission questions: the person answered in the terminal.
    async fn settle_permissions(&self, detail: &SessionDetail) -> Result<(), Failure> {
        let open = detail.questions.iter().filter(|q| {
            q.is_open() && q.agent_id == self.agent.as_str() && is_permission_question(&q.question)
        });
        for question in open {
            let request = AnswerRequest {
                answer: SETTLED_IN_TERMINAL.into(),
                answered_by: Some(self.by.into()),
            };
            let id = QuestionId::parse(&question.id)?;
            match self
                .backend
                .respond(self.session.clone(), id, request)
                .await
            {
                // Someone answered it in the hub meanwhile: settled all the same.
                Err(failure) if failure.code == crate::agent::EXIT_CONFLICT => {}
                other => other.map(drop)?,
            }
        }
        Ok(())
    }
}
