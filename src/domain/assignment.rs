//! What one agent of a session is to do, in one answer: its prompt, role, instructions, the
//! agents it waits for (with their statuses now), who waits for it, and where its output goes.
//! What the MCP tool `get_assignment` and `GET /api/sessions/{id}/agents/{agent}/assignment`
//! answer, so an agent needs no file path to start.

use super::instructions::InstructionBlock;
use super::question::Question;
use super::session::SessionDetail;
use super::status::AgentStatus;
use super::HubError;
use serde::{Deserialize, Serialize};

/// The prompt file is read up to this many bytes; a longer one is cut (and says so).
pub const MAX_PROMPT_BYTES: u64 = 512 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub session: String,
    pub feature_name: String,
    pub agent_id: String,
    pub role: Option<String>,
    pub status: AgentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// The session's `communication.json` version: pass it as `expected_version` to refuse a
    /// status write over someone else's.
    pub version: u64,
    pub wave: Option<u32>,
    /// Absolute path of the session folder.
    pub session_folder: String,
    /// Where to write the result, relative to the session folder.
    pub outputs: Vec<String>,
    pub depends_on: Vec<Dependency>,
    /// Agents that wait for this one.
    pub waited_on_by: Vec<String>,
    /// The generated prompt (`agent-prompts/agent-N.md`), when the session has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The instruction blocks assigned to this agent (all of them are in the prompt too).
    pub instructions: Vec<InstructionBlock>,
    /// This agent's questions nobody has answered yet.
    pub open_questions: Vec<Question>,
}

/// An agent this one waits for, as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub agent_id: String,
    pub status: AgentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    pub outputs: Vec<String>,
    pub output_ready: bool,
}

/// The prompt file of one agent, once read.
pub struct Prompt {
    pub file: String,
    pub text: String,
}

/// The assignment of `agent` in `detail`; 404 when the session has no such agent.
pub fn assignment(
    detail: &SessionDetail,
    agent: &str,
    session_folder: String,
    prompt: Option<Prompt>,
) -> Result<Assignment, HubError> {
    let Some(me) = detail.agents.iter().find(|a| a.agent_id == agent) else {
        let known: Vec<&str> = detail.agents.iter().map(|a| a.agent_id.as_str()).collect();
        return Err(HubError::NotFound(format!(
            "no agent {agent:?} in session {:?}; its agents are: {}",
            detail.summary.id,
            known.join(", ")
        )));
    };
    let depends_on = me
        .depends_on
        .iter()
        .map(
            |id| match detail.agents.iter().find(|a| &a.agent_id == id) {
                Some(other) => Dependency {
                    agent_id: id.clone(),
                    status: other.status.clone(),
                    status_message: other.status_message.clone(),
                    outputs: other.outputs.clone(),
                    output_ready: other.output_ready,
                },
                None => Dependency {
                    agent_id: id.clone(),
                    status: AgentStatus::Unknown("not in this session".into()),
                    status_message: None,
                    outputs: Vec::new(),
                    output_ready: false,
                },
            },
        )
        .collect();
    let waited_on_by = detail
        .agents
        .iter()
        .filter(|other| other.depends_on.iter().any(|id| id == agent))
        .map(|other| other.agent_id.clone())
        .collect();
    let instructions = detail
        .instructions
        .as_ref()
        .map(|overview| {
            overview
                .blocks
                .iter()
                .filter(|block| block.assigned_to.iter().any(|id| id == agent))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let open_questions = detail
        .questions
        .iter()
        .filter(|q| q.agent_id == agent && q.is_open())
        .cloned()
        .collect();
    let (prompt_file, prompt) = match prompt {
        Some(Prompt { file, text }) => (Some(file), Some(text)),
        None => (None, None),
    };
    Ok(Assignment {
        session: detail.summary.id.clone(),
        feature_name: detail.summary.feature_name.clone(),
        agent_id: me.agent_id.clone(),
        role: me.role.clone(),
        status: me.status.clone(),
        status_message: me.status_message.clone(),
        version: detail.summary.version,
        wave: me.wave,
        session_folder,
        outputs: me.outputs.clone(),
        depends_on,
        waited_on_by,
        prompt_file,
        prompt,
        instructions,
        open_questions,
    })
}

/// The generated prompt's file of the agent numbered `number` (from 1).
pub fn prompt_file(number: u32) -> String {
    format!("agent-prompts/agent-{number}.md")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::{AgentView, SessionSummary};

    fn agent(id: &str, status: AgentStatus, deps: &[&str]) -> AgentView {
        AgentView {
            agent_id: id.into(),
            status,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            outputs: vec![format!("outputs/{id}.md")],
            ..AgentView::default()
        }
    }

    fn detail() -> SessionDetail {
        SessionDetail {
            summary: SessionSummary {
                id: "s1".into(),
                feature_name: "search".into(),
                version: 7,
                ..SessionSummary::default()
            },
            orchestrator: None,
            agents: vec![
                agent("backend", AgentStatus::Complete, &[]),
                agent("tests", AgentStatus::InProgress, &["backend", "ghost"]),
                agent("docs", AgentStatus::NotStarted, &["tests"]),
            ],
            instructions: None,
            phases: Default::default(),
            questions: Vec::new(),
        }
    }

    #[test]
    fn an_assignment_names_dependencies_with_their_status_and_who_waits() {
        let prompt = Prompt {
            file: prompt_file(2),
            text: "# tests".into(),
        };
        let got = assignment(&detail(), "tests", "/s/s1".into(), Some(prompt)).unwrap();
        assert_eq!(got.version, 7);
        assert_eq!(got.depends_on[0].agent_id, "backend");
        assert_eq!(got.depends_on[0].status, AgentStatus::Complete);
        assert!(matches!(got.depends_on[1].status, AgentStatus::Unknown(_)));
        assert_eq!(got.waited_on_by, ["docs"]);
        assert_eq!(got.prompt_file.as_deref(), Some("agent-prompts/agent-2.md"));
        assert_eq!(got.outputs, ["outputs/tests.md"]);
    }

    #[test]
    fn an_unknown_agent_is_not_found_and_the_error_lists_the_agents() {
        let err = assignment(&detail(), "nobody", "/s/s1".into(), None).unwrap_err();
        assert_eq!(err.status_code(), 404);
        assert!(err.to_string().contains("backend, tests, docs"));
    }
}
