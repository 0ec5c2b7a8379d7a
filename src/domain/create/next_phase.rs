//! "Start next phase" on a complete session: the wizard prefilled with the same stub and
//! roster, the next phase, and each agent's output of the phase before attached to it.

use super::from_stub::{phase_name, TASK_BLOCK};
use super::{AgentPlan, AttachmentInput, BlockInput, CreateRequest, StubInput};
use crate::domain::stub::Stub;
use crate::domain::CommunicationFile;

/// One output of the phase before, read for the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseOutput {
    pub agent_id: String,
    pub path: String,
    pub text: String,
}

/// The request for the phase after `previous` (session `previous_id`). `stub`, when its
/// folder still exists, names the phases in order.
pub fn next_phase_request(
    previous_id: &str,
    previous: &CommunicationFile,
    stub: Option<&Stub>,
    outputs: &[PhaseOutput],
) -> CreateRequest {
    let current = previous.phase.as_ref().and_then(phase_name);
    let next = next_phase(current.as_deref(), stub);
    let stub_input = match stub {
        Some(stub) => StubInput::from(stub),
        None => StubInput {
            id: previous.stub_id.clone().unwrap_or_default(),
            feature_name: previous.feature_name.clone().unwrap_or_default(),
            description: previous.description.clone().unwrap_or_default(),
        },
    };
    let attachments: Vec<AttachmentInput> = outputs
        .iter()
        .enumerate()
        .map(|(n, output)| AttachmentInput {
            id: format!("previous-{}", n + 1),
            name: format!("{} of {}: {}", output.agent_id, previous_id, output.path),
            path: None,
            content: Some(output.text.clone()),
        })
        .collect();
    let agents = previous
        .agents
        .iter()
        .map(|agent| AgentPlan {
            agent_id: agent.agent_id.clone(),
            role: agent.role.clone().unwrap_or_else(|| agent.agent_id.clone()),
            instructions: vec![TASK_BLOCK.to_owned()],
            attachments: outputs
                .iter()
                .zip(&attachments)
                .filter(|(output, _)| output.agent_id == agent.agent_id)
                .map(|(_, attachment)| attachment.id.clone())
                .collect(),
            depends_on: agent.dependencies().to_vec(),
        })
        .collect();
    let task = match &next {
        Some(next) => format!(
            "{next}: carry on from session {previous_id}. Your output of the phase before is \
             attached."
        ),
        None => format!(
            "Carry on from session {previous_id}. Your output of the phase before is attached."
        ),
    };
    CreateRequest {
        stub: stub_input,
        instructions: vec![BlockInput {
            id: TASK_BLOCK.to_owned(),
            kind: "task".to_owned(),
            content: task,
        }],
        attachments,
        agents,
        phase: next,
        previous_session: Some(previous_id.to_owned()),
        ..CreateRequest::default()
    }
}

/// The phase after `current`: the stub's next one when it lists `current`, else the number
/// after a trailing number ("Phase 1" -> "Phase 2", "2" -> "3"), else the stub's second.
pub fn next_phase(current: Option<&str>, stub: Option<&Stub>) -> Option<String> {
    let listed: Vec<String> = stub
        .and_then(|stub| stub.phases.as_ref())
        .map(|phases| phases.iter().filter_map(phase_name).collect())
        .unwrap_or_default();
    let Some(current) = current else {
        return listed.get(1).cloned();
    };
    if let Some(at) = listed.iter().position(|phase| phase == current) {
        return listed.get(at + 1).cloned();
    }
    let digits = current.len() - current.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (head, number) = current.split_at(current.len() - digits);
    let number: u64 = number.parse().ok()?;
    Some(format!("{head}{}", number + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn previous() -> CommunicationFile {
        serde_json::from_value(json!({
            "stub_id": "rate-limit", "feature_name": "Rate limits", "description": "d",
            "phase": "Phase 1",
            "agents": [
                {"agent_id": "backend", "role": "Backend", "status": "complete"},
                {"agent_id": "tests", "role": "Tests", "status": "complete", "depends_on": ["backend"]}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn the_next_phase_keeps_the_roster_and_attaches_each_output_to_its_agent() {
        let outputs = [PhaseOutput {
            agent_id: "tests".into(),
            path: "outputs/tests.md".into(),
            text: "12 tests".into(),
        }];
        let request = next_phase_request("rate-limit-1", &previous(), None, &outputs);
        assert_eq!(request.phase.as_deref(), Some("Phase 2"));
        assert_eq!(request.previous_session.as_deref(), Some("rate-limit-1"));
        assert_eq!(request.stub.id, "rate-limit");
        assert_eq!(request.agents[1].depends_on, ["backend"]);
        assert_eq!(request.agents[1].attachments, ["previous-1"]);
        assert!(request.agents[0].attachments.is_empty());
        assert_eq!(request.attachments[0].content.as_deref(), Some("12 tests"));
        assert!(crate::domain::create::validate(&request).is_empty());
    }

    #[test]
    fn the_stubs_phases_come_in_order_and_numbers_count_up() {
        let stub: Stub = serde_json::from_value(json!({"id": "s", "feature_name": "f",
            "description": "d", "phases": ["Design", {"name": "Build"}, "Ship"]}))
        .unwrap();
        assert_eq!(
            next_phase(Some("Design"), Some(&stub)).as_deref(),
            Some("Build")
        );
        assert_eq!(
            next_phase(Some("Build"), Some(&stub)).as_deref(),
            Some("Ship")
        );
        assert_eq!(next_phase(Some("Ship"), Some(&stub)), None);
        assert_eq!(next_phase(None, Some(&stub)).as_deref(), Some("Build"));
        assert_eq!(next_phase(Some("2"), None).as_deref(), Some("3"));
        assert_eq!(
            next_phase(Some("Phase 9"), None).as_deref(),
            Some("Phase 10")
        );
        assert_eq!(next_phase(Some("Polish"), None), None);
    }
}
