//! A session's history: what happened, when and through what, as the lines of
//! `.hub/history.jsonl`. The file is also the record of what has been *recorded*: replaying it
//! gives each agent's last recorded status and each question's state, and comparing that with
//! the session as it is now says what changed unseen (a hand edit, or anything while no hub
//! ran). So every hub, on every start, records each change once, whoever made it.

use super::question::Question;
use super::session::CommunicationFile;
use super::status::{calculate_status, AgentStatus, SessionStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The history's folder inside a session: hidden, so exports and the list leave it out.
pub const HISTORY_DIR: &str = ".hub";
pub const HISTORY_FILE: &str = "history.jsonl";
/// The previous file once the current one passed [`HISTORY_ROTATE_BYTES`].
pub const HISTORY_ROTATED_FILE: &str = "history.1.jsonl";
/// Past this size the file is rotated: the hub keeps this much and one file before it.
pub const HISTORY_ROTATE_BYTES: u64 = 10 << 20;
/// One line longer than this is not written (a message is capped far below it).
pub const MAX_EVENT_BYTES: usize = 16 << 10;
/// Messages and answers are kept up to this many characters in the history.
const MAX_TEXT_CHARS: usize = 2_000;

/// Who made a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    /// The hub's own pages (a person) or its demo.
    Hub,
    Cli,
    Api,
    Mcp,
    /// Seen on disk: an agent wrote the file itself, or it changed while no hub ran.
    Disk,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hub => "hub",
            Self::Cli => "cli",
            Self::Api => "api",
            Self::Mcp => "mcp",
            Self::Disk => "disk",
        }
    }

    /// A client's claim of what it is (`X-Hub-Client` on the API): only the agent tools may
    /// claim a name; anything else is the API.
    pub fn from_client(raw: Option<&str>) -> Self {
        match raw {
            Some("cli") => Self::Cli,
            Some("mcp") => Self::Mcp,
            _ => Self::Api,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    /// An agent's status changed (`from` → `to`).
    Status,
    QuestionAsked,
    QuestionAnswered,
    /// Every agent is complete (`to`: `complete`), or no longer (`from`: `complete`).
    SessionStatus,
    Usage,
    Archived,
    Restored,
    /// The first line of a rotated-in file: what was recorded before it, so the state survives
    /// rotation. Not shown.
    Checkpoint,
}

impl EventKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Created => "Created",
            Self::Status => "Status",
            Self::QuestionAsked => "Question asked",
            Self::QuestionAnswered => "Question answered",
            Self::SessionStatus => "Session",
            Self::Usage => "Usage",
            Self::Archived => "Archived",
            Self::Restored => "Restored",
            Self::Checkpoint => "Checkpoint",
        }
    }
}

/// One line of `history.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// 1, 2, 3, ... within the session, across rotations: what alerts count delivery by.
    #[serde(default)]
    pub seq: u64,
    /// RFC 3339, milliseconds, UTC.
    pub at: String,
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The status message, the question or the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The question's id, for question events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub by: Actor,
    /// Checkpoints only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Recorded>,
}

impl HistoryEvent {
    pub fn new(kind: EventKind, at: &str, by: Actor) -> Self {
        Self {
            seq: 0,
            at: at.to_owned(),
            kind,
            agent: None,
            from: None,
            to: None,
            message: None,
            question: None,
            by,
            state: None,
        }
    }

    pub fn status(agent: &str, from: Option<&str>, to: &str, at: &str, by: Actor) -> Self {
        Self {
            agent: Some(agent.to_owned()),
            from: from.map(str::to_owned),
            to: Some(to.to_owned()),
            ..Self::new(EventKind::Status, at, by)
        }
    }

    pub fn with_message(mut self, message: Option<&str>) -> Self {
        self.message = message
            .filter(|m| !m.trim().is_empty())
            .map(|m| m.chars().take(MAX_TEXT_CHARS).collect());
        self
    }

    /// The line to append (with its newline); `None` for an event too large to keep (a
    /// checkpoint is never too large: it is what the record depends on).
    pub fn to_line(&self) -> Option<String> {
        let mut line = serde_json::to_string(self).ok()?;
        line.push('\n');
        (line.len() <= MAX_EVENT_BYTES || self.kind == EventKind::Checkpoint).then_some(line)
    }

