//! The session-creation request (the wizard's draft, and the body of `POST /api/sessions/create`)
//! and its validation, shared by the browser wizard and the server.
//!
//! Everything here is pure: no filesystem. Paths are only checked *lexically* (relative, no `..`);
//! `generate` checks that they exist under the canonical project root before writing anything.
//!
//! # Field ids
//!
//! Every validation message is keyed by a stable *field id*, so the UI can render it next to
//! its input and tie the two with `aria-describedby` (see [`FieldErrors::dom_id`]):
//!
//! | field id | what it is about |
//! |---|---|
//! | `stub` | no stub at all (id, feature name and description all blank) |
//! | `stub.id`, `stub.feature_name`, `stub.description` | one field of the stub |
//! | `instructions` | the list: no block, or a block without an id (named by position) |
//! | `instructions.<block id>` | one block: empty, unknown type, or an id used twice |
//! | `attachments` | the list: an attachment without an id (named by position) |
//! | `attachments.<attachment id>` | one attachment: no name, both/neither of path and content, a path outside the project, an id used twice |
//! | `context_files.<index>` | one selected context file (0-based position): not a relative path inside the project, or listed twice |
//! | `agents` | the roster: no agent, an agent without an id, a dependency cycle (naming its agents) |
//! | `agents.<agent id>` | one agent's id: not a usable id, or used twice |
//! | `agents.<agent id>.role` | the role is blank |
//! | `agents.<agent id>.instructions` | an unknown instruction block id |
//! | `agents.<agent id>.attachments` | an unknown attachment id |
//! | `agents.<agent id>.depends_on` | depends on itself or on an unknown agent |
//!
//! Overlaps (two agents of one wave given the same attachment) are warnings, not errors: see
//! [`overlap_warnings`]; the UI shows them under `agents`.

use super::instructions::BlockKind;
use super::waves::{compute_waves, WaveError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `POST /api/sessions/create` (SPEC §3, snake_case on the wire).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateRequest {
    pub stub: StubInput,
    pub instructions: Vec<BlockInput>,
    pub attachments: Vec<AttachmentInput>,
    /// Relative to the project root, `/`-separated.
    pub context_files: Vec<String>,
    pub agents: Vec<AgentPlan>,
}

/// The stub the session is made from: picked from the stubs directory or typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StubInput {
    pub id: String,
    pub feature_name: String,
    pub description: String,
}

impl From<&super::stub::Stub> for StubInput {
    fn from(stub: &super::stub::Stub) -> Self {
        Self {
            id: stub.id.clone(),
            feature_name: stub.feature_name.clone(),
            description: stub.description.clone(),
        }
    }
}

/// One instruction block. The type stays a string so that a bad value reaches validation (and
/// its field) instead of failing the whole request at deserialisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockInput {
    pub id: String,
    /// `task`, `guideline`, `example` or `constraint`.
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
}

impl BlockInput {
    pub fn block_kind(&self) -> Option<BlockKind> {
        BlockKind::parse(self.kind.trim())
    }
}

/// A file of the project (`path`) or pasted text (`content`): exactly one of the two.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttachmentInput {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

impl AttachmentInput {
    /// The path, if one is given (a blank path counts as none).
    pub fn given_path(&self) -> Option<&str> {
        self.path.as_deref().filter(|p| !p.trim().is_empty())
    }

    /// The pasted text, if any (blank text counts as none).
    pub fn given_content(&self) -> Option<&str> {
        self.content.as_deref().filter(|c| !c.trim().is_empty())
    }
}

/// One agent of the session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgentPlan {
    pub agent_id: String,
    pub role: String,
    /// Instruction block ids.
    pub instructions: Vec<String>,
    /// Attachment ids.
    pub attachments: Vec<String>,
    /// Agent ids this one waits for.
    pub depends_on: Vec<String>,
}

/// What generating a session produced: the body of the Complete step (camelCase, like the
/// `POST /api/sessions/create` answer it is part of).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Generated {
    /// The new folder's name.
    pub session_id: String,
    /// Absolute path of the session folder.
    pub session_path: String,
    /// Relative to the session folder.
    pub files: Vec<String>,
    /// `(agent id, line to paste into that agent's terminal)`, in roster order.
    pub one_liners: Vec<(String, String)>,
}

