//! The `communication.json` model (both shapes the README's storage layout describes: the
//! "creation" shape the hub writes and the "monitoring" shape of older tools) and the views of a session the hub serves.
//!
//! Only the fields the hub uses are typed; everything else lands in `extra` and is written back
//! unchanged, so a rewrite by the hub never drops what an agent or another tool put there.

use super::attention::{Attention, SessionAttention};
use super::status::{resolve_status, AgentStatus, Aggregation, SessionStatus, StatusSource};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `communication.json` as it is on disk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommunicationFile {
    /// Creation shape: the folder name at generation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Monitoring shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workorder_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stub_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Creation shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Monitoring shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Raw, because `created` (and anything unknown) means "calculate it".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Bumped by every write the hub makes; absent means 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orchestrator: Option<Orchestrator>,
    /// Which phase of the feature this session is: a name or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Value>,
    /// The session of the phase before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_session: Option<String>,
    #[serde(default)]
    pub agents: Vec<AgentRecord>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Orchestrator {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AgentStatus>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One agent of the roster, in either shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentRecord {
    pub agent_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Absent means not started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AgentStatus>,
    /// Monitoring shape: one output file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_file: Option<String>,
    /// Creation shape: several output files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_files: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_wave: Option<u32>,
    /// Written by the hub on every status change (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// What the agent said with its last status (`hub status set --message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `agents[].start_prompt`: the one-line prompt the hub wrote for the agent at creation.
pub const START_PROMPT_FIELD: &str = "start_prompt";
/// `agents[].connect_command`: `hub integrate …` for an agent that reports through MCP.
pub const CONNECT_COMMAND_FIELD: &str = "connect_command";

impl AgentRecord {
    /// A text field the hub or the agent added, if it is a non-empty string.
    pub fn extra_text(&self, field: &str) -> Option<String> {
        self.extra
            .get(field)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(str::to_owned)
    }

    pub fn status(&self) -> &AgentStatus {
        static NOT_STARTED: AgentStatus = AgentStatus::NotStarted;
        self.status.as_ref().unwrap_or(&NOT_STARTED)
    }

    /// Every output path the agent names, `output_file` first.
    pub fn outputs(&self) -> Vec<String> {
        let mut outputs: Vec<String> = self.output_file.iter().cloned().collect();
        for path in self.output_files.iter().flatten() {
            if !outputs.contains(path) {
                outputs.push(path.clone());
            }
        }
        outputs
    }

    pub fn dependencies(&self) -> &[String] {
        self.depends_on.as_deref().unwrap_or_default()
    }

    /// The free-text `notes` many agents keep (not a field the hub writes).
    pub fn notes(&self) -> Option<&str> {
        self.extra
            .get("notes")
            .and_then(serde_json::Value::as_str)
            .filter(|notes| !notes.trim().is_empty())
    }

    /// Why the agent says it is where it is: its `status_message`, else its `notes`.
    pub fn reason(&self) -> Option<&str> {
        self.status_message
            .as_deref()
            .filter(|message| !message.trim().is_empty())
            .or_else(|| self.notes())
    }
}

impl CommunicationFile {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|err| format!("communication.json: {err}"))
    }

    pub fn to_pretty_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a JSON model always serialises");
        text.push('\n');
        text
    }

    pub fn created(&self) -> Option<&str> {
        self.created_at.as_deref().or(self.created.as_deref())
    }

    pub fn version(&self) -> u64 {
        self.version.unwrap_or(0)
    }

    pub fn agent_statuses(&self) -> impl Iterator<Item = &AgentStatus> {
        self.agents.iter().map(AgentRecord::status)
    }

    pub fn status(&self) -> (SessionStatus, StatusSource) {
        resolve_status(self.status.as_deref(), self.agent_statuses())
    }

    pub fn aggregation(&self) -> Aggregation {
        Aggregation::of(self.agent_statuses())
    }

    /// Problems worth showing that do not make the session unreadable.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let mut listings: BTreeMap<&str, usize> = BTreeMap::new();
        for agent in &self.agents {
            if let AgentStatus::Unknown(raw) = agent.status() {
                warnings.push(format!("{}: unknown status {raw:?}", agent.agent_id));
            }
            *listings.entry(&agent.agent_id).or_default() += 1;
        }
        for (id, times) in listings.into_iter().filter(|&(_, times)| times > 1) {
            warnings.push(format!(
                "{id} is listed {times} times; status updates and waves use the first entry"
            ));
        }
        if let Some(raw) = self.status.as_deref() {
            if raw != "created" && SessionStatus::parse_explicit(raw).is_none() {
                warnings.push(format!(
                    "session status {raw:?} is not a session status; calculated from agents"
                ));
            }
        }
        let hiding = self.fields_with_invisible_controls();
        if !hiding.is_empty() {
            warnings.push(format!(
                "{} hold{} invisible characters (bidi overrides or zero-width): what is shown \
                 may not read as what is written",
                hiding.join(", "),
                if hiding.len() == 1 { "s" } else { "" }
            ));
        }
        warnings
    }

    /// The names of the agent-written fields that hold bidi or zero-width controls.
    fn fields_with_invisible_controls(&self) -> Vec<String> {
        let hides = |text: &str| text.chars().any(super::untrusted::is_invisible_control);
        let mut fields = Vec::new();
        for (name, value) in [
            ("the feature name", &self.feature_name),
            ("the description", &self.description),
            ("the work order", &self.workorder_id),
        ] {
            if value.as_deref().is_some_and(hides) {
                fields.push(name.to_owned());
            }
        }
        for (n, agent) in self.agents.iter().enumerate() {
            let outputs = agent
                .output_file
                .iter()
                .chain(agent.output_files.iter().flatten());
            if hides(&agent.agent_id)
                || agent.role.as_deref().is_some_and(hides)
                || outputs.into_iter().any(|path| hides(path))
            {
                fields.push(format!("agent {}", n + 1));
            }
        }
        fields
    }

    /// The dependencies of `agent` that are not complete (unknown ids count as not complete).
    pub fn unfinished_dependencies(&self, agent: &AgentRecord) -> Vec<String> {
        if *agent.status() == AgentStatus::Complete {
            return Vec::new();
        }
        let complete = |id: &str| {
            self.agents
                .iter()
                .find(|a| a.agent_id == id)
                .is_some_and(|a| *a.status() == AgentStatus::Complete)
        };
        agent
            .dependencies()
            .iter()
            .filter(|dep| !complete(dep))
            .cloned()
            .collect()
    }

    pub fn agent_mut(&mut self, agent_id: &str) -> Option<&mut AgentRecord> {
        self.agents
            .iter_mut()
            .find(|agent| agent.agent_id == agent_id)
    }
}