    pub fn is_shown(&self) -> bool {
        self.kind != EventKind::Checkpoint
    }
}

/// What the history has recorded so far: replayed from its lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The last `seq` written.
    pub seq: u64,
    /// Each agent's last recorded status.
    pub statuses: BTreeMap<String, String>,
    /// Each recorded question: answered or not.
    pub questions: BTreeMap<String, bool>,
    /// The session's last recorded overall status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

impl Recorded {
    /// Takes one line's event into account.
    pub fn apply(&mut self, event: &HistoryEvent) {
        self.seq = self.seq.max(event.seq);
        match event.kind {
            EventKind::Checkpoint => {
                if let Some(state) = &event.state {
                    let seq = self.seq;
                    *self = state.clone();
                    self.seq = seq.max(state.seq);
                }
            }
            EventKind::Status => {
                if let (Some(agent), Some(to)) = (&event.agent, &event.to) {
                    self.statuses.insert(agent.clone(), to.clone());
                }
            }
            EventKind::QuestionAsked => {
                if let Some(id) = &event.question {
                    self.questions.entry(id.clone()).or_insert(false);
                }
            }
            EventKind::QuestionAnswered => {
                if let Some(id) = &event.question {
                    self.questions.insert(id.clone(), true);
                }
            }
            EventKind::SessionStatus => self.session = event.to.clone(),
            EventKind::Created | EventKind::Usage | EventKind::Archived | EventKind::Restored => {}
        }
    }

    /// Numbers `event` as the next line and takes it into account.
    pub fn record(&mut self, mut event: HistoryEvent) -> HistoryEvent {
        event.seq = self.seq + 1;
        self.apply(&event);
        event
    }

    /// The events that bring the record up to `now`, numbered and applied: each agent whose
    /// status differs, each question asked or answered unseen, and the session completing.
    /// Empty when the record is current (the common case: the hub recorded it as it wrote).
    pub fn catch_up(&mut self, now: &Observed, at: &str, by: Actor) -> Vec<HistoryEvent> {
        let mut events = Vec::new();
        for (agent, status, message) in &now.statuses {
            let before = self.statuses.get(agent).cloned();
            if before.as_deref() != Some(status.as_str()) {
                let event = HistoryEvent::status(agent, before.as_deref(), status, at, by)
                    .with_message(message.as_deref());
                events.push(self.record(event));
            }
        }
        events.extend(self.catch_up_questions(&now.questions, by));
        let session = now.session.as_str();
        let was = self.session.as_deref();
        let completes = session == SessionStatus::Complete.as_str();
        let reopens = was == Some(SessionStatus::Complete.as_str()) && !completes;
        if (completes && was != Some(session)) || reopens {
            let mut event = HistoryEvent::new(EventKind::SessionStatus, at, by);
            event.from = was.map(str::to_owned);
            event.to = Some(session.to_owned());
            events.push(self.record(event));
        } else if was.is_none() || was != Some(session) {
            // Other moves of the overall status are not events, but are remembered.
            self.session = Some(session.to_owned());
        }
        events
    }

    /// The events for `questions` asked or answered since the record last saw them.
    pub fn catch_up_questions(&mut self, questions: &[Question], by: Actor) -> Vec<HistoryEvent> {
        let mut events = Vec::new();
        for question in questions {
            let answered = question.answer.is_some();
            let known = self.questions.get(&question.id).copied();
            if known.is_none() {
                events.push(self.record(question_event(question, EventKind::QuestionAsked, by)));
            }
            if answered && known != Some(true) {
                let event = question_event(question, EventKind::QuestionAnswered, by);
                events.push(self.record(event));
            }
        }
        events
    }

    /// The first line of a fresh file after rotation: the record as it is (its `seq` the last
    /// one written, so the numbers go on after it).
    pub fn checkpoint(&self, at: &str) -> HistoryEvent {
        let mut event = HistoryEvent::new(EventKind::Checkpoint, at, Actor::Hub);
        event.seq = self.seq;
        event.state = Some(self.clone());
        event
    }
}

