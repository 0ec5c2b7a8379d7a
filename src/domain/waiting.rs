//! What `hub wait` decides from a session's detail: are the awaited agents all complete, is one
//! of them blocked (waiting is then pointless until a person steps in), or are some still to go.

use super::{AgentStatus, HubError, SessionDetail};
use serde::{Deserialize, Serialize};

/// Who a wait is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Awaited {
    /// These agents, by id.
    Agents(Vec<String>),
    /// Every dependency of this agent.
    DependenciesOf(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Progress {
    /// Every awaited agent is complete (also when none is awaited).
    Complete { agents: Vec<String> },
    /// This awaited agent is blocked.
    Blocked {
        agent: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// These awaited agents are not complete yet.
    Pending { agents: Vec<String> },
}

/// The agents `awaited` names in `detail`; an agent the roster does not have is an error
/// (a typo would otherwise wait forever).
pub fn awaited_agents(detail: &SessionDetail, awaited: &Awaited) -> Result<Vec<String>, HubError> {
    let find = |id: &str| {
        detail
            .agents
            .iter()
            .find(|agent| agent.agent_id == id)
            .ok_or_else(|| {
                HubError::NotFound(format!(
                    "no agent {id:?} in session {:?}",
                    detail.summary.id
                ))
            })
    };
    match awaited {
        Awaited::Agents(ids) => {
            for id in ids {
                find(id)?;
            }
            Ok(ids.clone())
        }
        Awaited::DependenciesOf(id) => {
            let agent = find(id)?;
            for dependency in &agent.depends_on {
                find(dependency)?;
            }
            Ok(agent.depends_on.clone())
        }
    }
}

/// Where the awaited agents stand now.
pub fn progress(detail: &SessionDetail, agents: &[String]) -> Progress {
    let mut pending = Vec::new();
    for id in agents {
        let Some(agent) = detail.agents.iter().find(|agent| &agent.agent_id == id) else {
            pending.push(id.clone());
            continue;
        };
        match agent.status {
            AgentStatus::Complete => {}
            AgentStatus::Blocked => {
                return Progress::Blocked {
                    agent: id.clone(),
                    message: agent.status_message.clone(),
                }
            }
            _ => pending.push(id.clone()),
        }
    }
    if pending.is_empty() {
        Progress::Complete {
            agents: agents.to_vec(),
        }
    } else {
        Progress::Pending { agents: pending }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AgentView;

    fn detail(agents: &[(&str, AgentStatus, &[&str])]) -> SessionDetail {
        let mut detail = SessionDetail::default();
        detail.summary.id = "s".into();
        detail.agents = agents
            .iter()
            .map(|(id, status, deps)| AgentView {
                agent_id: id.to_string(),
                status: status.clone(),
                depends_on: deps.iter().map(|d| d.to_string()).collect(),
                ..AgentView::default()
            })
            .collect();
        detail
    }

    #[test]
    fn dependencies_are_read_from_the_roster_and_typos_are_errors() {
        let d = detail(&[
            ("a", AgentStatus::Complete, &[]),
            ("b", AgentStatus::InProgress, &["a"]),
            ("c", AgentStatus::NotStarted, &["a", "b"]),
        ]);
        let deps = awaited_agents(&d, &Awaited::DependenciesOf("c".into())).unwrap();
        assert_eq!(deps, ["a", "b"]);
        assert_eq!(
            progress(&d, &deps),
            Progress::Pending {
                agents: vec!["b".into()]
            }
        );
        let err = awaited_agents(&d, &Awaited::Agents(vec!["a".into(), "x".into()])).unwrap_err();
        assert_eq!(err.status_code(), 404);
        assert!(awaited_agents(&d, &Awaited::DependenciesOf("zz".into())).is_err());
        assert_eq!(
            progress(&d, &[]),
            Progress::Complete { agents: vec![] },
            "an agent without dependencies never waits"
        );
    }

    #[test]
    fn a_blocked_agent_ends_the_wait_and_complete_means_all_complete() {
        let mut d = detail(&[
            ("a", AgentStatus::Complete, &[]),
            ("b", AgentStatus::Blocked, &[]),
        ]);
        d.agents[1].status_message = Some("needs credentials".into());
        assert_eq!(
            progress(&d, &["a".into(), "b".into()]),
            Progress::Blocked {
                agent: "b".into(),
                message: Some("needs credentials".into())
            }
        );
        assert_eq!(
            progress(&d, &["a".into()]),
            Progress::Complete {
                agents: vec!["a".into()]
            }
        );
    }
}
