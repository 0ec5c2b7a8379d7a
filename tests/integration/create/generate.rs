//! `generate` on real folders: what it writes, what it refuses (writing nothing), names taken,
//! the store reading the result, fences that survive a Markdown parser, `sweep_staging`.

use super::{
    assert_complete, fixture_project, generate_sample, options, sample_request, staging_dirs,
    visible_entries, NOW_MS,
};
use crate::support::sid;
use sessions_hub::domain::{AgentStatus, HubError, SessionStatus};
use sessions_hub::generate::{generate, sweep_staging, GenerateOptions};
use sessions_hub::store::SessionStore;
use std::fs;
use std::path::Path;

/// The message of a refusal: `Validation` for a request that breaks its fields' rules,
/// `Invalid` for one whose paths do not resolve.
fn invalid_message(result: Result<sessions_hub::generate::Generated, HubError>) -> String {
    match result {
        Err(err @ HubError::Validation(_)) => err.to_string(),
        Err(HubError::Invalid(message)) => message,
        other => panic!("expected Validation or Invalid, got {other:?}"),
    }
}

/// Writes nothing: no session, no staging folder.
fn assert_nothing_written(sessions: &Path) {
    assert!(
        visible_entries(sessions).is_empty(),
        "{:?}",
        visible_entries(sessions)
    );
    assert!(staging_dirs(sessions).is_empty());
}

#[test]
fn invalid_requests_name_their_fields_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    let mut request = sample_request();
    request.instructions[0].content = " ".into();
    request.agents[0].depends_on = vec!["agent-3".into()];
    let message = invalid_message(generate(
        &sessions,
        &fixture_project(),
        &request,
        &options(&sessions),
    ));
    assert!(
        message.contains("instructions.b1: This block is empty"),
        "{message}"
    );
    assert!(
        message.contains("agents.agent-1.depends_on: The agents agent-1"),
        "{message}"
    );
    assert!(message.contains("cycle"), "{message}");
    assert!(!sessions.exists(), "the sessions dir is not even created");
}

#[test]
fn paths_are_checked_under_the_real_project_root() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    fs::create_dir(&sessions).unwrap();
    let project = tmp.path().join("project");
    fs::create_dir_all(project.join("src")).unwrap();
    fs::write(project.join("src/lib.rs"), "fn main() {}\n").unwrap();
    fs::write(project.join("blob.bin"), b"\x7fELF\0\0\x01").unwrap();
    fs::write(tmp.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), project.join("escape.txt")).unwrap();
    std::os::unix::fs::symlink("src/lib.rs", project.join("inside.rs")).unwrap();

    let cases = [
        ("missing.rs", "does not exist in the project root"),
        ("escape.txt", "leads outside the project root"),
        ("src", "is not a regular file"),
        ("blob.bin", "is a binary file"),
    ];
    for (path, needle) in cases {
        let mut request = sample_request();
        request.attachments.retain(|a| a.given_path().is_none());
        request
            .agents
            .iter_mut()
            .for_each(|a| a.attachments.retain(|id| id == "a2"));
        request.context_files = vec!["src/lib.rs".into(), path.into()];
        let message = invalid_message(generate(&sessions, &project, &request, &options(&sessions)));
        assert!(
            message.contains(&format!("{path:?}")) && message.contains(needle),
            "{path}: {message}"
        );
        assert_nothing_written(&sessions);
    }

    // A path attachment is checked the same way; every problem is reported at once.
    let mut request = sample_request();
    request.context_files = vec!["src/lib.rs".into()];
    let message = invalid_message(generate(&sessions, &project, &request, &options(&sessions)));
    assert!(
        message.contains("The attachment \"docs/auth.md\" does not exist"),
        "{message}"
    );
    assert!(
        message.contains("The attachment \"notes/todo.txt\" does not exist"),
        "{message}"
    );
    assert_nothing_written(&sessions);

    // A missing project root.
    let message = invalid_message(generate(
        &sessions,
        &tmp.path().join("nope"),
        &request,
        &options(&sessions),
    ));
    assert!(message.contains("project root"), "{message}");

    // A symbolic link that stays inside the project is fine.
    request.attachments.retain(|a| a.given_path().is_none());
    request
        .agents
        .iter_mut()
        .for_each(|a| a.attachments.retain(|id| id == "a2"));
    request.context_files = vec!["inside.rs".into(), "src/lib.rs".into()];
    let generated = generate(&sessions, &project, &request, &options(&sessions)).unwrap();
    let backbone =
        fs::read_to_string(Path::new(&generated.session_path).join("context-backbone.md")).unwrap();
    assert_eq!(
        backbone.matches("## `inside.rs`").count(),
        1,
        "the same file is embedded once"
    );
    assert_eq!(
        backbone.matches("## `src/lib.rs`").count(),
        0,
        "…under the first name it was given"
    );
}

