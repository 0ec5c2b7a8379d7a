//! A request made from a stub in one step ("Start Session"): what the wizard would fill in
//! before anyone changed anything. The stub's `agents_involved` become the roster (their names
//! the ids), its `scope` (or its description) the one task block, its first phase the phase.

use super::{AgentPlan, BlockInput, CreateRequest, StubInput};
use crate::domain::stub::Stub;
use serde_json::Value;

/// The one task block's id.
pub const TASK_BLOCK: &str = "block-1";

/// The request "Start Session" generates for `stub`, with `context_files` pre-selected.
pub fn request_from_stub(stub: &Stub, context_files: Vec<String>) -> CreateRequest {
    let task = stub
        .scope
        .as_ref()
        .and_then(scope_text)
        .unwrap_or_else(|| stub.description.trim().to_owned());
    let roles: Vec<String> = if stub.agents_involved.iter().any(|r| !r.trim().is_empty()) {
        stub.agents_involved.clone()
    } else {
        vec![String::new()]
    };
    let mut agents: Vec<AgentPlan> = Vec::new();
    for role in roles {
        let id = unique_agent_id(&agents, agents.len() + 1, &role);
        let role = if role.trim().is_empty() {
            format!("Implement {}", stub.feature_name.trim())
        } else {
            role
        };
        agents.push(AgentPlan {
            agent_id: id,
            role,
            instructions: vec![TASK_BLOCK.to_owned()],
            ..AgentPlan::default()
        });
    }
    CreateRequest {
        stub: StubInput::from(stub),
        instructions: vec![BlockInput {
            id: TASK_BLOCK.to_owned(),
            kind: "task".to_owned(),
            content: task,
        }],
        context_files,
        agents,
        phase: first_phase(stub),
        ..CreateRequest::default()
    }
}

/// The first of the stub's `phases`, as a name: a string, a number, or an object's `name`
/// (or `title`, or `phase`).
pub fn first_phase(stub: &Stub) -> Option<String> {
    let phase = stub.phases.as_ref()?.first()?;
    phase_name(phase)
}

/// A phase as the stub writes it, as a name.
pub fn phase_name(phase: &Value) -> Option<String> {
    let name = match phase {
        Value::String(name) => name.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Object(fields) => ["name", "title", "phase"]
            .iter()
            .find_map(|key| fields.get(*key))
            .and_then(phase_name)?,
        _ => return None,
    };
    (!name.is_empty()).then_some(name)
}

/// The stub's `scope` as a task: a string as is, a list one item per line, an object as
/// `key: value` lines.
fn scope_text(scope: &Value) -> Option<String> {
    let text = match scope {
        Value::String(text) => text.trim().to_owned(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(format!("- {}", s.trim())),
                Value::Null => None,
                other => Some(format!("- {other}")),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(fields) => fields
            .iter()
            .map(|(key, value)| match value {
                Value::String(s) => format!("{key}: {}", s.trim()),
                other => format!("{key}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Null => return None,
        other => other.to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// The id a new agent gets for `role`: the role's name ([`roster_name`]), made unique with
/// `-2`, `-3`, …; `agent-<n>` when the role has no usable name.
pub fn unique_agent_id(agents: &[AgentPlan], n: usize, role: &str) -> String {
    let taken = |id: &str| agents.iter().any(|a| a.agent_id == id);
    let name = roster_name(role);
    if name.is_empty() {
        (n..).map(|k| format!("agent-{k}")).find(|id| !taken(id))
    } else {
        std::iter::once(name.clone())
            .chain((2..).map(|k| format!("{name}-{k}")))
            .find(|id| !taken(id))
    }
    .unwrap_or_default()
}

/// A role's short name as an id ("Backend: the store" is `backend`), so the prompts, files and
/// the Monitor speak of the roster the stub's author wrote.
pub fn roster_name(role: &str) -> String {
    let head = role.split([':', '(']).next().unwrap_or_default();
    let mut name = String::new();
    for c in head.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    name.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stub(extra: Value) -> Stub {
        let mut base = json!({"id": "rate-limit", "feature_name": "Rate limits",
            "description": "Add rate limiting to the upload endpoint"});
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn a_full_stub_becomes_a_valid_request() {
        let stub = stub(json!({
            "agents_involved": ["Backend: the limiter", "Tests", "Tests"],
            "scope": ["a token bucket per client", "429 with Retry-After"],
            "phases": [{"name": "Phase 1: limiter"}, "Phase 2"]
        }));
        let request = request_from_stub(&stub, vec!["src/upload.rs".into()]);
        let ids: Vec<&str> = request.agents.iter().map(|a| a.agent_id.as_str()).collect();
        assert_eq!(ids, ["backend", "tests", "tests-2"]);
        assert_eq!(request.agents[0].role, "Backend: the limiter");
        assert_eq!(
            request.instructions[0].content,
            "- a token bucket per client\n- 429 with Retry-After"
        );
        assert!(request
            .agents
            .iter()
            .all(|a| a.instructions == [TASK_BLOCK]));
        assert_eq!(request.phase.as_deref(), Some("Phase 1: limiter"));
        assert_eq!(request.context_files, ["src/upload.rs"]);
        assert!(crate::domain::create::validate(&request).is_empty());
    }

    #[test]
    fn a_bare_stub_gets_one_agent_and_its_description_as_the_task() {
        let request = request_from_stub(&stub(json!({})), Vec::new());
        assert_eq!(request.agents.len(), 1);
        assert_eq!(request.agents[0].agent_id, "agent-1");
        assert_eq!(request.agents[0].role, "Implement Rate limits");
        assert_eq!(
            request.instructions[0].content,
            "Add rate limiting to the upload endpoint"
        );
        assert_eq!(request.phase, None);
        assert!(crate::domain::create::validate(&request).is_empty());
    }

    #[test]
    fn phases_are_names_numbers_or_objects() {
        assert_eq!(phase_name(&json!(2)).as_deref(), Some("2"));
        assert_eq!(
            phase_name(&json!({"title": "Design"})).as_deref(),
            Some("Design")
        );
        assert_eq!(phase_name(&json!("  ")), None);
        assert_eq!(phase_name(&json!([1])), None);
        let scoped = stub(json!({"scope": {"in": "uploads", "out": "downloads"}}));
        assert_eq!(
            request_from_stub(&scoped, vec![]).instructions[0].content,
            "in: uploads\nout: downloads"
        );
    }

    #[test]
    fn a_hostile_phase_or_previous_session_is_refused() {
        let mut request = request_from_stub(&stub(json!({})), Vec::new());
        request.previous_session = Some("../../etc".into());
        request.phase = Some("one\ntwo".into());
        let errors = crate::domain::create::validate(&request);
        assert!(errors.get("previous_session").is_some(), "{errors:?}");
        assert!(errors.get("phase").is_some(), "{errors:?}");
    }

    #[test]
    fn the_stubs_names_become_the_agent_ids() {
        assert_eq!(roster_name("Backend: the session store"), "backend");
        assert_eq!(roster_name("  Front End (React) "), "front-end");
        assert_eq!(roster_name("QA / Tests"), "qa-tests");
        assert_eq!(roster_name("Ünïcode"), "n-code");
        assert_eq!(roster_name("::"), "");
    }
}
