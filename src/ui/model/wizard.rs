//! The Create tab's draft: everything the five-step wizard holds between steps, tab switches
//! and reloads (it is kept in `localStorage` as JSON), and the edits the wizard makes to it.
//!
//! The request inside ([`CreateRequest`]) is exactly what `POST /api/sessions/create` takes, so
//! the browser validates it with the same rules (`domain::create`) the server runs again before
//! writing anything. Pure data and rules: no browser, no filesystem.

use crate::domain::context::DiscoveryResult;
use crate::domain::create::{
    execution_waves, normalize_relative_path, validate, validate_part, AgentPlan, AttachmentInput,
    BlockInput, CreateRequest, FieldErrors, Generated, Part, StubInput,
};
use crate::domain::instructions::BlockKind;
use crate::domain::stub::Stub;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The wizard's steps, numbered 1-5.
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

/// The problems of one step: its part of the request. `Generate` and `Complete` check
/// everything (the summary must show a problem introduced on an earlier step).
pub fn validate_step(request: &CreateRequest, step: WizardStep) -> FieldErrors {
    match step {
        WizardStep::Stub => validate_part(request, Part::Stub),
        WizardStep::Context => validate_part(request, Part::Context),
        WizardStep::Agents => validate_part(request, Part::Agents),
        WizardStep::Generate | WizardStep::Complete => validate(request),
    }
}

/// Bumped when the stored shape changes incompatibly: an older stored draft is then dropped
/// instead of being half-read.
pub const DRAFT_VERSION: u32 = 2;

/// The `localStorage` key of the draft.
pub const STORAGE_KEY: &str = "sessions-hub.wizard-draft";

/// More agents than this is not a plan anyone can follow; the number input stops here.
pub const MAX_AGENTS: usize = 12;

/// Where the stub came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "folder")]
pub enum StubChoice {
    /// Nothing chosen yet.
    #[default]
    None,
    /// A stub folder of the stubs directory.
    Picked(String),
    /// Typed into the wizard.
    AdHoc,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WizardDraft {
    pub version: u32,
    pub step: WizardStep,
    /// The furthest step reached: the steps up to it can be clicked to go back to.
    pub furthest: WizardStep,
    pub stub_choice: StubChoice,
    /// The picked stub's `agents_involved`: the roles step 3 starts from.
    pub agents_involved: Vec<String>,
    pub request: CreateRequest,
    /// The last discovery results shown on step 2.
    pub discovery: Option<DiscoveryResult>,
    /// The description those results are for: a changed description scans again.
    pub discovered_for: Option<String>,
    /// Set once the session is written (step 5).
    pub generated: Option<Generated>,
}

impl WizardDraft {
    pub fn new() -> Self {
        Self {
            version: DRAFT_VERSION,
            ..Self::default()
        }
    }