/// A session as the list shows it: the monitoring shape's `Session`, plus `id` and the hub's extras.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The folder name: the key for `?id=`, `&session=`, the status API and the CLI.
    pub id: String,
    pub workorder_id: Option<String>,
    pub feature_name: String,
    pub description: String,
    pub status: SessionStatus,
    pub status_source: StatusSource,
    /// As written in the file (`created_at` or `created`).
    pub created: Option<String>,
    /// Creation time in unix milliseconds: parsed from `created`, else the folder's.
    pub created_ms: i64,
    /// Last modification of `communication.json`, unix milliseconds.
    pub updated_ms: i64,
    pub total_agents: usize,
    pub completed_agents: usize,
    pub aggregation: Aggregation,
    /// Questions nobody has answered yet.
    #[serde(default)]
    pub open_questions: usize,
    /// What a person should look at first, and the agents' last activity.
    #[serde(flatten)]
    pub attention: SessionAttention,
    pub version: u64,
    pub warnings: Vec<String>,
    /// True when the file on disk is unreadable right now and this is the last good copy.
    #[serde(default)]
    pub stale: bool,
    /// The current read error while `stale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_error: Option<String>,
    /// In `<sessions-dir>/.archive/`: hidden from the list unless archived sessions are asked for.
    #[serde(default)]
    pub archived: bool,
    /// The phase this session is (`communication.json`'s `phase`), as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The session of the phase before (`previous_session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_session: Option<String>,
    /// What its agents reported they used, summed; absent when none reported any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::domain::usage::Usage>,
}

impl SessionSummary {
    /// Most expensive first (sessions without a cost last), then newest.
    pub fn costliest_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        let cost = |s: &Self| s.usage.map_or(-1.0, |u| u.cost_usd);
        cost(b)
            .total_cmp(&cost(a))
            .then_with(|| Self::newest_first(a, b))
    }

    /// The API's default order: newest first (ids break ties).
    pub fn newest_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        b.created_ms
            .cmp(&a.created_ms)
            .then_with(|| a.id.cmp(&b.id))
    }

    /// The Monitor's order: most urgent first, then the most recently active.
    pub fn attention_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        a.attention
            .attention
            .cmp(&b.attention.attention)
            .then_with(|| {
                b.attention
                    .last_activity_ms
                    .cmp(&a.attention.last_activity_ms)
            })
            .then_with(|| Self::newest_first(a, b))
    }
}

/// A session folder whose `communication.json` cannot be read: listed, never hidden.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidSession {
    pub id: String,
    pub error: String,
    pub updated_ms: i64,
    #[serde(default)]
    pub archived: bool,
}