/// The wizard's steps (SPEC §2), numbered 1-5.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum WizardStep {
    #[default]
    Stub,
    Context,
    Agents,
    Generate,
    Complete,
}

impl WizardStep {
    pub const ALL: [WizardStep; 5] = [
        Self::Stub,
        Self::Context,
        Self::Agents,
        Self::Generate,
        Self::Complete,
    ];

    /// 1-based, as shown in the progress indicator.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_number(number: u8) -> Option<Self> {
        Self::ALL.get(usize::from(number).checked_sub(1)?).copied()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Stub => "Stub and instructions",
            Self::Context => "Context and attachments",
            Self::Agents => "Agents",
            Self::Generate => "Generate",
            Self::Complete => "Complete",
        }
    }

    pub fn next(self) -> Option<Self> {
        Self::from_number(self.number() + 1)
    }

    pub fn previous(self) -> Option<Self> {
        Self::from_number(self.number().checked_sub(1)?)
    }
}

impl fmt::Display for WizardStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Step {} of 5: {}", self.number(), self.label())
    }
}

/// Validation messages by field id, in the order of the form. A field with several problems
/// gets them joined into one message. Serialised as a JSON object in that order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `message` to `field` (appended to an existing message of that field).
    pub fn insert(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let (field, message) = (field.into(), message.into());
        match self.0.iter_mut().find(|(f, _)| *f == field) {
            Some((_, existing)) if existing.contains(&message) => {}
            Some((_, existing)) => {
                existing.push(' ');
                existing.push_str(&message);
            }
            None => self.0.push((field, message)),
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn contains(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(f, _)| f.as_str())
    }

    /// Messages of `field` and of everything under it (`agents` covers `agents.a1.role`).
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.iter().filter(move |(f, _)| {
            f.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    pub fn extend(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.insert(field, message);
        }
    }

    /// An HTML id for the element that shows `field`'s message: `error-` followed by the field
    /// id with `.` written as `__` and every other character outside `[A-Za-z0-9-]` as `_xx`
    /// (hex of its UTF-8 bytes). The encoding is reversible, so distinct field ids never share
    /// an element id: `agents.agent-1.role` -> `error-agents__agent-1__role`.
    pub fn dom_id(field: &str) -> String {
        let mut id = String::from("error-");
        for c in field.chars() {
            match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' => id.push(c),
                '.' => id.push_str("__"),
                _ => {
                    let mut buf = [0u8; 4];
                    for byte in c.encode_utf8(&mut buf).bytes() {
                        id.push_str(&format!("_{byte:02x}"));
                    }
                }
            }
        }
        id
    }
}

impl fmt::Display for FieldErrors {
    /// One line per field: `stub.id: Give the stub an id.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (field, message)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{field}: {message}")?;
        }
        Ok(())
    }
}

