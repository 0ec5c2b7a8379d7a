//! Generating a session package: all files or none.
//!
//! 1. Validate the request and resolve every project file it names under the canonical project
//!    root. Any problem is an error before anything is written.
//! 2. Assemble the package in `<sessions-dir>/.staging-<random>/`: the context backbone
//!    (streamed), `instructions.json`, then the files that name the session (`communication.json`
//!    and the agent prompts); each file synced, then the folder.
//! 3. Rename the folder to `{stub.id}-{now_ms}` (then `-2`, `-3`, ... when taken) and sync the
//!    sessions directory. A rename onto a taken name fails (a session folder is never empty), so
//!    the files that name the session are rewritten for the next name and the rename retried.
//!    No existing session is ever overwritten.
//!
//! On an error the staging folder is removed; after a crash only a staging folder is left,
//! which readers ignore and [`sweep_staging`] removes.

mod backbone;
mod metadata;
mod plan;
mod prompts;
mod size;
mod sources;
mod staging;

pub use crate::domain::create::Generated;
pub use size::{check_project_file, package_size};
pub use sources::MAX_SOURCE_BYTES;
pub use staging::STAGING_PREFIX;

use crate::domain::create::{validate, CreateRequest, OneLiner};
use crate::domain::ids::new_session_id;
use crate::domain::session::{CONNECT_COMMAND_FIELD, START_PROMPT_FIELD};
use crate::domain::HubError;
use crate::fsutil::dir::sync_dir;
use staging::{name_taken, Staging};
use std::collections::BTreeSet;
use std::io;
use std::path::Path;

pub const COMMUNICATION_FILE: &str = "communication.json";
pub const INSTRUCTIONS_FILE: &str = "instructions.json";
pub const BACKBONE_FILE: &str = "context-backbone.md";

/// Names tried before giving up (only reachable if something keeps taking them).
const MAX_NAME_ATTEMPTS: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Creation time (unix milliseconds): the session id suffix and `created_at`.
    pub now_ms: u64,
    /// The hub's base URL (e.g. `http://127.0.0.1:3000`): when set, prompts say how to reach it
    /// from another machine (`--hub-url`) and over plain HTTP.
    pub hub_url: Option<String>,
    /// Where the agent's `hub` commands find the session, appended to each, e.g.
    /// `--sessions-dir '/abs/sessions'`. Empty: the prompts show no command lines and explain
    /// how to edit `communication.json` instead.
    pub cli_target: String,
}

/// What a session's files are made of, once the request is valid: the roster in order, the
/// canonical project root and the files the request names in it.
fn prepare<'a>(
    project_root: &Path,
    request: &'a CreateRequest,
) -> Result<
    (
        Vec<plan::PlannedAgent<'a>>,
        std::path::PathBuf,
        Vec<sources::Source>,
    ),
    HubError,
> {
    let errors = validate(request);
    if !errors.is_empty() {
        return Err(HubError::Validation(errors));
    }
    let agents = plan::plan(request)?;
    let (project_root, sources) = sources::resolve(project_root, request)?;
    Ok((agents, project_root, sources))
}

/// What `agent-prompts/agent-N.md` of the `agent`-th agent (0-based) would say if the session
/// were generated now: the same text, with the session id it would most likely get. Writes
/// nothing.
pub fn preview_prompt(
    sessions_dir: &Path,
    project_root: &Path,
    request: &CreateRequest,
    options: &GenerateOptions,
    agent: usize,
) -> Result<String, HubError> {
    let (agents, project_root, sources) = prepare(project_root, request)?;
    let Some(planned) = agents.get(agent) else {
        return Err(HubError::NotFound(format!(
            "the roster has {} agents, not {}",
            agents.len(),
            agent + 1
        )));
    };
    let sessions_dir = std::fs::canonicalize(sessions_dir).unwrap_or_else(|_| sessions_dir.into());
    let session_id = new_session_id(request.stub.id.trim(), options.now_ms, |name| {
        session_name_taken(&sessions_dir, name)
    });
    let session_path = sessions_dir.join(&session_id);
    let session = prompts::Session {
        id: &session_id,
        path: &session_path,
        project_root: &project_root,
        request,
        agents: &agents,
        sources: &sources,
        options,
    };
    Ok(prompts::agent_prompt(&session, planned))
}

/// A session of that name exists, active or archived (restoring it must stay possible).
fn session_name_taken(sessions_dir: &Path, name: &str) -> bool {
    sessions_dir.join(name).symlink_metadata().is_ok()
        || sessions_dir
            .join(crate::domain::lifecycle::ARCHIVE_DIR)
            .join(name)
            .symlink_metadata()
            .is_ok()
}