fn question_event(question: &Question, kind: EventKind, by: Actor) -> HistoryEvent {
    let (at, text) = match kind {
        EventKind::QuestionAnswered => (
            question
                .answered_at
                .as_deref()
                .unwrap_or(&question.asked_at),
            question.answer.as_deref(),
        ),
        _ => (question.asked_at.as_str(), Some(question.question.as_str())),
    };
    HistoryEvent {
        agent: Some(question.agent_id.clone()),
        question: Some(question.id.clone()),
        ..HistoryEvent::new(kind, at, by)
    }
    .with_message(text)
}

/// A session as it is now, in the terms the history records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// Agent, status, message: in the file's order.
    pub statuses: Vec<(String, String, Option<String>)>,
    pub questions: Vec<Question>,
    /// The session's overall status, derived from its agents.
    pub session: String,
}

impl Observed {
    pub fn of(file: &CommunicationFile, questions: &[Question]) -> Self {
        let statuses: Vec<(String, String, Option<String>)> = file
            .agents
            .iter()
            .map(|agent| {
                (
                    agent.agent_id.clone(),
                    agent.status().as_str().to_owned(),
                    agent.status_message.clone(),
                )
            })
            .collect();
        let agent_statuses: Vec<AgentStatus> =
            file.agents.iter().map(|a| a.status().clone()).collect();
        let mut questions = questions.to_vec();
        // Oldest first, so the history reads in the order they were asked.
        questions.sort_by(|a, b| a.asked_at.cmp(&b.asked_at).then_with(|| a.id.cmp(&b.id)));
        Self {
            statuses,
            questions,
            session: calculate_status(agent_statuses.iter()).as_str().to_owned(),
        }
    }
}

/// Replays history lines (a bad line is skipped: one torn append loses nothing else).
pub fn replay<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    into: &mut Recorded,
) -> Vec<HistoryEvent> {
    let mut events = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Ok(event) = serde_json::from_str::<HistoryEvent>(line) {
            into.apply(&event);
            events.push(event);
        }
    }
    events
}