#[test]
fn a_taken_name_gets_the_next_suffix_and_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    let base = format!("AUTH-7-{NOW_MS}");
    fs::create_dir_all(sessions.join(&base)).unwrap();
    fs::write(
        sessions.join(&base).join("communication.json"),
        "{\"agents\": []}",
    )
    .unwrap();
    fs::write(sessions.join(format!("{base}-2")), "a file, not a folder").unwrap();

    let generated = generate(
        &sessions,
        &fixture_project(),
        &sample_request(),
        &options(&sessions),
    )
    .unwrap();
    assert_eq!(generated.session_id, format!("{base}-3"));
    assert_eq!(
        fs::read_to_string(sessions.join(&base).join("communication.json")).unwrap(),
        "{\"agents\": []}"
    );
    assert_eq!(fs::read_dir(sessions.join(&base)).unwrap().count(), 1);
    assert_complete(Path::new(&generated.session_path));
    assert!(generated.one_liners[0]
        .prompt
        .contains(&format!("{base}-3/agent-prompts/agent-1.md")));
}

#[test]
fn the_store_reads_the_generated_session() {
    let (_tmp, sessions, generated) = generate_sample();
    assert_eq!(
        generated.files,
        [
            "communication.json",
            "instructions.json",
            "context-backbone.md",
            "agent-prompts/agent-1.md",
            "agent-prompts/agent-2.md",
            "agent-prompts/agent-3.md"
        ]
    );
    assert!(Path::new(&generated.session_path).join("outputs").is_dir());
    let communication = assert_complete(Path::new(&generated.session_path));
    assert_eq!(communication.version(), 0);
    assert_eq!(communication.extra["total_agents"], 3);
    assert_eq!(communication.extra["coordination_mode"], "parallel");
    assert_eq!(communication.created(), Some("2025-12-29T09:20:00.000Z"));

    let store = SessionStore::new(&sessions);
    store.refresh().unwrap();
    let list = store.list();
    assert_eq!(list.list.count, 1);
    assert!(list.list.invalid.is_empty());
    let detail = store.detail(&sid(&generated.session_id)).unwrap();
    assert_eq!(detail.summary.status, SessionStatus::NotStarted);
    assert_eq!(detail.summary.feature_name, "auth-refactor");
    assert_eq!(
        detail.summary.description,
        "Refactor the session store so that tokens rotate on refresh."
    );
    let waves: Vec<Option<u32>> = detail.agents.iter().map(|a| a.wave).collect();
    assert_eq!(waves, [Some(1), Some(2), Some(3)]);
    assert!(detail
        .agents
        .iter()
        .all(|a| a.status == AgentStatus::NotStarted));
    assert_eq!(detail.agents[2].blocked_by, ["agent-1", "agent-2"]);
    assert_eq!(detail.agents[1].outputs, ["outputs/agent-2.md"]);
    let instructions = detail.instructions.unwrap();
    assert_eq!(instructions.total_blocks, 3);
    assert_eq!(instructions.blocks[0].assigned_to, ["agent-1", "agent-3"]);
    assert_eq!(instructions.blocks[2].assigned_to, ["agent-2"]);
}