/// `GET /api/sessions`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionSummary>,
    pub count: usize,
    pub invalid: Vec<InvalidSession>,
    /// The store generation this list was built from.
    pub generation: u64,
    /// Where the sessions live, so an empty list can say where to put them.
    pub sessions_dir: String,
    /// True for the list of archived sessions (`?archived=true`), false for the active ones.
    #[serde(default)]
    pub archived: bool,
    /// How many sessions are archived (they are not in the active list).
    #[serde(default)]
    pub archived_count: usize,
}

/// One agent as the detail view shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentView {
    pub agent_id: String,
    pub role: Option<String>,
    pub status: AgentStatus,
    pub wave: Option<u32>,
    pub depends_on: Vec<String>,
    pub outputs: Vec<String>,
    /// `updated_at` if the agent has one, else the file's modification time.
    pub updated_ms: i64,
    /// Unfinished agents this one waits for.
    pub blocked_by: Vec<String>,
    /// What the agent said with its last status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// The agent has an open question: it waits for a person, whatever its status says.
    #[serde(default)]
    pub needs_input: bool,
    #[serde(default)]
    pub attention: Attention,
    /// The agent's own `notes`, if it keeps any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// One of its output files exists.
    #[serde(default)]
    pub output_ready: bool,
    /// The line to paste into the agent's terminal, as the hub wrote it at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_prompt: Option<String>,
    /// For an MCP session: the command that connects the agent's CLI to the hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_command: Option<String>,
    /// What it reported it used (`agents[].usage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::domain::usage::Usage>,
}

impl AgentView {
    /// Why a blocked agent is blocked: what it said with its status, else its notes.
    pub fn reason(&self) -> Option<&str> {
        self.status_message
            .as_deref()
            .filter(|message| !message.trim().is_empty())
            .or(self.notes.as_deref())
    }
}

/// `GET /api/sessions?id=`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    #[serde(flatten)]
    pub summary: SessionSummary,
    pub orchestrator: Option<Orchestrator>,
    pub agents: Vec<AgentView>,
    pub instructions: Option<InstructionsOverview>,
    /// Every question of the session, newest first.
    #[serde(default)]
    pub questions: Vec<super::question::Question>,
    /// The sessions of the phase before and of the phases after.
    #[serde(default)]
    pub phases: PhaseChain,
}

/// A session's neighbours in its feature's phases, for links both ways.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseChain {
    /// `previous_session`, when that session is still here.
    pub previous: Option<PhaseLink>,
    /// Sessions whose `previous_session` is this one, oldest first.
    pub next: Vec<PhaseLink>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseLink {
    pub id: String,
    pub feature_name: String,
    pub phase: Option<String>,
    pub archived: bool,
}

impl PhaseLink {
    pub fn of(summary: &SessionSummary) -> Self {
        Self {
            id: summary.id.clone(),
            feature_name: summary.feature_name.clone(),
            phase: summary.phase.clone(),
            archived: summary.archived,
        }
    }
}

