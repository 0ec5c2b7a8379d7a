//! The agent's commands: `status get|set`, `usage add`, `wait`, `ask`, `answer`. Each runs on the local
//! sessions folder through the same use cases the server has, or, with `--hub-url`, against a
//! running hub over its HTTP API (the hub then does the locked write).
//!
//! Exit codes: 0 ok, 2 usage or an unknown session/agent/question, 3 an awaited agent is
//! blocked, 4 timeout, 5 conflict (a version, or a question already answered), 1 anything else.

use super::{Command, StatusCommand, UsageCommand};
use crate::agent::{Failure, EXIT_BLOCKED, EXIT_TIMEOUT};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::lifecycle::LifecycleAction;
use crate::domain::monitor::StatusChange;
use crate::domain::question::{AskRequest, Question, QuestionId};
use crate::domain::usage::UsageReport;
use crate::domain::waiting::{Awaited, Progress};
use crate::domain::{HubError, SessionDetail};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// `hub archive`, `hub restore`, `hub delete`: one move of the session's folder.
async fn move_session(
    session: String,
    action: LifecycleAction,
    remote: super::RemoteArgs,
    sessions_dir: PathBuf,
) -> Result<(), Failure> {
    let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
    let moved = backend
        .move_session(SessionId::parse(&session)?, action)
        .await?;
    if remote.json {
        println!("{}", to_json(&moved));
    } else {
        println!("{}", action.done(&moved.id));
    }
    Ok(())
}

/// A delete from a terminal asks for the id, as the hub's dialog does; a script says --yes.
fn confirm_delete(session: &str) -> Result<(), Failure> {
    use std::io::{BufRead, IsTerminal, Write};
    let usage = |message: &str| Failure {
        code: crate::agent::EXIT_USAGE,
        message: message.to_owned(),
    };
    if !std::io::stdin().is_terminal() {
        return Err(usage(
            "deleting needs confirmation: pass --yes (stdin is not a terminal)",
        ));
    }
    eprint!("Type the session id to delete it ({session}): ");
    let _ = std::io::stderr().flush();
    let mut typed = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut typed)
        .map_err(|err| usage(&format!("cannot read the confirmation: {err}")))?;
    crate::domain::lifecycle::check_delete_confirmation(session, Some(&typed))
        .map_err(|err| usage(&err.to_string()))
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
        Command::Serve(_)
        | Command::Mcp { .. }
        | Command::Hook { .. }
        | Command::Integrate { .. } => unreachable!("not an agent command"),
        Command::Archive { session, remote } => {
            move_session(session, LifecycleAction::Archive, remote, sessions_dir).await
        }
        Command::Restore { session, remote } => {
            move_session(session, LifecycleAction::Restore, remote, sessions_dir).await
        }
        Command::Delete {
            session,
            yes,
            remote,
        } => {
            if !yes {
                confirm_delete(&session)?;
            }
            move_session(session, LifecycleAction::Delete, remote, sessions_dir).await
        }
        Command::Status(StatusCommand::Get {
            session,
            agent,
            remote,
        }) => {
            let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
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
            let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
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
        Command::Usage(UsageCommand::Add {
            session,
            agent,
            input_tokens,
            output_tokens,
            cost_usd,
            remote,
        }) => {
            let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
            let report = UsageReport {
                input_tokens,
                output_tokens,
                cost_usd,
            };
            let update = backend
                .add_usage(SessionId::parse(&session)?, AgentId::new(agent), report)
                .await?;
            if remote.json {
                println!("{}", to_json(&update));
            } else {
                println!(
                    "{}: added {}; total {}",
                    update.agent,
                    update.added.summary(),
                    update.total.summary()
                );
            }
            Ok(())
        }
        Command::Wait {
            session,
            agents,
            deps_of,
            timeout,
            remote,
        } => {
            let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
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
            let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
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
            let backend = remote.backend(sessions_dir, crate::domain::history::Actor::Cli)?;
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
