//! `communication.json` in the creation shape (the README's storage layout; plus `description` and
//! `version`), and `instructions.json`.

use super::plan::PlannedAgent;
use crate::domain::create::CreateRequest;
use crate::domain::instructions::{InstructionBlock, InstructionsFile};
use crate::domain::{AgentRecord, AgentStatus, CommunicationFile};
use serde_json::{json, Map};

pub fn communication(
    session_id: &str,
    created_at: &str,
    request: &CreateRequest,
    agents: &[PlannedAgent],
) -> CommunicationFile {
    let records = agents
        .iter()
        .map(|agent| {
            let mut extra = Map::new();
            extra.insert("assigned_instructions".into(), json!(agent.blocks.len()));
            extra.insert(
                "assigned_attachments".into(),
                json!(agent.attachments.len()),
            );
            AgentRecord {
                agent_id: agent.id.to_owned(),
                agent_number: Some(agent.number as u32),
                role: Some(agent.role.to_owned()),
                status: Some(AgentStatus::NotStarted),
                output_file: None,
                output_files: Some(vec![agent.output_file()]),
                depends_on: Some(agent.depends_on.iter().map(|d| d.to_string()).collect()),
                execution_wave: Some(agent.wave),
                updated_at: None,
                status_message: None,
                extra,
            }
        })
        .collect();
    let mut extra = Map::new();
    extra.insert("total_agents".into(), json!(agents.len()));
    extra.insert("coordination_mode".into(), json!("parallel"));
    CommunicationFile {
        session_id: Some(session_id.to_owned()),
        stub_id: Some(request.stub.id.trim().to_owned()),
        feature_name: Some(request.stub.feature_name.trim().to_owned()),
        description: Some(request.stub.description.trim().to_owned()),
        created_at: Some(created_at.to_owned()),
        // "created" is not a session status: the hub calculates it from the agents.
        status: Some("created".to_owned()),
        version: Some(0),
        phase: request
            .phase
            .as_ref()
            .filter(|phase| !phase.trim().is_empty())
            .map(|phase| json!(phase.trim())),
        previous_session: request
            .previous_session
            .clone()
            .filter(|id| !id.trim().is_empty()),
        agents: records,
        extra,
        ..CommunicationFile::default()
    }
}

/// Blocks in request order, each with the agents (roster order) it is assigned to.
pub fn instructions(request: &CreateRequest, agents: &[PlannedAgent]) -> InstructionsFile {
    let blocks = request
        .instructions
        .iter()
        .filter_map(|block| {
            Some(InstructionBlock {
                id: block.id.clone(),
                kind: block.block_kind()?,
                content: block.content.clone(),
                assigned_to: agents
                    .iter()
                    .filter(|agent| agent.blocks.iter().any(|b| b.id == block.id))
                    .map(|agent| agent.id.to_owned())
                    .collect(),
            })
        })
        .collect();
    InstructionsFile::new(blocks)
}

pub fn to_pretty_json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON model always serialises");
    text.push('\n');
    text
}
