//! A validated request, resolved: each agent with its number, wave, blocks and attachments.

use crate::domain::create::{execution_waves, AttachmentInput, BlockInput, CreateRequest};
use crate::domain::HubError;

pub struct PlannedAgent<'a> {
    /// 1-based position in the roster: the `N` of `agent-prompts/agent-N.md`.
    pub number: usize,
    pub id: &'a str,
    pub role: &'a str,
    pub wave: u32,
    /// In the order the agent lists them, each once.
    pub blocks: Vec<&'a BlockInput>,
    pub attachments: Vec<&'a AttachmentInput>,
    pub depends_on: Vec<&'a str>,
}

impl PlannedAgent<'_> {
    pub fn prompt_file(&self) -> String {
        format!("agent-prompts/agent-{}.md", self.number)
    }

    pub fn output_file(&self) -> String {
        format!("outputs/{}.md", self.id)
    }
}

/// Expects a request that passed `validate`; anything it cannot resolve is an error all the same.
pub fn plan(request: &CreateRequest) -> Result<Vec<PlannedAgent<'_>>, HubError> {
    let waves = execution_waves(request)
        .map_err(|err| HubError::Invalid(format!("The agents cannot be ordered: {err}.")))?;
    request
        .agents
        .iter()
        .enumerate()
        .map(|(index, agent)| {
            let missing = |what: &str, id: &str| {
                HubError::Invalid(format!(
                    "{} refers to an unknown {what} {id:?}.",
                    agent.agent_id
                ))
            };
            let mut blocks: Vec<&BlockInput> = Vec::new();
            for id in &agent.instructions {
                let block = request
                    .instructions
                    .iter()
                    .find(|b| b.id == *id)
                    .ok_or_else(|| missing("instruction block", id))?;
                if !blocks.iter().any(|b| b.id == block.id) {
                    blocks.push(block);
                }
            }
            let mut attachments: Vec<&AttachmentInput> = Vec::new();
            for id in &agent.attachments {
                let attachment = request
                    .attachments
                    .iter()
                    .find(|a| a.id == *id)
                    .ok_or_else(|| missing("attachment", id))?;
                if !attachments.iter().any(|a| a.id == attachment.id) {
                    attachments.push(attachment);
                }
            }
            let mut depends_on: Vec<&str> = Vec::new();
            for dep in &agent.depends_on {
                if dep != &agent.agent_id && !depends_on.contains(&dep.as_str()) {
                    depends_on.push(dep);
                }
            }
            Ok(PlannedAgent {
                number: index + 1,
                id: &agent.agent_id,
                role: agent.role.trim(),
                wave: waves.get(&agent.agent_id).copied().unwrap_or(1),
                blocks,
                attachments,
                depends_on,
            })
        })
        .collect()
}