/// `GET /api/sessions/<id>/history`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryAnswer {
    pub session: String,
    /// Oldest first.
    pub events: Vec<HistoryEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: &str = "2026-12-01T10:00:00.000Z";
    const T1: &str = "2026-12-01T10:05:00.000Z";

    fn observed(statuses: &[(&str, &str)]) -> Observed {
        let statuses: Vec<_> = statuses
            .iter()
            .map(|(a, s)| (a.to_string(), s.to_string(), None))
            .collect();
        let all: Vec<AgentStatus> = statuses
            .iter()
            .map(|(_, s, _)| AgentStatus::parse(s))
            .collect();
        Observed {
            statuses,
            questions: vec![],
            session: calculate_status(all.iter()).as_str().to_owned(),
        }
    }

    fn question(id: &str, answer: Option<&str>) -> Question {
        Question {
            id: id.into(),
            agent_id: "backend".into(),
            question: "Which database?".into(),
            choices: vec![],
            asked_at: T0.into(),
            answer: answer.map(Into::into),
            answered_at: answer.map(|_| T1.into()),
            answered_by: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn catching_up_records_each_difference_once() {
        let mut recorded = Recorded::default();
        let first = recorded.catch_up(
            &observed(&[("a", "pending"), ("b", "in_progress")]),
            T0,
            Actor::Disk,
        );
        assert_eq!(first.len(), 2);
        assert_eq!(first[1].from, None);
        assert_eq!(first[1].to.as_deref(), Some("in_progress"));
        assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
        // Nothing changed: nothing to record, however often it is asked.
        assert!(recorded
            .catch_up(
                &observed(&[("a", "pending"), ("b", "in_progress")]),
                T1,
                Actor::Disk
            )
            .is_empty());

        let done = recorded.catch_up(
            &observed(&[("a", "complete"), ("b", "complete")]),
            T1,
            Actor::Disk,
        );
        let kinds: Vec<_> = done
            .iter()
            .map(|e| (e.kind, e.agent.clone(), e.from.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (EventKind::Status, Some("a".into()), Some("pending".into())),
                (
                    EventKind::Status,
                    Some("b".into()),
                    Some("in_progress".into())
                ),
                (EventKind::SessionStatus, None, Some("in_progress".into())),
            ]
        );
        assert_eq!(recorded.seq, 5);
    }

    #[test]
    fn replaying_the_lines_gives_the_same_record() {
        let mut live = Recorded::default();
        let mut lines = String::new();
        for step in [
            &[("a", "in_progress")][..],
            &[("a", "blocked")],
            &[("a", "complete")],
        ] {
            for event in live.catch_up(&observed(step), T0, Actor::Api) {
                lines.push_str(&event.to_line().unwrap());
            }
        }
        // A torn last line is skipped, the rest replays.
        lines.push_str("{\"seq\": 99, \"at\"");
        let mut replayed = Recorded::default();
        let events = replay(lines.lines(), &mut replayed);
        assert_eq!(events.len(), 4);
        assert_eq!(replayed, live);
        // A restarted hub that replays finds nothing new to record.
        assert!(replayed
            .catch_up(&observed(&[("a", "complete")]), T1, Actor::Disk)
            .is_empty());
    }

    #[test]
    fn questions_are_recorded_when_asked_and_when_answered() {
        let mut recorded = Recorded::default();
        let mut now = observed(&[("backend", "in_progress")]);
        recorded.catch_up(&now, T0, Actor::Disk);
        now.questions = vec![question("q1", None)];
        let asked = recorded.catch_up(&now, T0, Actor::Mcp);
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].kind, EventKind::QuestionAsked);
        assert_eq!(asked[0].message.as_deref(), Some("Which database?"));
        assert_eq!(asked[0].by, Actor::Mcp);
        now.questions = vec![
            question("q1", Some("Postgres")),
            question("q2", Some("yes")),
        ];
        let answered = recorded.catch_up(&now, T1, Actor::Disk);
        let kinds: Vec<_> = answered
            .iter()
            .map(|e| (e.kind, e.question.clone().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                (EventKind::QuestionAnswered, "q1".to_string()),
                (EventKind::QuestionAsked, "q2".to_string()),
                (EventKind::QuestionAnswered, "q2".to_string()),
            ]
        );
        assert_eq!(answered[0].at, T1);
    }

    #[test]
    fn a_checkpoint_carries_the_record_into_a_new_file() {
        let mut recorded = Recorded::default();
        recorded.catch_up(&observed(&[("a", "complete")]), T0, Actor::Disk);
        let checkpoint = recorded.checkpoint(T1);
        assert!(!checkpoint.is_shown());
        assert_eq!(checkpoint.seq, recorded.seq);
        let mut fresh = Recorded::default();
        replay([checkpoint.to_line().unwrap().as_str()], &mut fresh);
        assert_eq!(fresh, recorded);
        assert!(fresh
            .catch_up(&observed(&[("a", "complete")]), T1, Actor::Disk)
            .is_empty());
    }

    #[test]
    fn messages_are_capped_and_huge_lines_refused() {
        let event = HistoryEvent::status("a", None, "blocked", T0, Actor::Cli)
            .with_message(Some(&"x".repeat(10_000)));
        assert_eq!(
            event.message.as_ref().unwrap().chars().count(),
            MAX_TEXT_CHARS
        );
        assert!(event.to_line().is_some());
        let mut huge = event.clone();
        huge.agent = Some("y".repeat(MAX_EVENT_BYTES));
        assert!(huge.to_line().is_none());
        assert_eq!(
            HistoryEvent::status("a", None, "x", T0, Actor::Cli)
                .with_message(Some("  "))
                .message,
            None
        );
    }

    #[test]
    fn only_agent_tools_may_name_themselves() {
        assert_eq!(Actor::from_client(Some("cli")), Actor::Cli);
        assert_eq!(Actor::from_client(Some("mcp")), Actor::Mcp);
        assert_eq!(Actor::from_client(Some("disk")), Actor::Api);
        assert_eq!(Actor::from_client(None), Actor::Api);
    }
}
