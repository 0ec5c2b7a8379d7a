//! The rules a session request must meet, checked once per request: by the wizard as each
//! part is filled in, and by the service before anything is written.

use super::field_errors::FieldErrors;
use super::overlap::dependency_graph;
use super::request::{AttachmentInput, BlockInput, CreateRequest, StubInput};
use crate::domain::waves::{compute_waves, WaveError};
use std::collections::BTreeSet;

/// The parts of a request, in form order: each has its own rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The stub and the instruction blocks.
    Stub,
    /// Attachments and context files.
    Context,
    /// The agents, their assignments and dependencies.
    Agents,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Stub, Part::Context, Part::Agents];
}

/// The problems of one part of the request.
pub fn validate_part(request: &CreateRequest, part: Part) -> FieldErrors {
    let mut errors = FieldErrors::new();
    match part {
        Part::Stub => {
            check_stub(&request.stub, &mut errors);
            check_phase(request, &mut errors);
            check_blocks(&request.instructions, &mut errors);
        }
        Part::Context => {
            check_attachments(&request.attachments, &mut errors);
            check_context_files(&request.context_files, &mut errors);
        }
        Part::Agents => check_agents(request, &mut errors),
    }
    errors
}

/// Every rule of every part, in form order. Empty means the request can be generated (given
/// that its paths exist under the project root).
pub fn validate(request: &CreateRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for part in Part::ALL {
        errors.extend(validate_part(request, part));
    }
    errors
}

/// A phase is a short name; the previous session must be a session id (it becomes a link).
fn check_phase(request: &CreateRequest, errors: &mut FieldErrors) {
    if let Some(phase) = &request.phase {
        if phase.chars().count() > 200 || phase.chars().any(char::is_control) {
            errors.insert(
                "phase",
                "Name the phase in one line of at most 200 characters.",
            );
        }
    }
    if let Some(previous) = request.previous_session.as_deref().filter(|p| !is_blank(p)) {
        if let Err(problem) = crate::domain::ids::validate_session_id(previous) {
            errors.insert(
                "previous_session",
                format!("The previous phase's session: {problem}."),
            );
        }
    }
}

pub(super) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn check_stub(stub: &StubInput, errors: &mut FieldErrors) {
    if is_blank(&stub.id) && is_blank(&stub.feature_name) && is_blank(&stub.description) {
        errors.insert(
            "stub",
            "Choose a stub, or describe one with an id, a feature name and a description.",
        );
        return;
    }
    if is_blank(&stub.id) {
        errors.insert("stub.id", "Give the stub an id.");
    } else if crate::domain::ids::validate_stub_id(&stub.id).is_err() {
        errors.insert(
            "stub.id",
            format!(
                "The stub id {:?} cannot name a session folder: use 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit.",
                stub.id
            ),
        );
    }
    if is_blank(&stub.feature_name) {
        errors.insert("stub.feature_name", "Give the feature a name.");
    }
    if is_blank(&stub.description) {
        errors.insert(
            "stub.description",
            "Describe the feature: the description drives context discovery and every agent reads it.",
        );
    }
}

fn check_blocks(blocks: &[BlockInput], errors: &mut FieldErrors) {
    if blocks.is_empty() {
        errors.insert("instructions", "Add at least one instruction block.");
        return;
    }
    let mut seen = BTreeSet::new();
    for (index, block) in blocks.iter().enumerate() {
        if is_blank(&block.id) {
            errors.insert("instructions", format!("Block {} has no id.", index + 1));
            continue;
        }
        let field = format!("instructions.{}", block.id);
        if !seen.insert(block.id.as_str()) {
            errors.insert(&field, format!("Two blocks share the id {:?}.", block.id));
        }
        if block.block_kind().is_none() {
            errors.insert(
                &field,
                format!(
                    "Unknown block type {:?}: choose task, guideline, example or constraint.",
                    block.kind
                ),
            );
        }
        if is_blank(&block.content) {
            errors.insert(&field, "This block is empty: write something or remove it.");
        }
    }
}

