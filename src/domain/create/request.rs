//! The session-creation request: the wizard's draft, and the body of
//! `POST /api/sessions/create` (snake_case on the wire), and what creating a session answers.

use crate::domain::instructions::BlockKind;
use serde::{Deserialize, Serialize};

/// `POST /api/sessions/create`, snake_case on the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateRequest {
    pub stub: StubInput,
    pub instructions: Vec<BlockInput>,
    pub attachments: Vec<AttachmentInput>,
    /// Relative to the project root, `/`-separated.
    pub context_files: Vec<String>,
    pub agents: Vec<AgentPlan>,
    /// What the prompts teach the agents to report with.
    pub agent_interface: AgentInterface,
    /// The feature's phase this session is (from the stub's `phases`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The session of the phase before, when this one continues it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_session: Option<String>,
}

/// The stub the session is made from: picked from the stubs directory or typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StubInput {
    pub id: String,
    pub feature_name: String,
    pub description: String,
}

impl From<&crate::domain::stub::Stub> for StubInput {
    fn from(stub: &crate::domain::stub::Stub) -> Self {
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

/// How the session's agents talk to the hub, which decides what their prompts teach: the `hub`
/// command in a shell, or the hub's MCP tools (for agent CLIs connected with `hub integrate`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentInterface {
    #[default]
    Shell,
    Mcp,
}

impl AgentInterface {
    pub const ALL: [AgentInterface; 2] = [Self::Shell, Self::Mcp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shell => "shell",
            Self::Mcp => "mcp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Shell => "Shell commands",
            Self::Mcp => "MCP tools",
        }
    }

    /// What the choice means, under its label.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Shell => "hub status set, hub wait, hub ask: any agent that can run a command",
            Self::Mcp => {
                "get_assignment, set_status, wait_for, ask_human: agent CLIs connected with \
                 hub integrate"
            }
        }
    }
}

/// What creating a session produced: the answer of `POST /api/sessions/create` and of the
/// wizard's server function alike (camelCase), and the body of the Complete step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    /// Always true: a failure is an error answer instead.
    pub success: bool,
    /// The new folder's name.
    pub session_id: String,
    /// Absolute path of the session folder.
    pub session_path: String,
    /// Relative to the session folder.
    pub files: Vec<String>,
    /// One line per agent to paste into its terminal, in roster order.
    pub one_liners: Vec<OneLiner>,
}

/// The line to paste into one agent's terminal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OneLiner {
    pub agent_id: String,
    pub prompt: String,
    /// For agents that report through MCP: the command that connects the agent's CLI to the
    /// hub (`hub integrate claude-code …`; `codex` in its place works the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<String>,
}
