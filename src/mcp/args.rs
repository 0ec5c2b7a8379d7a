//! The tools' inputs. Their doc comments become the JSON Schema descriptions a model reads, so
//! they say what to pass, not how the hub works.

use rmcp::schemars::{self, json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AgentArgs {
    /// The session id (its folder name), as in your prompt or from list_sessions.
    pub session: String,
    /// Your agent id in that session (for example "backend" or "agent-2").
    pub agent: String,
}

/// The statuses an agent reports. Inline and without per-value comments, so the schema is a
/// plain `enum` that every client reads.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum ReportedStatus {
    InProgress,
    Complete,
    Blocked,
    NotStarted,
    Pending,
}

impl ReportedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Complete => "complete",
            Self::Blocked => "blocked",
            Self::NotStarted => "not_started",
            Self::Pending => "pending",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetStatusArgs {
    /// The session id.
    pub session: String,
    /// Your agent id.
    pub agent: String,
    /// in_progress: working on it; complete: your output is written and your part is done;
    /// blocked: you cannot go on without help (say why in `message`).
    pub status: ReportedStatus,
    /// A few words on what you are doing, what you produced, or why you are stuck (at most
    /// 500 characters). People watching the hub read it next to your status.
    #[serde(default)]
    pub message: Option<String>,
    /// Refuse the update unless the session is still at this version (from get_assignment);
    /// leave it out to write regardless.
    #[serde(default)]
    #[schemars(schema_with = "version")]
    pub expected_version: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReportUsageArgs {
    /// The session id.
    pub session: String,
    /// Your agent id.
    pub agent: String,
    /// Input (prompt) tokens used since your last report.
    #[serde(default)]
    #[schemars(schema_with = "tokens")]
    pub input_tokens: Option<u64>,
    /// Output (completion) tokens used since your last report.
    #[serde(default)]
    #[schemars(schema_with = "tokens")]
    pub output_tokens: Option<u64>,
    /// What that cost, in US dollars (for example 0.42).
    #[serde(default)]
    #[schemars(schema_with = "dollars")]
    pub cost_usd: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WaitForArgs {
    /// The session id.
    pub session: String,
    /// The agents to wait for. Give this or `deps_of`.
    #[serde(default)]
    pub agents: Option<Vec<String>>,
    /// Wait for every agent this agent depends on (usually your own id).
    #[serde(default)]
    pub deps_of: Option<String>,
    /// Stop waiting after this many seconds (default 600, at most 3600) and answer "pending";
    /// call wait_for again to keep waiting.
    #[serde(default)]
    #[schemars(schema_with = "seconds")]
    pub timeout_s: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AskHumanArgs {
    /// The session id.
    pub session: String,
    /// Your agent id.
    pub agent: String,
    /// The question, complete enough to answer without reading your context.
    pub question: String,
    /// The possible answers, when there are a few; the person then picks one. Leave out for
    /// a free-text answer.
    #[serde(default)]
    pub choices: Option<Vec<String>>,
    /// Stop waiting after this many seconds (default 900, at most 3600). The question stays
    /// open: asking the same question again waits for it instead of asking twice.
    #[serde(default)]
    #[schemars(schema_with = "seconds")]
    pub timeout_s: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReadOutputArgs {
    /// The session id.
    pub session: String,
    /// The agent whose output to read (often one you depend on).
    pub agent: String,
    /// One of that agent's output paths (from get_assignment); its first by default.
    #[serde(default)]
    pub path: Option<String>,
}

/// Plain JSON Schema integers: schemars would add `format: uint64`, which validators do not
/// know and warn about.
fn seconds(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["integer", "null"], "minimum": 1, "maximum": 3600 })
}

fn version(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["integer", "null"], "minimum": 0 })
}

fn tokens(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["integer", "null"], "minimum": 0 })
}

fn dollars(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["number", "null"], "minimum": 0 })
}
