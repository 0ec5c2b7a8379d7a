//! What to say when fresh data differs from what is on screen: one `aria-live` sentence, and a
//! browser notification when an agent or a session finishes or gets stuck.

use crate::domain::question::SessionQuestion;
use crate::domain::{AgentStatus, SessionDetail, SessionList, SessionStatus};

/// A change seen on refresh: read out by screen readers, and worth a browser notification when
/// an agent or a session finishes or gets stuck.
pub struct Seen {
    pub said: String,
    pub notification: Option<(String, String)>,
}

impl Seen {
    pub fn quiet(said: String) -> Self {
        Self {
            said,
            notification: None,
        }
    }

    pub fn notable(said: String, title: &str) -> Self {
        Self {
            notification: Some((title.to_owned(), said.clone())),
            said,
        }
    }
}

/// What changed between two lists, for the live region and notifications.
pub fn list_changes(before: &SessionList, after: &SessionList) -> Vec<Seen> {
    let mut changes = Vec::new();
    for session in &after.sessions {
        match before.sessions.iter().find(|old| old.id == session.id) {
            None => changes.push(Seen::quiet(format!("New session {}", session.feature_name))),
            Some(old) if old.status != session.status => {
                let said = format!(
                    "{} is now {}",
                    session.feature_name,
                    session.status.label().to_lowercase()
                );
                changes.push(if session.status == SessionStatus::Complete {
                    Seen::notable(said, "Session complete")
                } else {
                    Seen::quiet(said)
                });
            }
            Some(_) => {}
        }
    }
    for bad in &after.invalid {
        if !before.invalid.iter().any(|old| old.id == bad.id) {
            changes.push(Seen::quiet(format!("Session {} cannot be read", bad.id)));
        }
    }
    changes
}

/// Questions asked since the last read: each one said, and worth a notification.
pub fn question_changes(before: &[SessionQuestion], after: &[SessionQuestion]) -> Vec<Seen> {
    after
        .iter()
        .filter(|asked| {
            !before.iter().any(|old| {
                old.session_id == asked.session_id && old.question.id == asked.question.id
            })
        })
        .map(|asked| {
            Seen::notable(
                format!(
                    "{} asks: {} ({})",
                    asked.question.agent_id, asked.question.question, asked.feature_name
                ),
                "Needs you",
            )
        })
        .collect()
}

/// What changed between two reads of the session, for the live region and notifications.
pub fn detail_changes(before: &SessionDetail, after: &SessionDetail) -> Vec<Seen> {
    let name = &after.summary.feature_name;
    let mut changes = Vec::new();
    for agent in &after.agents {
        let old = before
            .agents
            .iter()
            .find(|old| old.agent_id == agent.agent_id);
        if old.is_none_or(|old| old.status != agent.status) {
            let said = format!(
                "{} is now {}",
                agent.agent_id,
                agent.status.label().to_lowercase()
            );
            changes.push(match agent.status {
                AgentStatus::Complete => {
                    Seen::notable(format!("{said} ({name})"), "Agent complete")
                }
                AgentStatus::Blocked => Seen::notable(format!("{said} ({name})"), "Agent blocked"),
                _ => Seen::quiet(said),
            });
        }
    }
    if before.summary.status != after.summary.status {
        let said = format!(
            "Session is now {}",
            after.summary.status.label().to_lowercase()
        );
        changes.push(if after.summary.status == SessionStatus::Complete {
            Seen::notable(format!("{name} is complete"), "Session complete")
        } else {
            Seen::quiet(said)
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AgentView, SessionSummary};

    #[test]
    fn a_new_session_and_a_finished_one_are_announced() {
        let summary = |id: &str, status| SessionSummary {
            id: id.into(),
            feature_name: format!("Feature {id}"),
            status,
            ..SessionSummary::default()
        };
        let before = SessionList {
            sessions: vec![summary("a", SessionStatus::InProgress)],
            ..SessionList::default()
        };
        let after = SessionList {
            sessions: vec![
                summary("a", SessionStatus::Complete),
                summary("b", SessionStatus::NotStarted),
            ],
            ..SessionList::default()
        };
        let seen = list_changes(&before, &after);
        let said: Vec<&str> = seen.iter().map(|s| s.said.as_str()).collect();
        assert_eq!(said, ["Feature a is now complete", "New session Feature b"]);
        assert_eq!(
            seen[0].notification,
            Some((
                "Session complete".into(),
                "Feature a is now complete".into()
            ))
        );
        assert!(seen[1].notification.is_none());
    }

    #[test]
    fn a_blocked_agent_is_notified_and_other_changes_only_said() {
        let agent = |status| AgentView {
            agent_id: "agent-1".into(),
            status,
            ..AgentView::default()
        };
        let mut before = SessionDetail::default();
        before.summary.feature_name = "Auth".into();
        before.agents = vec![agent(AgentStatus::InProgress)];
        let mut after = before.clone();
        after.agents = vec![agent(AgentStatus::Blocked)];
        let seen = detail_changes(&before, &after);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].said, "agent-1 is now blocked (Auth)");
        assert_eq!(
            seen[0].notification,
            Some((
                "Agent blocked".into(),
                "agent-1 is now blocked (Auth)".into()
            ))
        );
        after.agents = vec![agent(AgentStatus::Pending)];
        assert!(detail_changes(&before, &after)[0].notification.is_none());
    }
}