/// Every embedded file comes back out of a Markdown parser exactly, however many backticks it
/// contains, and with or without a final newline.
#[test]
fn the_backbone_fences_hold_any_content() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    let project = tmp.path().join("project");
    fs::create_dir(&project).unwrap();
    let contents = [
        ("plain.rs", "fn a() {}\n".to_string()),
        ("ticks.md", "```\n````rust\nx\n`````\n".to_string()),
        ("inline.txt", "a `b` ``c`` no newline".to_string()),
        ("long.md", "line with `tick`\n".repeat(5000)),
        ("empty.txt", String::new()),
    ];
    for (name, text) in &contents {
        fs::write(project.join(name), text).unwrap();
    }
    let mut request = sample_request();
    request.attachments.retain(|a| a.given_path().is_none());
    request
        .agents
        .iter_mut()
        .for_each(|a| a.attachments.retain(|id| id == "a2"));
    request.context_files = contents.iter().map(|(name, _)| name.to_string()).collect();
    let generated = generate(&sessions, &project, &request, &options(&sessions)).unwrap();
    let backbone =
        fs::read_to_string(Path::new(&generated.session_path).join("context-backbone.md")).unwrap();

    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, &backbone, &comrak::Options::default());
    let blocks: Vec<(String, String)> = root
        .descendants()
        .filter_map(|node| match &node.data().value {
            comrak::nodes::NodeValue::CodeBlock(block) => {
                Some((block.info.clone(), block.literal.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(blocks.len(), contents.len());
    for ((name, text), (info, literal)) in contents.iter().zip(&blocks) {
        let expected = if text.is_empty() || text.ends_with('\n') {
            text.clone()
        } else {
            format!("{text}\n")
        };
        assert_eq!(literal, &expected, "{name}");
        let language = if name.ends_with(".rs") {
            "rust"
        } else if name.ends_with(".md") {
            "markdown"
        } else {
            ""
        };
        assert_eq!(info, language, "{name}");
    }
}

#[test]
fn prompts_without_a_hub_explain_the_manual_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    let options = GenerateOptions {
        now_ms: NOW_MS,
        hub_url: None,
        cli_target: String::new(),
    };
    let generated = generate(&sessions, &fixture_project(), &sample_request(), &options).unwrap();
    let prompt =
        fs::read_to_string(Path::new(&generated.session_path).join("agent-prompts/agent-2.md"))
            .unwrap();
    assert!(
        prompt.contains("To report, edit `communication.json`"),
        "{prompt}"
    );
    assert!(prompt.contains("`agent_id` is `agent-2`"), "{prompt}");
    assert!(!prompt.contains("curl"), "{prompt}");
    assert!(!prompt.contains("```sh"), "{prompt}");
}

#[test]
fn sweep_removes_only_staging_folders() {
    let (tmp, sessions, generated) = generate_sample();
    for name in [".staging-abc", ".staging-def/agent-prompts"] {
        fs::create_dir_all(sessions.join(name)).unwrap();
    }
    fs::write(sessions.join(".staging-abc/communication.json"), "{").unwrap();
    fs::create_dir(sessions.join(".git")).unwrap();
    fs::write(sessions.join(".staging-file"), "a file").unwrap();

    assert_eq!(sweep_staging(&sessions).unwrap(), 2);
    assert!(staging_dirs(&sessions) == [".staging-file"]);
    assert!(sessions.join(".git").is_dir());
    assert_complete(Path::new(&generated.session_path));
    assert_eq!(sweep_staging(&sessions).unwrap(), 0);
    assert_eq!(sweep_staging(&tmp.path().join("missing")).unwrap(), 0);
}

#[test]
fn a_prompt_preview_is_the_prompt_generate_writes_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    fs::create_dir_all(&sessions).unwrap();
    let request = sample_request();
    let options = options(&sessions);
    let preview = sessions_hub::generate::preview_prompt(
        &sessions,
        &fixture_project(),
        &request,
        &options,
        1,
    )
    .unwrap();
    assert_nothing_written(&sessions);
    let generated = generate(&sessions, &fixture_project(), &request, &options).unwrap();
    let written = fs::read_to_string(
        sessions
            .join(&generated.session_id)
            .join("agent-prompts/agent-2.md"),
    )
    .unwrap();
    assert_eq!(preview, written);
    let beyond = sessions_hub::generate::preview_prompt(
        &sessions,
        &fixture_project(),
        &request,
        &options,
        9,
    );
    assert!(matches!(beyond, Err(HubError::NotFound(_))), "{beyond:?}");
}