fn check_attachments(attachments: &[AttachmentInput], errors: &mut FieldErrors) {
    let mut seen = BTreeSet::new();
    for (index, attachment) in attachments.iter().enumerate() {
        if is_blank(&attachment.id) {
            errors.insert(
                "attachments",
                format!("Attachment {} has no id.", index + 1),
            );
            continue;
        }
        let field = format!("attachments.{}", attachment.id);
        if !seen.insert(attachment.id.as_str()) {
            errors.insert(
                &field,
                format!("Two attachments share the id {:?}.", attachment.id),
            );
        }
        if is_blank(&attachment.name) {
            errors.insert(&field, "Give this attachment a name.");
        }
        match (attachment.given_path(), attachment.given_content()) {
            (Some(_), Some(_)) => errors.insert(
                &field,
                "An attachment is either a file path or pasted text, not both.",
            ),
            (None, None) => errors.insert(
                &field,
                "Give a file path in the project or paste the text to attach.",
            ),
            (Some(path), None) => {
                if let Err(problem) = normalize_relative_path(path) {
                    errors.insert(&field, problem);
                }
            }
            (None, Some(_)) => {}
        }
    }
}

fn check_context_files(paths: &[String], errors: &mut FieldErrors) {
    let mut seen = BTreeSet::new();
    for (index, path) in paths.iter().enumerate() {
        let field = format!("context_files.{index}");
        match normalize_relative_path(path) {
            Err(problem) => errors.insert(field, problem),
            Ok(normal) => {
                if !seen.insert(normal) {
                    errors.insert(field, format!("{path:?} is selected twice."));
                }
            }
        }
    }
}

/// Agent ids end up in file names and URLs, so they get the stub-id alphabet.
fn agent_id_problem(id: &str) -> Option<String> {
    crate::domain::ids::validate_stub_id(id).err().map(|_| {
        format!(
            "The agent id {id:?} is not usable: use 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit."
        )
    })
}

fn check_agents(request: &CreateRequest, errors: &mut FieldErrors) {
    let agents = &request.agents;
    if agents.is_empty() {
        errors.insert("agents", "Add at least one agent.");
        return;
    }
    let blocks: BTreeSet<&str> = request.instructions.iter().map(|b| b.id.as_str()).collect();
    let attachments: BTreeSet<&str> = request.attachments.iter().map(|a| a.id.as_str()).collect();
    let ids: BTreeSet<&str> = agents.iter().map(|a| a.agent_id.as_str()).collect();
    let mut seen = BTreeSet::new();
    for (index, agent) in agents.iter().enumerate() {
        let id = agent.agent_id.as_str();
        if is_blank(id) {
            errors.insert("agents", format!("Agent {} has no id.", index + 1));
            continue;
        }
        let field = format!("agents.{id}");
        if let Some(problem) = agent_id_problem(id) {
            errors.insert(&field, problem);
        }
        if !seen.insert(id) {
            errors.insert(&field, format!("Two agents share the id {id:?}."));
        }
        if is_blank(&agent.role) {
            errors.insert(format!("{field}.role"), format!("Give {id} a role."));
        }
        for block in &agent.instructions {
            if !blocks.contains(block.as_str()) {
                errors.insert(
                    format!("{field}.instructions"),
                    format!("There is no instruction block {block:?}."),
                );
            }
        }
        for attachment in &agent.attachments {
            if !attachments.contains(attachment.as_str()) {
                errors.insert(
                    format!("{field}.attachments"),
                    format!("There is no attachment {attachment:?}."),
                );
            }
        }
        for dependency in &agent.depends_on {
            if dependency == id {
                errors.insert(
                    format!("{field}.depends_on"),
                    "An agent cannot depend on itself.",
                );
            } else if !ids.contains(dependency.as_str()) {
                errors.insert(
                    format!("{field}.depends_on"),
                    format!("There is no agent {dependency:?} in this session to depend on."),
                );
            }
        }
    }
    if let Err(WaveError::Cycle(cycle)) = compute_waves(&dependency_graph(request)) {
        let mut path = cycle.clone();
        path.extend(cycle.first().cloned());
        // On the dependencies of the cycle's first agent: where one click breaks it.
        let first = cycle.first().cloned().unwrap_or_default();
        errors.insert(
            format!("agents.{first}.depends_on"),
            format!(
                "The agents {} wait for each other in a cycle ({}), so none of them could start: remove one of these dependencies.",
                join_names(&cycle),
                path.join(" -> ")
            ),
        );
    }
}