/// What the detail shows of `instructions.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstructionsOverview {
    pub total_blocks: usize,
    pub by_type: Vec<(String, usize)>,
    pub blocks: Vec<super::instructions::InstructionBlock>,
    /// Set when the file exists but cannot be read; the rest is then empty.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATION: &str = r#"{
      "session_id": "STUB-082-1704729600000",
      "stub_id": "STUB-082",
      "feature_name": "auth-refactor",
      "created_at": "2024-01-08T16:00:00Z",
      "agents": [
        {"agent_id": "agent-1", "agent_number": 1, "role": "Backend", "status": "complete",
         "assigned_instructions": 2, "assigned_attachments": 0,
         "output_files": ["outputs/agent-1.md"], "depends_on": [], "execution_wave": 1},
        {"agent_id": "agent-2", "agent_number": 2, "role": "Frontend", "status": "in_progress",
         "assigned_instructions": 1, "assigned_attachments": 1,
         "output_files": ["outputs/agent-2.md", "outputs/agent-2.json"], "depends_on": ["agent-1"], "execution_wave": 2}
      ],
      "total_agents": 2,
      "coordination_mode": "parallel",
      "status": "created"
    }"#;

    const MONITORING: &str = r#"{
      "workorder_id": "WO-AUTH-001",
      "feature_name": "auth-refactor-phase1",
      "created": "2026-01-10T09:30:00Z",
      "status": "in_progress",
      "description": "Inventory the auth code",
      "orchestrator": {"agent_id": "assistant-orchestrator", "role": "Coordinate", "status": "in_progress"},
      "agents": [
        {"agent_id": "coderef-docs", "role": "Docs", "status": "complete", "output_file": "out/docs.md",
         "phases": ["inventory"], "notes": "done early"},
        {"agent_id": "coderef-testing", "role": "Tests", "status": "blocked", "output_file": "out/testing.json",
         "forbidden_files": ["src/main.rs"]}
      ],
      "parallel_execution": {"max": 2},
      "instructions_file": "instructions.json"
    }"#;

    #[test]
    fn invisible_characters_in_agent_text_are_warned_about() {
        let file: CommunicationFile = serde_json::from_str(
            r#"{"feature_name": "report\u202egnp.exe", "agents": [
                {"agent_id": "a", "role": "plain"},
                {"agent_id": "b", "output_file": "out\u200b.md"}]}"#,
        )
        .unwrap();
        let warnings = file.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("the feature name, agent 2 hold invisible characters"),
            "{warnings:?}"
        );
        let plain: CommunicationFile = serde_json::from_str(MONITORING).unwrap();
        assert!(plain.warnings().is_empty());
    }

    #[test]
    fn reads_the_creation_shape() {
        let file = CommunicationFile::parse(CREATION.as_bytes()).unwrap();
        assert_eq!(file.created(), Some("2024-01-08T16:00:00Z"));
        assert_eq!(
            file.status(),
            (SessionStatus::InProgress, StatusSource::Calculated)
        );
        assert_eq!(
            file.agents[1].outputs(),
            ["outputs/agent-2.md", "outputs/agent-2.json"]
        );
        assert_eq!(file.agents[1].dependencies(), ["agent-1"]);
        assert_eq!(file.agents[1].execution_wave, Some(2));
        let counts = file.aggregation();
        assert_eq!(
            (counts.total, counts.completed, counts.in_progress),
            (2, 1, 1)
        );
        assert!(file.warnings().is_empty());
    }

    #[test]
    fn reads_the_monitoring_shape() {
        let file = CommunicationFile::parse(MONITORING.as_bytes()).unwrap();
        assert_eq!(file.created(), Some("2026-01-10T09:30:00Z"));
        assert_eq!(
            file.status(),
            (SessionStatus::InProgress, StatusSource::Explicit)
        );
        assert_eq!(file.agents[0].outputs(), ["out/docs.md"]);
        assert_eq!(file.aggregation().blocked, 1);
        let orchestrator = file.orchestrator.as_ref().unwrap();
        assert_eq!(
            orchestrator.agent_id.as_deref(),
            Some("assistant-orchestrator")
        );
    }

    #[test]
    fn rewriting_preserves_unknown_fields_in_both_shapes() {
        for text in [CREATION, MONITORING] {
            let original: Value = serde_json::from_str(text).unwrap();
            let file = CommunicationFile::parse(text.as_bytes()).unwrap();
            let rewritten: Value = serde_json::from_str(&file.to_pretty_json()).unwrap();
            assert_eq!(rewritten, original);
        }
    }

    #[test]
    fn unknown_statuses_warn_instead_of_failing() {
        let text = r#"{"agents": [{"agent_id": "a", "status": "thinking"}], "status": "weird"}"#;
        let file = CommunicationFile::parse(text.as_bytes()).unwrap();
        assert_eq!(
            file.agents[0].status(),
            &AgentStatus::Unknown("thinking".into())
        );
        assert_eq!(file.warnings().len(), 2);
        assert_eq!(
            file.status(),
            (SessionStatus::NotStarted, StatusSource::Calculated)
        );
    }

    #[test]
    fn an_agent_listed_twice_is_a_warning_and_the_first_entry_is_updated() {
        let text = r#"{"agents": [
            {"agent_id": "a", "status": "not_started"},
            {"agent_id": "b", "status": "complete"},
            {"agent_id": "a", "status": "complete"}]}"#;
        let mut file = CommunicationFile::parse(text.as_bytes()).unwrap();
        assert_eq!(
            file.warnings(),
            ["a is listed 2 times; status updates and waves use the first entry"]
        );
        assert_eq!(
            file.agent_mut("a").unwrap().status(),
            &AgentStatus::NotStarted
        );
    }

    #[test]
    fn structural_errors_are_reported_with_their_place() {
        let err = CommunicationFile::parse(br#"{"agents": [{"role": "x"}]}"#).unwrap_err();
        assert!(err.contains("agent_id"), "{err}");
        let err = CommunicationFile::parse(b"{\"agents\": [").unwrap_err();
        assert!(err.starts_with("communication.json:"), "{err}");
        assert!(CommunicationFile::parse(b"").is_err());
        assert!(CommunicationFile::parse(b"[]").is_err());
    }

    #[test]
    fn an_agent_without_status_is_not_started() {
        let file = CommunicationFile::parse(br#"{"agents": [{"agent_id": "a"}]}"#).unwrap();
        assert_eq!(file.agents[0].status(), &AgentStatus::NotStarted);
        assert!(!file.to_pretty_json().contains("status"));
    }
}