impl Serialize for FieldErrors {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, message) in &self.0 {
            map.serialize_entry(field, message)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FieldErrors {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FieldErrors;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of field id -> message")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FieldErrors, A::Error> {
                let mut errors = FieldErrors::new();
                while let Some((field, message)) = map.next_entry::<String, String>()? {
                    errors.insert(field, message);
                }
                Ok(errors)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The problems of one wizard step. `Generate` and `Complete` check everything (the summary
/// must show a problem introduced on an earlier step).
pub fn validate_step(request: &CreateRequest, step: WizardStep) -> FieldErrors {
    let mut errors = FieldErrors::new();
    match step {
        WizardStep::Stub => {
            check_stub(&request.stub, &mut errors);
            check_blocks(&request.instructions, &mut errors);
        }
        WizardStep::Context => {
            check_attachments(&request.attachments, &mut errors);
            check_context_files(&request.context_files, &mut errors);
        }
        WizardStep::Agents => check_agents(request, &mut errors),
        WizardStep::Generate | WizardStep::Complete => return validate(request),
    }
    errors
}

/// Every rule of every step, in form order. Empty means the request can be generated (given
/// that its paths exist under the project root).
pub fn validate(request: &CreateRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for step in [WizardStep::Stub, WizardStep::Context, WizardStep::Agents] {
        errors.extend(validate_step(request, step));
    }
    errors
}

fn is_blank(text: &str) -> bool {
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
    } else if super::ids::validate_stub_id(&stub.id).is_err() {
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
    super::ids::validate_stub_id(id).err().map(|_| {
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
        errors.insert(
            "agents",
            format!(
                "The agents {} wait for each other in a cycle ({}), so none of them could start: remove one of these dependencies.",
                join_names(&cycle),
                path.join(" -> ")
            ),
        );
    }
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The roster as [`compute_waves`] takes it, minus what validation reports separately (blank and
/// repeated ids, self- and unknown dependencies), so that only genuine cycles remain.
fn dependency_graph(request: &CreateRequest) -> Vec<(String, Vec<String>)> {
    let ids: BTreeSet<&str> = request
        .agents
        .iter()
        .map(|a| a.agent_id.as_str())
        .filter(|id| !is_blank(id))
        .collect();
    let mut seen = BTreeSet::new();
    request
        .agents
        .iter()
        .filter(|a| !is_blank(&a.agent_id) && seen.insert(a.agent_id.as_str()))
        .map(|agent| {
            let mut deps: Vec<String> = Vec::new();
            for dep in &agent.depends_on {
                if *dep != agent.agent_id && ids.contains(dep.as_str()) && !deps.contains(dep) {
                    deps.push(dep.clone());
                }
            }
            (agent.agent_id.clone(), deps)
        })
        .collect()
}

/// The execution wave (1-based) of every agent, for the wizard's preview and the generator.
/// Self- and unknown dependencies are ignored here (validation reports them); a cycle is an error.
pub fn execution_waves(request: &CreateRequest) -> Result<BTreeMap<String, u32>, WaveError> {
    compute_waves(&dependency_graph(request))
}

/// Overlap warnings (SPEC §5): two agents of the same execution wave that are given the same
/// attachment would work on the same material at the same time.
///
/// Only attachments can overlap. Selected context files are not per-agent: all of them go into
/// the one `context-backbone.md` that every agent reads as background, so sharing them is the
/// point, not a conflict. Attachments are handed to specific agents; a path attachment and
/// another attachment with the same path count as the same thing.
///
/// Nothing is reported while the dependencies have a cycle (there are no waves then).
pub fn overlap_warnings(request: &CreateRequest) -> Vec<String> {
    let Ok(waves) = execution_waves(request) else {
        return Vec::new();
    };
    // What an attachment is "about": its normalised path, or its id for pasted text.
    let key_of = |id: &str| -> Option<(String, String)> {
        let attachment = request.attachments.iter().find(|a| a.id == id)?;
        let label = if is_blank(&attachment.name) {
            attachment.id.clone()
        } else {
            attachment.name.clone()
        };
        let key = match attachment.given_path().map(normalize_relative_path) {
            Some(Ok(path)) => format!("path:{path}"),
            _ => format!("id:{}", attachment.id),
        };
        Some((key, label))
    };
    // (wave, key) -> (label, agents in roster order)
    let mut holders: BTreeMap<(u32, String), (String, Vec<&str>)> = BTreeMap::new();
    let mut seen_agents = BTreeSet::new();
    for agent in &request.agents {
        if !seen_agents.insert(agent.agent_id.as_str()) {
            continue;
        }
        let Some(&wave) = waves.get(&agent.agent_id) else {
            continue;
        };
        for id in &agent.attachments {
            if let Some((key, label)) = key_of(id) {
                let entry = holders.entry((wave, key)).or_insert((label, Vec::new()));
                if !entry.1.contains(&agent.agent_id.as_str()) {
                    entry.1.push(&agent.agent_id);
                }
            }
        }
    }
    holders
        .into_iter()
        .filter(|(_, (_, agents))| agents.len() > 1)
        .map(|((wave, _), (label, agents))| {
            let names: Vec<String> = agents.iter().map(|a| a.to_string()).collect();
            let quantifier = if names.len() == 2 { "both" } else { "all" };
            format!(
                "{} {quantifier} get the attachment {label:?} in wave {wave}: they may change the same thing at the same time.",
                join_names(&names)
            )
        })
        .collect()
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
mod tests {
    use super::*;

    fn block(id: &str, kind: &str, content: &str) -> BlockInput {
        BlockInput {
            id: id.into(),
            kind: kind.into(),
            content: content.into(),
        }
    }

    fn pasted(id: &str, name: &str, content: &str) -> AttachmentInput {
        AttachmentInput {
            id: id.into(),
            name: name.into(),
            path: None,
            content: Some(content.into()),
        }
    }

    fn file(id: &str, name: &str, path: &str) -> AttachmentInput {
        AttachmentInput {
            id: id.into(),
            name: name.into(),
            path: Some(path.into()),
            content: None,
        }
    }

    fn agent(id: &str, deps: &[&str]) -> AgentPlan {
        AgentPlan {
            agent_id: id.into(),
            role: format!("role of {id}"),
            instructions: vec!["b1".into()],
            attachments: vec![],
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
        }
    }

    /// A request that passes every rule; each test breaks one thing.
    fn valid() -> CreateRequest {
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
        }
    }

    #[test]
    fn the_valid_request_is_valid_at_every_step() {
        let request = valid();
        assert_eq!(validate(&request), FieldErrors::new());
        for step in WizardStep::ALL {
            assert!(validate_step(&request, step).is_empty(), "{step:?}");
        }
    }

    /// (what is broken, the change, the step, the field id that must carry a message,
    /// a word the message must contain)
    type Case = (
        &'static str,
        fn(&mut CreateRequest),
        WizardStep,
        &'static str,
        &'static str,
    );

    #[test]
    fn every_rule_has_its_field() {
        let cases: &[Case] = &[
            (
                "no stub",
                |r| r.stub = StubInput::default(),
                WizardStep::Stub,
                "stub",
                "Choose a stub",
            ),
            (
                "blank id",
                |r| r.stub.id = " ".into(),
                WizardStep::Stub,
                "stub.id",
                "id",
            ),
            (
                "bad id",
                |r| r.stub.id = "a b".into(),
                WizardStep::Stub,
                "stub.id",
                "\"a b\"",
            ),
            (
                "dot id",
                |r| r.stub.id = "..".into(),
                WizardStep::Stub,
                "stub.id",
                "letters",
            ),
            (
                "no name",
                |r| r.stub.feature_name.clear(),
                WizardStep::Stub,
                "stub.feature_name",
                "name",
            ),
            (
                "no description",
                |r| r.stub.description = "\n".into(),
                WizardStep::Stub,
                "stub.description",
                "Describe",
            ),
            (
                "no block",
                |r| r.instructions.clear(),
                WizardStep::Stub,
                "instructions",
                "at least one",
            ),
            (
                "empty block",
                |r| r.instructions[1].content = "  ".into(),
                WizardStep::Stub,
                "instructions.b2",
                "empty",
            ),
            (
                "unknown type",
                |r| r.instructions[0].kind = "wish".into(),
                WizardStep::Stub,
                "instructions.b1",
                "\"wish\"",
            ),
            (
                "blank block id",
                |r| r.instructions[1].id.clear(),
                WizardStep::Stub,
                "instructions",
                "Block 2",
            ),
            (
                "repeated block id",
                |r| r.instructions[1].id = "b1".into(),
                WizardStep::Stub,
                "instructions.b1",
                "share",
            ),
            (
                "attachment without id",
                |r| r.attachments[0].id.clear(),
                WizardStep::Context,
                "attachments",
                "Attachment 1",
            ),
            (
                "repeated attachment id",
                |r| r.attachments[1].id = "a1".into(),
                WizardStep::Context,
                "attachments.a1",
                "share",
            ),
            (
                "attachment without name",
                |r| r.attachments[1].name.clear(),
                WizardStep::Context,
                "attachments.a2",
                "name",
            ),
            (
                "both path and text",
                |r| r.attachments[0].content = Some("x".into()),
                WizardStep::Context,
                "attachments.a1",
                "not both",
            ),
            (
                "neither path nor text",
                |r| r.attachments[1].content = Some(" ".into()),
                WizardStep::Context,
                "attachments.a2",
                "paste",
            ),
            (
                "absolute attachment",
                |r| r.attachments[0].path = Some("/etc/passwd".into()),
                WizardStep::Context,
                "attachments.a1",
                "absolute",
            ),
            (
                "escaping attachment",
                |r| r.attachments[0].path = Some("docs/../../x".into()),
                WizardStep::Context,
                "attachments.a1",
                "..",
            ),
            (
                "absolute context file",
                |r| r.context_files[1] = "/etc/passwd".into(),
                WizardStep::Context,
                "context_files.1",
                "absolute",
            ),
            (
                "escaping context file",
                |r| r.context_files[0] = "..\\secret".into(),
                WizardStep::Context,
                "context_files.0",
                "..",
            ),
            (
                "drive context file",
                |r| r.context_files[0] = "C:\\x".into(),
                WizardStep::Context,
                "context_files.0",
                "drive",
            ),
            (
                "empty context file",
                |r| r.context_files[0] = "".into(),
                WizardStep::Context,
                "context_files.0",
                "empty",
            ),
            (
                "root as context file",
                |r| r.context_files[0] = "./".into(),
                WizardStep::Context,
                "context_files.0",
                "root",
            ),
            (
                "NUL in context file",
                |r| r.context_files[0] = "a\0b".into(),
                WizardStep::Context,
                "context_files.0",
                "control",
            ),
            (
                "context file twice",
                |r| r.context_files.push("src/./lib.rs".into()),
                WizardStep::Context,
                "context_files.2",
                "twice",
            ),
            (
                "no agent",
                |r| r.agents.clear(),
                WizardStep::Agents,
                "agents",
                "at least one agent",
            ),
            (
                "agent without id",
                |r| r.agents[1].agent_id.clear(),
                WizardStep::Agents,
                "agents",
                "Agent 2",
            ),
            (
                "unusable agent id",
                |r| r.agents[0].agent_id = "a/b".into(),
                WizardStep::Agents,
                "agents.a/b",
                "not usable",
            ),
            (
                "repeated agent id",
                |r| r.agents[1].agent_id = "agent-1".into(),
                WizardStep::Agents,
                "agents.agent-1",
                "share",
            ),
            (
                "blank role",
                |r| r.agents[1].role = " ".into(),
                WizardStep::Agents,
                "agents.agent-2.role",
                "role",
            ),
            (
                "unknown block",
                |r| r.agents[0].instructions.push("b9".into()),
                WizardStep::Agents,
                "agents.agent-1.instructions",
                "\"b9\"",
            ),
            (
                "unknown attachment",
                |r| r.agents[0].attachments.push("a9".into()),
                WizardStep::Agents,
                "agents.agent-1.attachments",
                "\"a9\"",
            ),
            (
                "self dependency",
                |r| r.agents[0].depends_on.push("agent-1".into()),
                WizardStep::Agents,
                "agents.agent-1.depends_on",
                "itself",
            ),
            (
                "unknown dependency",
                |r| r.agents[0].depends_on.push("ghost".into()),
                WizardStep::Agents,
                "agents.agent-1.depends_on",
                "\"ghost\"",
            ),
            (
                "cycle",
                |r| r.agents[0].depends_on.push("agent-2".into()),
                WizardStep::Agents,
                "agents",
                "agent-1 -> agent-2 -> agent-1",
            ),
        ];
        for (what, change, step, field, needle) in cases {
            let mut request = valid();
            change(&mut request);
            let errors = validate_step(&request, *step);
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
            // Only this step's rules fire on this step; `validate` reports the same problem.
            assert_eq!(validate(&request).get(field), Some(message), "{what}");
            for other in [WizardStep::Stub, WizardStep::Context, WizardStep::Agents] {
                if other != *step {
                    assert!(
                        validate_step(&request, other).get(field).is_none(),
                        "{what}: also reported on {other:?}"
                    );
                }
            }
            assert_eq!(
                validate_step(&request, WizardStep::Generate),
                validate(&request)
            );
        }
    }

    #[test]
    fn a_missing_stub_is_one_message_not_three() {
        let mut request = valid();
        request.stub = StubInput::default();
        let errors = validate_step(&request, WizardStep::Stub);
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["stub"]);
    }

    #[test]
    fn a_cycle_names_all_its_agents() {
        let mut request = valid();
        request.agents.push(agent("agent-3", &["agent-2"]));
        request.agents[0].depends_on = vec!["agent-3".into()];
        let message = validate(&request).get("agents").unwrap().to_owned();
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
    fn unknown_and_self_dependencies_do_not_hide_waves() {
        let mut request = valid();
        request.agents[0].depends_on = vec!["agent-1".into(), "ghost".into()];
        let waves = execution_waves(&request).unwrap();
        assert_eq!((waves["agent-1"], waves["agent-2"]), (1, 2));
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
    fn overlaps_are_shared_attachments_within_a_wave() {
        let mut request = valid();
        request.agents.push(agent("agent-3", &[]));
        // agent-1 and agent-3 share wave 1; agent-2 is in wave 2.
        request.agents[0].attachments = vec!["a1".into(), "a2".into()];
        request.agents[1].attachments = vec!["a1".into()];
        request.agents[2].attachments = vec!["a1".into()];
        let warnings = overlap_warnings(&request);
        assert_eq!(
            warnings,
            ["agent-1 and agent-3 both get the attachment \"notes\" in wave 1: they may change the same thing at the same time."]
        );

        // The same file under two attachment ids is the same material.
        request
            .attachments
            .push(file("a3", "notes again", "./docs\\notes.md"));
        request.agents[2].attachments = vec!["a3".into()];
        assert_eq!(overlap_warnings(&request).len(), 1);

        // Different waves, different attachments, or shared context files: no warning.
        request.agents[2].attachments = vec!["a2".into()];
        request.agents[0].attachments = vec!["a1".into()];
        assert!(overlap_warnings(&request).is_empty());
        request.context_files = vec!["src/lib.rs".into()];
        assert!(overlap_warnings(&request).is_empty());

        // Three agents in one wave.
        for a in &mut request.agents {
            a.depends_on.clear();
            a.attachments = vec!["a2".into()];
        }
        assert_eq!(
            overlap_warnings(&request),
            ["agent-1, agent-2 and agent-3 all get the attachment \"log\" in wave 1: they may change the same thing at the same time."]
        );

        // No waves, no warnings.
        request.agents[0].depends_on = vec!["agent-2".into()];
        request.agents[1].depends_on = vec!["agent-1".into()];
        assert!(overlap_warnings(&request).is_empty());
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

    #[test]
    fn field_errors_serialise_in_order_and_map_to_distinct_dom_ids() {
        let mut errors = FieldErrors::new();
        errors.insert("stub.id", "A.");
        errors.insert("agents", "B.");
        errors.insert("stub.id", "C.");
        errors.insert("stub.id", "C.");
        let text = serde_json::to_string(&errors).unwrap();
        assert_eq!(text, r#"{"stub.id":"A. C.","agents":"B."}"#);
        assert_eq!(serde_json::from_str::<FieldErrors>(&text).unwrap(), errors);
        assert_eq!(errors.to_string(), "stub.id: A. C.\nagents: B.");
        assert_eq!(errors.under("stub").count(), 1);
        assert_eq!(errors.under("stu").count(), 0);

        assert_eq!(
            FieldErrors::dom_id("agents.agent-1.role"),
            "error-agents__agent-1__role"
        );
        let ids: BTreeSet<String> = ["a.b", "a-b", "a--b", "a_b", "a b", "a/b", "a.b.c", "a.é"]
            .iter()
            .map(|f| FieldErrors::dom_id(f))
            .collect();
        assert_eq!(ids.len(), 8, "{ids:?}");
        assert!(ids.iter().all(|id| id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')));
    }

    #[test]
    fn steps_are_numbered_and_labelled() {
        assert_eq!(WizardStep::Stub.number(), 1);
        assert_eq!(WizardStep::Complete.number(), 5);
        assert_eq!(WizardStep::from_number(3), Some(WizardStep::Agents));
        assert_eq!(WizardStep::from_number(0), None);
        assert_eq!(WizardStep::from_number(6), None);
        assert_eq!(WizardStep::Stub.previous(), None);
        assert_eq!(WizardStep::Generate.next(), Some(WizardStep::Complete));
        assert_eq!(WizardStep::Complete.next(), None);
        assert_eq!(
            WizardStep::Context.to_string(),
            "Step 2 of 5: Context and attachments"
        );
        assert_eq!(
            serde_json::to_string(&WizardStep::Agents).unwrap(),
            "\"agents\""
        );
    }
}