pub(super) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Checks a path from a request lexically and returns it normalised (`/`-separated, no `.` or
/// empty components). It must be relative and stay inside the project: no absolute path, drive
/// prefix or `..`, no NUL or control character. `\` counts as a separator, so a Windows-style
/// path is checked the same way.
pub fn normalize_relative_path(raw: &str) -> Result<String, String> {
    let problem = |why: &str| Err(format!("{raw:?} {why}."));
    if raw.trim().is_empty() {
        return Err("The path is empty.".to_owned());
    }
    if raw.chars().any(char::is_control) {
        return problem("contains a control character");
    }
    if raw.starts_with(['/', '\\']) {
        return problem("is absolute: give a path relative to the project root");
    }
    let bytes = raw.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return problem("has a drive prefix: give a path relative to the project root");
    }
    let mut parts = Vec::new();
    for part in raw.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return problem("leaves the project root ('..' is not allowed)"),
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        return problem("names the project root itself, not a file");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::create::overlap::execution_waves;
    use crate::domain::create::request::AgentPlan;
    use crate::domain::instructions::BlockKind;

    pub(crate) fn block(id: &str, kind: &str, content: &str) -> BlockInput {
        BlockInput {
            id: id.into(),
            kind: kind.into(),
            content: content.into(),
        }
    }

    pub(crate) fn pasted(id: &str, name: &str, content: &str) -> AttachmentInput {
        AttachmentInput {
            id: id.into(),
            name: name.into(),
            path: None,
            content: Some(content.into()),
        }
    }

    pub(crate) fn file(id: &str, name: &str, path: &str) -> AttachmentInput {
        AttachmentInput {
            id: id.into(),
            name: name.into(),
            path: Some(path.into()),
            content: None,
        }
    }

    pub(crate) fn agent(id: &str, deps: &[&str]) -> AgentPlan {
        AgentPlan {
            agent_id: id.into(),
            role: format!("role of {id}"),
            instructions: vec!["b1".into()],
            attachments: vec![],
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
        }
    }

    /// A request that passes every rule; each test breaks one thing.
    pub(crate) fn valid() -> CreateRequest {
        CreateRequest {
            stub: StubInput {
                id: "STUB-1".into(),
                feature_name: "auth refactor".into(),
                description: "Refactor the session store".into(),
            },
            instructions: vec![
                block("b1", "task", "Do it"),
                block("b2", "constraint", "No deps"),
            ],
            attachments: vec![
                file("a1", "notes", "docs/notes.md"),
                pasted("a2", "log", "text"),
            ],
            context_files: vec!["src/lib.rs".into(), "./docs/a.md".into()],
            agents: vec![agent("agent-1", &[]), agent("agent-2", &["agent-1"])],
            agent_interface: Default::default(),
            phase: None,
            previous_session: None,
        }
    }

    /// (what is broken, the change, the part, the field id that must carry a message,
    /// a word the message must contain)
    type Case = (
        &'static str,
        fn(&mut CreateRequest),
        Part,
        &'static str,
        &'static str,
    );

    #[test]
    fn every_rule_has_its_field() {
        let cases: &[Case] = &[
            (
                "no stub",
                |r| r.stub = StubInput::default(),
                Part::Stub,
                "stub",
                "Choose a stub",
            ),
            (
                "blank id",
                |r| r.stub.id = " ".into(),
                Part::Stub,
                "stub.id",
                "id",
            ),
            (
                "bad id",
                |r| r.stub.id = "a b".into(),
                Part::Stub,
                "stub.id",
                "\"a b\"",
            ),
            (
                "dot id",
                |r| r.stub.id = "..".into(),
                Part::Stub,
                "stub.id",
                "letters",
            ),
            (
                "no name",
                |r| r.stub.feature_name.clear(),
                Part::Stub,
                "stub.feature_name",
                "name",
            ),
            (
                "no description",
                |r| r.stub.description = "\n".into(),
                Part::Stub,
                "stub.description",
                "Describe",
            ),
            (
                "no block",
                |r| r.instructions.clear(),
                Part::Stub,
                "instructions",
                "at least one",
            ),
            (
                "empty block",
                |r| r.instructions[1].content = "  ".into(),
                Part::Stub,
                "instructions.b2",
                "empty",
            ),
            (
                "unknown type",
                |r| r.instructions[0].kind = "wish".into(),
                Part::Stub,
                "instructions.b1",
                "\"wish\"",
            ),
            (
                "blank block id",
                |r| r.instructions[1].id.clear(),
                Part::Stub,
                "instructions",
                "Block 2",
            ),
            (
                "repeated block id",
                |r| r.instructions[1].id = "b1".into(),
                Part::Stub,
                "instructions.b1",
                "share",
            ),
            (
                "attachment without id",
                |r| r.attachments[0].id.clear(),
                Part::Context,
                "attachments",
                "Attachment 1",
            ),
            (
                "repeated attachment id",
                |r| r.attachments[1].id = "a1".into(),
                Part::Context,
                "attachments.a1",
                "share",
            ),
            (
                "attachment without name",
                |r| r.attachments[1].name.clear(),
                Part::Context,
                "attachments.a2",
                "name",
            ),
            (
                "both path and text",
                |r| r.attachments[0].content = Some("x".into()),
                Part::Context,
                "attachments.a1",
                "not both",
            ),
            (
                "neither path nor text",
                |r| r.attachments[1].content = Some(" ".into()),
                Part::Context,
                "attachments.a2",
                "paste",
            ),
            (
                "absolute attachment",
                |r| r.attachments[0].path = Some("/etc/passwd".into()),
                Part::Context,
                "attachments.a1",
                "absolute",
            ),
            (
                "escaping attachment",
                |r| r.attachments[0].path = Some("docs/../../x".into()),
                Part::Context,
                "attachments.a1",
                "..",
            ),
            (
                "absolute context file",
                |r| r.context_files[1] = "/etc/passwd".into(),
                Part::Context,
                "context_files.1",
                "absolute",
            ),
            (
                "escaping context file",
                |r| r.context_files[0] = "..\\secret".into(),
                Part::Context,
                "context_files.0",
                "..",
            ),
            (
                "drive context file",
                |r| r.context_files[0] = "C:\\x".into(),
                Part::Context,
                "context_files.0",
                "drive",
            ),
            (
                "empty context file",
                |r| r.context_files[0] = "".into(),
                Part::Context,
                "context_files.0",
                "empty",
            ),
            (
                "root as context file",
                |r| r.context_files[0] = "./".into(),
                Part::Context,
                "context_files.0",
                "root",
            ),
            (
                "NUL in context file",
                |r| r.context_files[0] = "a\0b".into(),
                Part::Context,
                "context_files.0",
                "control",
            ),
            (
                "context file twice",
                |r| r.context_files.push("src/./lib.rs".into()),
                Part::Context,
                "context_files.2",
                "twice",
            ),
            (
                "no agent",
                |r| r.agents.clear(),
                Part::Agents,
                "agents",
                "at least one agent",
            ),
            (
                "agent without id",
                |r| r.agents[1].agent_id.clear(),
                Part::Agents,
                "agents",
                "Agent 2",
            ),
            (
                "unusable agent id",
                |r| r.agents[0].agent_id = "a/b".into(),
                Part::Agents,
                "agents.a/b",
                "not usable",
            ),
            (
                "repeated agent id",
                |r| r.agents[1].agent_id = "agent-1".into(),
                Part::Agents,
                "agents.agent-1",
                "share",
            ),
            (
                "blank role",
                |r| r.agents[1].role = " ".into(),
                Part::Agents,
                "agents.agent-2.role",
                "role",
            ),
            (
                "unknown block",
                |r| r.agents[0].instructions.push("b9".into()),
                Part::Agents,
                "agents.agent-1.instructions",
                "\"b9\"",
            ),
            (
                "unknown attachment",
                |r| r.agents[0].attachments.push("a9".into()),
                Part::Agents,
                "agents.agent-1.attachments",
                "\"a9\"",
            ),
            (
                "self dependency",
                |r| r.agents[0].depends_on.push("agent-1".into()),
                Part::Agents,
                "agents.agent-1.depends_on",
                "itself",
            ),
            (
                "unknown dependency",
                |r| r.agents[0].depends_on.push("ghost".into()),
                Part::Agents,
                "agents.agent-1.depends_on",
                "\"ghost\"",
            ),
            (
                "cycle",
                |r| r.agents[0].depends_on.push("agent-2".into()),
                Part::Agents,
                "agents.agent-1.depends_on",
                "agent-1 -> agent-2 -> agent-1",
            ),
        ];
        for (what, change, part, field, needle) in cases {
            let mut request = valid();
            change(&mut request);
            let errors = validate_part(&request, *part);
            let message = errors
                .get(field)
                .unwrap_or_else(|| panic!("{what}: no message for {field}; got {errors}"));
            assert!(
                message.contains(needle),
                "{what}: {message:?} lacks {needle:?}"
            );
            assert!(
                message.ends_with('.'),
                "{what}: not a sentence: {message:?}"
            );
            assert!(
                message.chars().next().is_some_and(|c| !c.is_lowercase()),
                "{what}: not a sentence: {message:?}"
            );
            // Only this part's rules fire on it; `validate` reports the same problem.
            assert_eq!(validate(&request).get(field), Some(message), "{what}");
            for other in [Part::Stub, Part::Context, Part::Agents] {
                if other != *part {
                    assert!(
                        validate_part(&request, other).get(field).is_none(),
                        "{what}: also reported on {other:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_valid_request_is_valid_in_every_part() {
        let request = valid();
        assert_eq!(validate(&request), FieldErrors::new());
        for part in Part::ALL {
            assert!(validate_part(&request, part).is_empty(), "{part:?}");
        }
    }

    #[test]
    fn a_missing_stub_is_one_message_not_three() {
        let mut request = valid();
        request.stub = StubInput::default();
        let errors = validate_part(&request, Part::Stub);
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["stub"]);
    }

    #[test]
    fn a_cycle_names_all_its_agents() {
        let mut request = valid();
        request.agents.push(agent("agent-3", &["agent-2"]));
        request.agents[0].depends_on = vec!["agent-3".into()];
        let message = validate(&request)
            .get("agents.agent-1.depends_on")
            .unwrap()
            .to_owned();
        assert!(
            message.contains("agent-1, agent-3 and agent-2"),
            "{message}"
        );
        assert!(
            message.contains("(agent-1 -> agent-3 -> agent-2 -> agent-1)"),
            "{message}"
        );
        assert!(execution_waves(&request).is_err());
    }

    #[test]
    fn several_problems_of_one_field_are_joined() {
        let mut request = valid();
        request.instructions[0].kind = "wish".into();
        request.instructions[0].content.clear();
        let message = validate(&request)
            .get("instructions.b1")
            .unwrap()
            .to_owned();
        assert!(
            message.contains("wish") && message.contains("empty"),
            "{message}"
        );
    }

    #[test]
    fn paths_are_normalised_or_refused() {
        for (raw, normal) in [
            ("src/lib.rs", "src/lib.rs"),
            ("./src//lib.rs", "src/lib.rs"),
            ("src\\lib.rs", "src/lib.rs"),
            ("a/./b/", "a/b"),
            ("..a/b..", "..a/b.."),
            ("~/x", "~/x"),
        ] {
            assert_eq!(normalize_relative_path(raw).as_deref(), Ok(normal), "{raw}");
        }
        for bad in [
            "",
            " ",
            "/etc",
            "\\\\?\\C:\\x",
            "C:x",
            "c:/x",
            "..",
            "a/../../b",
            "a/..",
            ".",
            "a\nb",
        ] {
            assert!(normalize_relative_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tolerant_json_in_snake_case() {
        let request: CreateRequest = serde_json::from_str(
            r#"{"stub": {"id": "S", "feature_name": "f", "description": "d"},
                "instructions": [{"id": "b1", "type": "task", "content": "x"}],
                "attachments": [{"id": "a1", "name": "n", "path": "p"}, {"id": "a2", "name": "m", "content": "c"}],
                "agents": [{"agent_id": "agent-1", "role": "r"}]}"#,
        )
        .unwrap();
        assert!(request.context_files.is_empty());
        assert!(request.agents[0].depends_on.is_empty());
        assert_eq!(request.instructions[0].block_kind(), Some(BlockKind::Task));
        assert_eq!(request.attachments[0].given_path(), Some("p"));
        assert!(validate(&request).is_empty(), "{}", validate(&request));

        let empty: CreateRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, CreateRequest::default());
        let errors = validate(&empty);
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["stub", "instructions", "agents"]
        );

        let back: CreateRequest =
            serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
        assert_eq!(back, request);
        let text = serde_json::to_string(&request.instructions[0]).unwrap();
        assert!(text.contains(r#""type":"task""#), "{text}");
    }
}
