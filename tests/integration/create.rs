//! Creating sessions on real folders: validation errors, generated files (golden), crashes
//! mid-create, a full disk, concurrent creates, context discovery and stubs.

mod concurrent;
mod crash;
mod discovery;
mod disk_full;
mod generate;
mod golden;
mod stubs;

use sessions_hub::domain::create::{
    AgentPlan, AttachmentInput, BlockInput, CreateRequest, StubInput,
};
use sessions_hub::domain::instructions::InstructionsFile;
use sessions_hub::domain::CommunicationFile;
use sessions_hub::generate::{GenerateOptions, STAGING_PREFIX};
use std::fs;
use std::path::{Path, PathBuf};

/// A small project with a nested fence and a file without a final newline.
pub fn fixture_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/create/project")
}

pub const NOW_MS: u64 = 1_767_000_000_000;

fn block(id: &str, kind: &str, content: &str) -> BlockInput {
    BlockInput {
        id: id.into(),
        kind: kind.into(),
        content: content.into(),
    }
}

fn agent(id: &str, role: &str, blocks: &[&str], attachments: &[&str], deps: &[&str]) -> AgentPlan {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    AgentPlan {
        agent_id: id.into(),
        role: role.into(),
        instructions: strings(blocks),
        attachments: strings(attachments),
        depends_on: strings(deps),
    }
}

/// Three agents in three waves, a pasted attachment with a fence inside, a path attachment that
/// is also a context file, and one that is not.
pub fn sample_request() -> CreateRequest {
    CreateRequest {
        stub: StubInput {
            id: "AUTH-7".into(),
            feature_name: "auth-refactor".into(),
            description: "Refactor the session store so that tokens rotate on refresh.".into(),
        },
        instructions: vec![
            block("b1", "task", "Move SessionStore behind a trait."),
            block("b2", "constraint", "No new dependencies."),
            block(
                "b3",
                "example",
                "`store.rotate(token)` returns the new token.",
            ),
        ],
        attachments: vec![
            AttachmentInput {
                id: "a1".into(),
                name: "Auth notes".into(),
                path: Some("docs/auth.md".into()),
                content: None,
            },
            AttachmentInput {
                id: "a2".into(),
                name: "schema.sql".into(),
                path: None,
                content: Some(
                    "CREATE TABLE sessions (token TEXT);\n-- ``` is not a fence here\n".into(),
                ),
            },
            AttachmentInput {
                id: "a3".into(),
                name: "todo".into(),
                path: Some("notes/todo.txt".into()),
                content: None,
            },
        ],
        context_files: vec!["src/auth/session_store.rs".into(), "docs/auth.md".into()],
        agents: vec![
            agent("agent-1", "Backend: the store", &["b1", "b2"], &["a1"], &[]),
            agent("agent-2", "Migration", &["b3"], &["a2"], &["agent-1"]),
            agent(
                "agent-3",
                "Tests",
                &["b2", "b1"],
                &["a3"],
                &["agent-1", "agent-2"],
            ),
        ],
        agent_interface: Default::default(),
        phase: Some("Phase 1".into()),
        previous_session: None,
    }
}

/// The sample request generated into a fresh `sessions` folder (kept while the `TempDir` lives).
pub fn generate_sample() -> (
    tempfile::TempDir,
    PathBuf,
    sessions_hub::generate::Generated,
) {
    generate_request(&sample_request())
}

/// `request` generated into a fresh `sessions` folder.
pub fn generate_request(
    request: &CreateRequest,
) -> (
    tempfile::TempDir,
    PathBuf,
    sessions_hub::generate::Generated,
) {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    let generated = sessions_hub::generate::generate(
        &sessions,
        &fixture_project(),
        request,
        &options(&sessions),
    )
    .unwrap();
    (tmp, sessions, generated)
}

pub fn options(sessions: &Path) -> GenerateOptions {
    GenerateOptions {
        now_ms: NOW_MS,
        hub_url: Some("http://127.0.0.1:3000".into()),
        cli_target: format!("--sessions-dir {}", sessions.display()),
    }
}

/// Asserts that `folder` is a whole session and returns its `communication.json`: every file,
/// one prompt per agent, and the files name the folder they are in.
pub fn assert_complete(folder: &Path) -> CommunicationFile {
    let id = folder.file_name().unwrap().to_str().unwrap();
    let read = |name: &str| {
        fs::read(folder.join(name)).unwrap_or_else(|err| panic!("{id}: {name}: {err}"))
    };
    let communication = CommunicationFile::parse(&read("communication.json"))
        .unwrap_or_else(|err| panic!("{id}: {err}"));
    assert_eq!(
        communication.session_id.as_deref(),
        Some(id),
        "session_id names the folder"
    );
    let instructions = InstructionsFile::parse(&read("instructions.json")).unwrap();
    assert!(!instructions.blocks.is_empty(), "{id}: no blocks");
    let backbone = String::from_utf8(read("context-backbone.md")).unwrap();
    assert!(backbone.starts_with("# Context backbone"), "{id}");
    assert!(!communication.agents.is_empty(), "{id}: no agents");
    for (index, agent) in communication.agents.iter().enumerate() {
        let prompt =
            String::from_utf8(read(&format!("agent-prompts/agent-{}.md", index + 1))).unwrap();
        assert!(
            prompt.contains(&format!("in session `{id}`")),
            "{id}: prompt names another session"
        );
        assert!(prompt.contains(&agent.agent_id), "{id}");
        assert!(prompt.ends_with('\n'), "{id}: truncated prompt");
    }
    communication
}

/// Names of `.staging-*` entries in `dir`.
pub fn staging_dirs(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(STAGING_PREFIX))
                .collect()
        })
        .unwrap_or_default()
}

/// Names of the visible entries in `dir`, sorted.
pub fn visible_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
