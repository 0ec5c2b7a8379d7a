//! Alerts for `--notify-url`: which history events a person wants pinged about, as the JSON
//! body a webhook receives. `text` is one line that Slack, Discord and ntfy show as it is, so
//! the agent-written part of it is made inert for each: no mentions, no links in Slack's
//! `<url|label>` form, no control characters, no line breaks.

use super::history::{EventKind, HistoryEvent};
use serde::{Deserialize, Serialize};

/// The body of one alert POST.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// `agent_completed`, `agent_blocked`, `question_asked`, `session_completed`.
    pub event: String,
    pub session: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub text: String,
    /// The event's number in the session's history: a receiver can drop repeats by it.
    pub seq: u64,
}

/// Longest agent-written part of `text`.
const MAX_QUOTE_CHARS: usize = 200;

/// The alert `event` makes, if it is one a person is pinged for. `feature` names the session.
pub fn alert_for(session: &str, feature: &str, event: &HistoryEvent) -> Option<Alert> {
    let agent = event.agent.as_deref().map(one_line);
    let name = one_line(if feature.trim().is_empty() {
        session
    } else {
        feature
    });
    let said = event
        .message
        .as_deref()
        .map(one_line)
        .filter(|m| !m.is_empty());
    let (kind, text) = match (event.kind, event.to.as_deref()) {
        (EventKind::Status, Some("complete")) => (
            "agent_completed",
            format!("✅ {} completed in {name}", agent.clone()?),
        ),
        (EventKind::Status, Some("blocked")) => (
            "agent_blocked",
            format!("⛔ {} is blocked in {name}", agent.clone()?),
        ),
        (EventKind::QuestionAsked, _) => (
            "question_asked",
            format!("❓ {} asks in {name}", agent.clone()?),
        ),
        (EventKind::SessionStatus, Some("complete")) => {
            ("session_completed", format!("🏁 {name} is complete"))
        }
        _ => return None,
    };
    let text = match &said {
        Some(said) => format!("{text}: {said}"),
        None => text,
    };
    Some(Alert {
        event: kind.to_owned(),
        session: session.to_owned(),
        agent,
        status: event.to.clone().filter(|_| event.kind == EventKind::Status),
        question: (event.kind == EventKind::QuestionAsked)
            .then(|| said.clone())
            .flatten(),
        text,
        seq: event.seq,
    })
}

/// Agent-written text made safe for one line of a chat message: control characters and line
/// breaks become spaces, `<` `>` `&` are escaped as Slack asks, `@` and `#` lose their power to
/// mention (a zero-width joiner after them), and it is cut at a readable length.
pub fn one_line(raw: &str) -> String {
    let mut out = String::new();
    for (n, c) in raw.chars().enumerate() {
        if n == MAX_QUOTE_CHARS {
            out.push('…');
            break;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' | '#' => {
                out.push(c);
                out.push('\u{2060}');
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::Actor;

    const AT: &str = "2026-12-01T10:00:00.000Z";

    #[test]
    fn the_four_events_a_person_is_pinged_for() {
        let done = HistoryEvent::status("backend", Some("in_progress"), "complete", AT, Actor::Cli);
        let alert = alert_for("s-1", "Rate limits", &done).unwrap();
        assert_eq!(alert.event, "agent_completed");
        assert_eq!(alert.text, "✅ backend completed in Rate limits");
        assert_eq!(alert.status.as_deref(), Some("complete"));

        let blocked = HistoryEvent::status("ui", None, "blocked", AT, Actor::Disk)
            .with_message(Some("needs the API key"));
        assert_eq!(
            alert_for("s-1", "", &blocked).unwrap().text,
            "⛔ ui is blocked in s-1: needs the API key"
        );

        let mut asked = HistoryEvent::new(EventKind::QuestionAsked, AT, Actor::Mcp);
        asked.agent = Some("backend".into());
        asked.message = Some("Which database?".into());
        let alert = alert_for("s-1", "Rate limits", &asked).unwrap();
        assert_eq!(alert.event, "question_asked");
        assert_eq!(alert.question.as_deref(), Some("Which database?"));

        let mut complete = HistoryEvent::new(EventKind::SessionStatus, AT, Actor::Disk);
        complete.to = Some("complete".into());
        assert_eq!(
            alert_for("s-1", "Rate limits", &complete).unwrap().event,
            "session_completed"
        );

        let running = HistoryEvent::status("a", None, "in_progress", AT, Actor::Cli);
        assert_eq!(alert_for("s-1", "x", &running), None);
    }

    #[test]
    fn agent_text_cannot_mention_link_or_break_the_line() {
        let hostile = "<!channel> @everyone <https://evil.example|click>\nsecond line\u{0007}";
        let line = one_line(hostile);
        assert!(!line.contains('<') && !line.contains('\n') && !line.contains('\u{7}'));
        assert!(!line.contains("@everyone"));
        assert!(line.contains("&lt;!channel&gt;"));
        assert!(one_line(&"x".repeat(500)).chars().count() <= MAX_QUOTE_CHARS + 1);
    }
}
