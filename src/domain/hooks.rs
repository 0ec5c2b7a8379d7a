//! What an agent CLI's hook event means for the agent's status, so that status follows the
//! agent without the model having to remember. The payloads are the ones Claude Code and Codex
//! document for their command hooks (JSON on stdin, `hook_event_name` naming the event), and
//! Codex's `notify` program (JSON as the last argument, `type: "agent-turn-complete"`):
//! - Claude Code: <https://code.claude.com/docs/en/hooks>
//! - Codex: <https://developers.openai.com/codex/hooks> and
//!   <https://developers.openai.com/codex/config-advanced#notifications>
//!
//! A permission prompt becomes a question to a person (an agent with an open question *needs
//! input*), answered in the terminal rather than in the hub: the next event of the same agent
//! (a tool ran or was refused, a new prompt, the end of the turn) closes it.

use serde_json::Value;

/// Permission questions start with this, so the hooks of the same agent can close them.
pub const PERMISSION_QUESTION_PREFIX: &str = "Permission needed in the terminal: ";
/// The answer recorded when a permission prompt was settled in the terminal.
pub const SETTLED_IN_TERMINAL: &str = "Answered in the terminal";

/// The longest excerpt of agent-written text (a tool's command, the last message) a hook
/// copies into a status message or a question.
const EXCERPT_CHARS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HookAction {
    /// A turn started: the agent is working.
    Working,
    /// The CLI is asking the person for permission: a question to show in the hub.
    NeedsPermission { question: String },
    /// A tool ran or was refused: a permission prompt, if one was open, is settled.
    PermissionSettled,
    /// The turn ended; the agent waits for its next prompt. With what it said last.
    TurnEnded { last_message: Option<String> },
    /// Nothing the hub tracks.
    Nothing,
}

impl HookAction {
    /// The action for one payload. Unknown events and shapes are `Nothing`: a hook must never
    /// get in the agent's way.
    pub fn from_payload(payload: &Value) -> Self {
        let text = |key: &str| payload.get(key).and_then(Value::as_str);
        if text("type") == Some("agent-turn-complete") {
            return Self::TurnEnded {
                last_message: text("last-assistant-message").and_then(excerpt),
            };
        }
        match text("hook_event_name").unwrap_or_default() {
            "UserPromptSubmit" => Self::Working,
            "PermissionRequest" => Self::NeedsPermission {
                question: permission_question(payload),
            },
            "Notification" if text("notification_type") == Some("permission_prompt") => {
                Self::NeedsPermission {
                    question: permission_question(payload),
                }
            }
            "PostToolUse" | "PostToolUseFailure" | "PermissionDenied" => Self::PermissionSettled,
            "Stop" => Self::TurnEnded {
                last_message: text("last_assistant_message").and_then(excerpt),
            },
            _ => Self::Nothing,
        }
    }
}

/// "Permission needed in the terminal: Bash: rm -rf node_modules".
fn permission_question(payload: &Value) -> String {
    let tool = payload.get("tool_name").and_then(Value::as_str);
    let input = payload.get("tool_input");
    let detail = input
        .and_then(|input| {
            ["description", "command", "file_path", "url"]
                .iter()
                .find_map(|key| input.get(key).and_then(Value::as_str))
        })
        .or_else(|| payload.get("message").and_then(Value::as_str));
    let what = match (tool, detail.and_then(excerpt)) {
        (Some(tool), Some(detail)) => format!("{tool}: {detail}"),
        (Some(tool), None) => tool.to_owned(),
        (None, Some(detail)) => detail,
        (None, None) => "the agent is waiting for your approval".to_owned(),
    };
    format!("{PERMISSION_QUESTION_PREFIX}{what}")
}

/// The first line of `text`, trimmed, at most [`EXCERPT_CHARS`] characters; None when blank.
fn excerpt(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    let mut cut: String = line.chars().take(EXCERPT_CHARS).collect();
    if line.chars().count() > EXCERPT_CHARS {
        cut.push('…');
    }
    Some(cut)
}

/// Whether a question was asked by a permission hook.
pub fn is_permission_question(question: &str) -> bool {
    question.starts_with(PERMISSION_QUESTION_PREFIX)
}

/// The status message a hook writes at the end of a turn.
pub fn turn_ended_message(last_message: Option<&str>) -> String {
    match last_message {
        Some(said) => format!("Turn ended, waiting for a prompt. Last said: {said}"),
        None => "Turn ended, waiting for a prompt".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claude_codes_documented_payloads_map_to_actions() {
        let prompt = json!({"session_id": "abc123", "transcript_path": "/t.jsonl", "cwd": "/p",
            "hook_event_name": "UserPromptSubmit", "prompt": "Write a function"});
        assert_eq!(HookAction::from_payload(&prompt), HookAction::Working);

        let permission = json!({"session_id": "abc123", "hook_event_name": "PermissionRequest",
            "tool_name": "Bash", "tool_input": {"command": "rm -rf node_modules",
            "description": "Remove node_modules"}, "permission_suggestions": []});
        assert_eq!(
            HookAction::from_payload(&permission),
            HookAction::NeedsPermission {
                question: "Permission needed in the terminal: Bash: Remove node_modules".into()
            }
        );

        let notification = json!({"hook_event_name": "Notification",
            "message": "Claude needs your permission to use Bash",
            "title": "Permission needed", "notification_type": "permission_prompt"});
        assert!(matches!(
            HookAction::from_payload(&notification),
            HookAction::NeedsPermission { question } if question.ends_with("permission to use Bash")
        ));
        let idle = json!({"hook_event_name": "Notification", "notification_type": "idle_prompt"});
        assert_eq!(HookAction::from_payload(&idle), HookAction::Nothing);

        let stop = json!({"hook_event_name": "Stop", "stop_hook_active": false,
            "last_assistant_message": "\n  Done: the parser handles dates.\nMore detail."});
        assert_eq!(
            HookAction::from_payload(&stop),
            HookAction::TurnEnded {
                last_message: Some("Done: the parser handles dates.".into())
            }
        );
        let tool = json!({"hook_event_name": "PostToolUse", "tool_name": "Write"});
        assert_eq!(
            HookAction::from_payload(&tool),
            HookAction::PermissionSettled
        );
    }

    #[test]
    fn codexs_notify_payload_ends_a_turn() {
        let notify = json!({"type": "agent-turn-complete", "thread-id": "b5f6c1c2",
            "turn-id": "12345", "cwd": "/p", "input-messages": ["Rename foo"],
            "last-assistant-message": "Rename complete"});
        assert_eq!(
            HookAction::from_payload(&notify),
            HookAction::TurnEnded {
                last_message: Some("Rename complete".into())
            }
        );
    }

    #[test]
    fn unknown_or_hostile_payloads_do_nothing_or_are_cut() {
        assert_eq!(
            HookAction::from_payload(&json!([1, 2])),
            HookAction::Nothing
        );
        assert_eq!(
            HookAction::from_payload(&json!({"hook_event_name": "SessionEnd"})),
            HookAction::Nothing
        );
        let long = "x".repeat(5000);
        let HookAction::NeedsPermission { question } = HookAction::from_payload(
            &json!({"hook_event_name": "PermissionRequest", "tool_name": "Bash",
                "tool_input": {"command": long}}),
        ) else {
            panic!("not a permission question")
        };
        assert!(question.chars().count() < 300);
        assert!(is_permission_question(&question));
    }
}