    /// A stored draft, if it is one this version understands.
    pub fn from_stored(text: &str) -> Option<Self> {
        serde_json::from_str::<Self>(text)
            .ok()
            .filter(|draft| draft.version == DRAFT_VERSION)
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The step after a Next that passed validation; entering the agents step fills the roster.
    pub fn advance(&mut self) {
        if let Some(next) = self.step.next() {
            self.enter(next);
        }
    }

    fn enter(&mut self, step: WizardStep) {
        if step >= WizardStep::Agents {
            self.ensure_agents();
        }
        self.step = step;
        self.furthest = self.furthest.max(step);
    }

    /// A click on a step of the indicator: back to any visited step; forward to a visited one
    /// only through steps that are valid (else `Err` with the first step that is not, and its
    /// problems). Step 5 is reached by generating, never by a click.
    pub fn jump_to(&mut self, target: WizardStep) -> Result<(), (WizardStep, FieldErrors)> {
        if !self.can_jump_to(target) {
            return Ok(());
        }
        let mut step = self.step;
        while step < target {
            let errors = validate_step(&self.request, step);
            if !errors.is_empty() {
                self.step = step;
                return Err((step, errors));
            }
            step = step.next().unwrap_or(target);
        }
        self.enter(target);
        Ok(())
    }

    /// Visited, not the current one, and not a way around generating or past it.
    pub fn can_jump_to(&self, target: WizardStep) -> bool {
        target != self.step
            && target <= self.furthest
            && target < WizardStep::Complete
            && self.step < WizardStep::Complete
    }

    pub fn go_back(&mut self) {
        if let Some(previous) = self.step.previous() {
            self.step = previous;
        }
    }

    // ---- step 1: stub ----

    /// Starts over from `request` (the next phase of a session): step 1, the stub as typed in.
    pub fn start_next_phase(&mut self, request: CreateRequest) {
        *self = Self {
            stub_choice: StubChoice::AdHoc,
            agents_involved: request.agents.iter().map(|a| a.role.clone()).collect(),
            request,
            ..Self::new()
        };
    }

    /// Takes the stub of folder `folder`. Another stub than before starts the roster afresh
    /// (its roles come from the new stub's `agents_involved`).
    pub fn pick_stub(&mut self, folder: &str, stub: &Stub) {
        let input = StubInput::from(stub);
        if self.request.stub != input {
            self.request.agents.clear();
        }
        self.stub_choice = StubChoice::Picked(folder.to_owned());
        self.request.stub = input;
        self.agents_involved = stub.agents_involved.clone();
    }

    /// Switches to a stub typed in; a picked stub's text is cleared so it is not mistaken for
    /// the user's own.
    pub fn describe_new_stub(&mut self) {
        if matches!(self.stub_choice, StubChoice::Picked(_)) {
            self.request.stub = StubInput::default();
            self.request.agents.clear();
        }
        self.stub_choice = StubChoice::AdHoc;
        self.agents_involved.clear();
    }

    // ---- step 1: instruction blocks ----

    /// Adds an empty block and returns its id (`b1`, `b2`, ...: one more than the highest).
    pub fn add_block(&mut self, kind: BlockKind) -> String {
        let id = next_id("b", self.request.instructions.iter().map(|b| b.id.as_str()));
        self.request.instructions.push(BlockInput {
            id: id.clone(),
            kind: kind.as_str().to_owned(),
            content: String::new(),
        });
        // A block added after the roster exists goes to every agent, as the first ones did.
        for agent in &mut self.request.agents {
            agent.instructions.push(id.clone());
        }
        id
    }

    pub fn set_block_kind(&mut self, id: &str, kind: &str) {
        if let Some(block) = self.request.instructions.iter_mut().find(|b| b.id == id) {
            block.kind = kind.to_owned();
        }
    }

    pub fn set_block_content(&mut self, id: &str, content: &str) {
        if let Some(block) = self.request.instructions.iter_mut().find(|b| b.id == id) {
            block.content = content.to_owned();
        }
    }

    /// Removes a block and every agent's assignment of it.
    pub fn remove_block(&mut self, id: &str) {
        self.request.instructions.retain(|b| b.id != id);
        for agent in &mut self.request.agents {
            agent.instructions.retain(|b| b != id);
        }
    }

    // ---- step 2: context and attachments ----

    /// Whether step 2 should scan (again): never scanned, or the description changed.
    pub fn needs_discovery(&self) -> bool {
        self.discovered_for.as_deref() != Some(self.request.stub.description.trim())
    }

    /// New results replace the old ones, and so does their pre-selection (relevance >= 90).
    pub fn apply_discovery(&mut self, description: &str, result: DiscoveryResult) {
        self.request.context_files = result.auto_selected.clone();
        self.discovery = Some(result);
        self.discovered_for = Some(description.trim().to_owned());
    }

    pub fn set_context_file(&mut self, path: &str, selected: bool) {
        let files = &mut self.request.context_files;
        let present = files.iter().any(|p| p == path);
        if selected && !present {
            files.push(path.to_owned());
        } else if !selected {
            files.retain(|p| p != path);
        }
    }

    /// Selects every discovered file (`true`) or none.
    pub fn select_all_context(&mut self, selected: bool) {
        self.request.context_files = match (&self.discovery, selected) {
            (Some(result), true) => result.files.iter().map(|f| f.path.clone()).collect(),
            _ => Vec::new(),
        };
    }

    /// Adds a checked attachment (see [`check_new_attachment`]) and returns its id.
    pub fn add_attachment(&mut self, new: &NewAttachment) -> String {
        let id = next_id("a", self.request.attachments.iter().map(|a| a.id.as_str()));
        let attachment = match new.source {
            AttachmentSource::Path => {
                let path = normalize_relative_path(&new.path).unwrap_or_else(|_| new.path.clone());
                AttachmentInput {
                    id: id.clone(),
                    name: non_blank(&new.name)
                        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_owned()),
                    path: Some(path),
                    content: None,
                }
            }
            AttachmentSource::Text => AttachmentInput {
                id: id.clone(),
                name: non_blank(&new.name).unwrap_or_else(|| {
                    let n = self
                        .request
                        .attachments
                        .iter()
                        .filter(|a| a.given_content().is_some())
                        .count();
                    format!("Pasted text {}", n + 1)
                }),
                path: None,
                content: Some(new.content.clone()),
            },
        };
        self.request.attachments.push(attachment);
        id
    }