/// Writes a new session for `request` under `sessions_dir` (created if missing), embedding the
/// files it names from `project_root`. Blocking: the server runs it on a blocking thread.
pub fn generate(
    sessions_dir: &Path,
    project_root: &Path,
    request: &CreateRequest,
    options: &GenerateOptions,
) -> Result<Generated, HubError> {
    let (agents, project_root, sources) = prepare(project_root, request)?;
    let created_at = rfc3339(options.now_ms)?;

    std::fs::create_dir_all(sessions_dir).map_err(|err| io_error(sessions_dir, err))?;
    let sessions_dir =
        std::fs::canonicalize(sessions_dir).map_err(|err| io_error(sessions_dir, err))?;
    let mut staging = Staging::create(&sessions_dir).map_err(|err| io_error(&sessions_dir, err))?;
    let fail = |err: io::Error| io_error(&sessions_dir, err);

    // Files that do not name the session: written once.
    let header = backbone::Header {
        feature_name: request.stub.feature_name.trim(),
        stub_id: request.stub.id.trim(),
        description: &request.stub.description,
        created_at: &created_at,
    };
    backbone::write(&staging.path().join(BACKBONE_FILE), &header, &sources).map_err(fail)?;
    let instructions = metadata::instructions(request, &agents);
    staging
        .write(
            INSTRUCTIONS_FILE,
            metadata::to_pretty_json(&instructions).as_bytes(),
        )
        .map_err(fail)?;
    std::fs::create_dir(staging.path().join("outputs")).map_err(fail)?;

    let stub_id = request.stub.id.trim();
    let mut refused = BTreeSet::new();
    for _ in 0..MAX_NAME_ATTEMPTS {
        let session_id = new_session_id(stub_id, options.now_ms, |name| {
            refused.contains(name) || session_name_taken(&sessions_dir, name)
        });
        let session_path = sessions_dir.join(&session_id);
        let session = prompts::Session {
            id: &session_id,
            path: &session_path,
            project_root: &project_root,
            request,
            agents: &agents,
            sources: &sources,
            options,
        };
        // Files that name the session: (re)written for this name.
        let mut communication = metadata::communication(&session_id, &created_at, request, &agents);
        // The lines to paste, kept with the session: its page shows them for as long as it lives.
        for (record, agent) in communication.agents.iter_mut().zip(&agents) {
            let prompt = prompts::one_liner(&session, agent);
            record
                .extra
                .insert(START_PROMPT_FIELD.into(), serde_json::json!(prompt));
            if let Some(connect) = prompts::connect_command(&session, agent) {
                record
                    .extra
                    .insert(CONNECT_COMMAND_FIELD.into(), serde_json::json!(connect));
            }
        }
        staging
            .write(
                COMMUNICATION_FILE,
                communication.to_pretty_json().as_bytes(),
            )
            .map_err(fail)?;
        for agent in &agents {
            let prompt = prompts::agent_prompt(&session, agent);
            staging
                .write(&agent.prompt_file(), prompt.as_bytes())
                .map_err(fail)?;
        }
        for dir in [
            staging.path().join("agent-prompts"),
            staging.path().join("outputs"),
        ] {
            sync_dir(&dir).map_err(|err| fail(err.into()))?;
        }
        sync_dir(staging.path()).map_err(|err| fail(err.into()))?;

        match staging.rename_to(&session_path) {
            Ok(()) => {
                sync_dir(&sessions_dir).map_err(|err| fail(err.into()))?;
                let mut files = vec![
                    COMMUNICATION_FILE.to_owned(),
                    INSTRUCTIONS_FILE.to_owned(),
                    BACKBONE_FILE.to_owned(),
                ];
                files.extend(agents.iter().map(|a| a.prompt_file()));
                let one_liners = agents
                    .iter()
                    .map(|agent| OneLiner {
                        agent_id: agent.id.to_owned(),
                        prompt: prompts::one_liner(&session, agent),
                        connect: prompts::connect_command(&session, agent),
                    })
                    .collect();
                return Ok(Generated {
                    success: true,
                    session_path: session_path.display().to_string(),
                    session_id,
                    files,
                    one_liners,
                });
            }
            Err(err) if name_taken(&err) => {
                refused.insert(session_id);
            }
            Err(err) => return Err(fail(err)),
        }
    }
    Err(HubError::internal_msg(format!(
        "No free session name for {stub_id}-{} after {MAX_NAME_ATTEMPTS} attempts.",
        options.now_ms
    )))
}

/// Removes leftover `.staging-*` folders (a crash mid-create); returns how many. The server
/// calls it at start, before any generation can run.
pub fn sweep_staging(sessions_dir: &Path) -> Result<usize, crate::fsutil::PathError> {
    staging::sweep(sessions_dir)
}

fn rfc3339(now_ms: u64) -> Result<String, HubError> {
    i64::try_from(now_ms)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .ok_or_else(|| HubError::Invalid(format!("{now_ms} is not a usable creation time.")))
}

fn io_error(sessions_dir: &Path, err: io::Error) -> HubError {
    let message = format!(
        "The session could not be written to {}.",
        sessions_dir.display()
    );
    if err.kind() == io::ErrorKind::StorageFull {
        HubError::StorageFull(format!("{message} {err}"))
    } else {
        HubError::internal(message, err)
    }
}