    /// Removes an attachment and every agent's assignment of it.
    pub fn remove_attachment(&mut self, id: &str) {
        self.request.attachments.retain(|a| a.id != id);
        for agent in &mut self.request.agents {
            agent.attachments.retain(|a| a != id);
        }
    }

    pub fn clear_attachments(&mut self) {
        self.request.attachments.clear();
        for agent in &mut self.request.agents {
            agent.attachments.clear();
        }
    }

    // ---- step 3: agents ----

    /// Fills an empty roster: one agent per role of the stub's `agents_involved`, at least one.
    pub fn ensure_agents(&mut self) {
        if self.request.agents.is_empty() {
            self.set_agent_count(self.agents_involved.len().max(1));
        }
    }

    /// Grows or shrinks the roster to `count` (1 to [`MAX_AGENTS`]). New agents are
    /// `agent-N`, with the stub's N-th role and every instruction block; agents removed from
    /// the end are also removed from the others' dependencies.
    pub fn set_agent_count(&mut self, count: usize) {
        let count = count.clamp(1, MAX_AGENTS);
        let agents = &mut self.request.agents;
        if agents.len() > count {
            let removed: Vec<String> = agents.drain(count..).map(|a| a.agent_id).collect();
            for agent in agents.iter_mut() {
                agent.depends_on.retain(|d| !removed.contains(d));
            }
            return;
        }
        let blocks: Vec<String> = self
            .request
            .instructions
            .iter()
            .map(|b| b.id.clone())
            .collect();
        while agents.len() < count {
            let n = agents.len() + 1;
            let role = self.agents_involved.get(n - 1).cloned().unwrap_or_default();
            let id = crate::domain::create::unique_agent_id(agents, n, &role);
            agents.push(AgentPlan {
                agent_id: id,
                role,
                instructions: blocks.clone(),
                attachments: Vec::new(),
                depends_on: Vec::new(),
            });
        }
    }

    /// The roster's ids, in order.
    pub fn agent_ids(&self) -> Vec<String> {
        self.request
            .agents
            .iter()
            .map(|a| a.agent_id.clone())
            .collect()
    }

    fn agent_mut(&mut self, agent: &str) -> Option<&mut AgentPlan> {
        self.request.agents.iter_mut().find(|a| a.agent_id == agent)
    }

    pub fn set_role(&mut self, agent: &str, role: &str) {
        if let Some(plan) = self.agent_mut(agent) {
            plan.role = role.to_owned();
        }
    }

    pub fn set_agent_block(&mut self, agent: &str, block: &str, on: bool) {
        if let Some(plan) = self.agent_mut(agent) {
            toggle(&mut plan.instructions, block, on);
        }
    }

    pub fn set_agent_attachment(&mut self, agent: &str, attachment: &str, on: bool) {
        if let Some(plan) = self.agent_mut(agent) {
            toggle(&mut plan.attachments, attachment, on);
        }
    }

    pub fn set_dependency(&mut self, agent: &str, dependency: &str, on: bool) {
        if let Some(plan) = self.agent_mut(agent) {
            toggle(&mut plan.depends_on, dependency, on);
        }
    }

    // ---- step 4 and 5 ----

    /// The session is written: show step 5.
    pub fn complete(&mut self, generated: Generated) {
        self.generated = Some(generated);
        self.step = WizardStep::Complete;
    }
}

pub use crate::domain::create::roster_name;

/// `path` in at most `max` characters, cut from the left at a `/` where it can be
/// (`…/monitor/session_list.rs`): the end of a path is what tells files apart.
pub fn short_path(path: &str, max: usize) -> String {
    let count = path.chars().count();
    if count <= max {
        return path.to_owned();
    }
    let tail: String = path.chars().skip(count - (max - 1)).collect();
    let tail = match tail.find('/') {
        Some(at) if at + 1 < tail.len() => &tail[at..],
        _ => &tail,
    };
    format!("…{tail}")
}

fn non_blank(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn toggle(list: &mut Vec<String>, item: &str, on: bool) {
    let present = list.iter().any(|i| i == item);
    if on && !present {
        list.push(item.to_owned());
    } else if !on {
        list.retain(|i| i != item);
    }
}

/// `prefix` followed by one more than the highest number already used with it.
fn next_id<'a>(prefix: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let highest = ids
        .filter_map(|id| id.strip_prefix(prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", highest + 1)
}

/// What an attachment is made of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentSource {
    /// A file of the project, by its path relative to the project root.
    #[default]
    Path,
    /// Text pasted into the wizard.
    Text,
}

/// The "add an attachment" form of step 2.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub source: AttachmentSource,
    pub path: String,
    pub content: String,
}

/// Field ids of the "add an attachment" form.
pub const NEW_ATTACHMENT_PATH: &str = "new_attachment.path";
pub const NEW_ATTACHMENT_CONTENT: &str = "new_attachment.content";

/// The problems of the "add an attachment" form that need no server: the same lexical rules
/// as [`validate_step`] applies to attachments, plus "attached
/// already". Whether the file exists is the server's to say.
pub fn check_new_attachment(new: &NewAttachment, existing: &[AttachmentInput]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    match new.source {
        AttachmentSource::Path => match normalize_relative_path(&new.path) {
            Err(_) if new.path.trim().is_empty() => errors.insert(
                NEW_ATTACHMENT_PATH,
                "Give the path of a file in the project, e.g. docs/notes.md.",
            ),
            Err(problem) => errors.insert(NEW_ATTACHMENT_PATH, problem),
            Ok(path) => {
                let taken = existing.iter().any(|a| {
                    a.given_path()
                        .and_then(|p| normalize_relative_path(p).ok())
                        .is_some_and(|p| p == path)
                });
                if taken {
                    errors.insert(
                        NEW_ATTACHMENT_PATH,
                        format!("{path:?} is attached already."),
                    );
                }
            }
        },
        AttachmentSource::Text => {
            if new.content.trim().is_empty() {
                errors.insert(NEW_ATTACHMENT_CONTENT, "Paste the text to attach.");
            }
        }
    }
    errors
}

/// The agents of each execution wave in roster order (wave 1 first), or the cycle's message.
pub fn waves_in_order(request: &CreateRequest) -> Result<Vec<Vec<String>>, String> {
    let waves = execution_waves(request).map_err(|err| err.to_string())?;
    let mut ordered: Vec<Vec<String>> = Vec::new();
    for agent in &request.agents {
        let Some(&wave) = waves.get(&agent.agent_id) else {
            continue;
        };
        let index = wave.saturating_sub(1) as usize;
        if ordered.len() <= index {
            ordered.resize(index + 1, Vec::new());
        }
        if !ordered[index].contains(&agent.agent_id) {
            ordered[index].push(agent.agent_id.clone());
        }
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visited_steps_can_be_clicked_and_forward_only_through_valid_ones() {
        let mut draft = WizardDraft::new();
        assert!(!draft.can_jump_to(WizardStep::Context), "not visited yet");
        draft.furthest = WizardStep::Generate;
        draft.step = WizardStep::Stub;
        // Step 1 is empty: the jump stops there, with its problems.
        let (stopped, errors) = draft.jump_to(WizardStep::Agents).unwrap_err();
        assert_eq!((stopped, draft.step), (WizardStep::Stub, WizardStep::Stub));
        assert!(errors.get("stub").is_some(), "{errors:?}");
        draft.step = WizardStep::Generate;
        draft.jump_to(WizardStep::Context).unwrap();
        assert_eq!(draft.step, WizardStep::Context, "back is always allowed");
        assert!(!draft.can_jump_to(WizardStep::Complete));
        draft.step = WizardStep::Complete;
        assert!(
            !draft.can_jump_to(WizardStep::Stub),
            "a written session is not edited"
        );
    }

    #[test]
    fn long_paths_are_cut_from_the_left_at_a_slash() {
        assert_eq!(short_path("src/lib.rs", 20), "src/lib.rs");
        let cut = short_path("src/ui/monitor/very/deep/session_list.rs", 24);
        assert_eq!(cut, "…/deep/session_list.rs");
        assert!(cut.chars().count() <= 24);
        assert_eq!(
            short_path("a-very-long-file-name-without-folders.rs", 12),
            "…-folders.rs"
        );
    }

    #[test]
    fn the_stubs_names_become_the_agent_ids() {
        assert_eq!(roster_name("Backend: the session store"), "backend");
        assert_eq!(roster_name("  Front End (React) "), "front-end");
        assert_eq!(roster_name("QA / Tests"), "qa-tests");
        assert_eq!(
            roster_name("Ünïcode"),
            "n-code",
            "only letters and digits a URL keeps"
        );
        assert_eq!(roster_name("::"), "");
        let mut draft = WizardDraft::new();
        draft.agents_involved = vec![
            "Tests".into(),
            "Tests".into(),
            "".into(),
            "Docs: guides".into(),
        ];
        draft.set_agent_count(4);
        let ids: Vec<&str> = draft
            .request
            .agents
            .iter()
            .map(|a| a.agent_id.as_str())
            .collect();
        assert_eq!(ids, ["tests", "tests-2", "agent-3", "docs"]);
        assert_eq!(draft.request.agents[3].role, "Docs: guides");
    }
    use crate::domain::context::ContextFile;
    use crate::domain::create::overlap_warnings;

    fn stub(id: &str, roles: &[&str]) -> Stub {
        Stub {
            id: id.into(),
            feature_name: format!("feature {id}"),
            description: "Rotate session tokens".into(),
            agents_involved: roles.iter().map(|r| r.to_string()).collect(),
            ..Stub::default()
        }
    }

    fn path_attachment(path: &str) -> NewAttachment {
        NewAttachment {
            path: path.into(),
            ..NewAttachment::default()
        }
    }

    #[test]
    fn a_picked_stub_prefills_the_roster_and_another_stub_resets_it() {
        let mut draft = WizardDraft::new();
        draft.pick_stub("auth", &stub("AUTH-1", &["Backend", "Tests"]));
        draft.add_block(BlockKind::Task);
        draft.set_block_content("b1", "Do it");
        assert!(validate_step(&draft.request, WizardStep::Stub).is_empty());
        draft.advance();
        draft.advance();
        assert_eq!(draft.step, WizardStep::Agents);
        let roles: Vec<&str> = draft
            .request
            .agents
            .iter()
            .map(|a| a.role.as_str())
            .collect();
        assert_eq!(roles, ["Backend", "Tests"]);
        assert_eq!(draft.request.agents[1].agent_id, "tests");
        assert_eq!(draft.request.agents[1].instructions, ["b1"]);

        // The same stub again keeps the roster; another one empties it.
        draft.pick_stub("auth", &stub("AUTH-1", &["Backend", "Tests"]));
        assert_eq!(draft.request.agents.len(), 2);
        draft.pick_stub("docs", &stub("DOCS-1", &[]));
        assert!(draft.request.agents.is_empty());
        draft.ensure_agents();
        assert_eq!(draft.request.agents.len(), 1);

        // Typing a stub in clears the picked one.
        draft.describe_new_stub();
        assert_eq!(draft.request.stub, StubInput::default());
        assert_eq!(draft.stub_choice, StubChoice::AdHoc);
    }

    #[test]
    fn blocks_get_fresh_ids_and_removal_unassigns_them() {
        let mut draft = WizardDraft::new();
        assert_eq!(draft.add_block(BlockKind::Task), "b1");
        assert_eq!(draft.add_block(BlockKind::Constraint), "b2");
        draft.set_agent_count(2);
        assert_eq!(draft.add_block(BlockKind::Example), "b3");
        assert_eq!(draft.request.agents[0].instructions, ["b1", "b2", "b3"]);
        draft.remove_block("b2");
        assert_eq!(draft.add_block(BlockKind::Task), "b4");
        assert_eq!(draft.request.agents[1].instructions, ["b1", "b3", "b4"]);
        draft.set_block_kind("b1", "guideline");
        assert_eq!(draft.request.instructions[0].kind, "guideline");
    }

    #[test]
    fn shrinking_the_roster_drops_dependencies_on_removed_agents() {
        let mut draft = WizardDraft::new();
        draft.set_agent_count(3);
        draft.set_dependency("agent-1", "agent-3", true);
        draft.set_dependency("agent-2", "agent-1", true);
        draft.set_agent_count(2);
        assert!(draft.request.agents[0].depends_on.is_empty());
        assert_eq!(draft.request.agents[1].depends_on, ["agent-1"]);
        draft.set_agent_count(0);
        assert_eq!(draft.request.agents.len(), 1);
        draft.set_agent_count(99);
        assert_eq!(draft.request.agents.len(), MAX_AGENTS);
    }

    #[test]
    fn discovery_preselects_and_a_new_description_scans_again() {
        let mut draft = WizardDraft::new();
        draft.request.stub.description = "tokens ".into();
        assert!(draft.needs_discovery());
        let file = |path: &str, relevance| ContextFile {
            path: path.into(),
            relevance,
            ..ContextFile::default()
        };
        let result = DiscoveryResult {
            files: vec![file("a.rs", 95), file("b.rs", 40)],
            auto_selected: vec!["a.rs".into()],
            ..DiscoveryResult::default()
        };
        draft.apply_discovery("tokens", result);
        assert!(!draft.needs_discovery());
        assert_eq!(draft.request.context_files, ["a.rs"]);
        draft.set_context_file("b.rs", true);
        draft.set_context_file("a.rs", false);
        assert_eq!(draft.request.context_files, ["b.rs"]);
        draft.select_all_context(true);
        assert_eq!(draft.request.context_files, ["a.rs", "b.rs"]);
        draft.select_all_context(false);
        assert!(draft.request.context_files.is_empty());
        draft.request.stub.description = "sessions".into();
        assert!(draft.needs_discovery());
    }

    #[test]
    fn attachments_are_checked_named_and_unassigned_on_removal() {
        let mut draft = WizardDraft::new();
        let errors = check_new_attachment(&path_attachment("../secret"), &[]);
        assert!(errors.get(NEW_ATTACHMENT_PATH).unwrap().contains(".."));
        assert!(check_new_attachment(&path_attachment(" "), &[])
            .get(NEW_ATTACHMENT_PATH)
            .unwrap()
            .contains("Give the path"));
        let text = NewAttachment {
            source: AttachmentSource::Text,
            ..NewAttachment::default()
        };
        assert!(check_new_attachment(&text, &[]).contains(NEW_ATTACHMENT_CONTENT));

        let id = draft.add_attachment(&path_attachment("./docs//notes.md"));
        assert_eq!(id, "a1");
        assert_eq!(draft.request.attachments[0].name, "notes.md");
        assert_eq!(
            draft.request.attachments[0].path.as_deref(),
            Some("docs/notes.md")
        );
        let again = check_new_attachment(
            &path_attachment("docs/notes.md"),
            &draft.request.attachments,
        );
        assert!(again.get(NEW_ATTACHMENT_PATH).unwrap().contains("already"));

        let pasted = NewAttachment {
            source: AttachmentSource::Text,
            content: "log".into(),
            ..NewAttachment::default()
        };
        draft.add_attachment(&pasted);
        assert_eq!(draft.request.attachments[1].name, "Pasted text 1");
        assert!(validate_step(&draft.request, WizardStep::Context).is_empty());

        draft.set_agent_count(2);
        draft.set_agent_attachment("agent-1", "a1", true);
        draft.set_agent_attachment("agent-2", "a1", true);
        assert_eq!(overlap_warnings(&draft.request).len(), 1);
        draft.remove_attachment("a1");
        assert!(draft.request.agents[0].attachments.is_empty());
        draft.set_agent_attachment("agent-1", "a2", true);
        draft.clear_attachments();
        assert!(draft.request.attachments.is_empty());
        assert!(draft.request.agents[0].attachments.is_empty());
    }

    #[test]
    fn waves_in_roster_order_or_the_cycle() {
        let mut draft = WizardDraft::new();
        draft.set_agent_count(3);
        draft.set_dependency("agent-1", "agent-2", true);
        assert_eq!(
            waves_in_order(&draft.request).unwrap(),
            vec![vec!["agent-2", "agent-3"], vec!["agent-1"]]
        );
        draft.set_dependency("agent-2", "agent-1", true);
        let cycle = waves_in_order(&draft.request).unwrap_err();
        assert!(
            cycle.contains("agent-1") && cycle.contains("agent-2"),
            "{cycle}"
        );
    }

    #[test]
    fn stored_drafts_round_trip_and_old_versions_are_dropped() {
        let mut draft = WizardDraft::new();
        draft.pick_stub("auth", &stub("AUTH-1", &["Backend"]));
        draft.step = WizardStep::Context;
        let text = draft.to_stored();
        assert_eq!(WizardDraft::from_stored(&text), Some(draft));
        assert_eq!(WizardDraft::from_stored("{\"version\": 0}"), None);
        assert_eq!(WizardDraft::from_stored("not json"), None);
        assert!(text.contains("\"kind\":\"picked\""), "{text}");
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
