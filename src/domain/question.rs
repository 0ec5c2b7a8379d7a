//! Questions from an agent to a person: `<session>/questions/<id>.json`, one file per question.
//! An agent with an open question *needs input*, whatever status it last wrote. The first
//! answer wins; nothing is ever overwritten.

use super::HubError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

pub const QUESTIONS_DIR: &str = "questions";
pub const MAX_QUESTION_CHARS: usize = 2000;
pub const MAX_CHOICES: usize = 12;
pub const MAX_CHOICE_CHARS: usize = 200;
pub const MAX_ANSWER_CHARS: usize = 2000;
/// Who answered, as the answering client says it.
pub const MAX_ANSWERED_BY_CHARS: usize = 100;
/// `answered_by` of an answer given on the hub's pages.
pub const ANSWERED_IN_THE_HUB: &str = "hub UI";

/// One question file. Unknown fields are kept, as everywhere agents write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub agent_id: String,
    pub question: String,
    #[serde(default)]
    pub choices: Vec<String>,
    /// RFC 3339.
    pub asked_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Question {
    pub fn is_open(&self) -> bool {
        self.answer.is_none()
    }

    /// The order questions are shown in: newest first (ids break ties: they carry the time).
    pub fn newest_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        b.asked_at.cmp(&a.asked_at).then_with(|| b.id.cmp(&a.id))
    }

    /// Parses a question file; its `id` must be the file's own name, so a copied file cannot
    /// pose as another question.
    pub fn parse(bytes: &[u8], file_id: &str) -> Result<Self, String> {
        let question: Self = serde_json::from_slice(bytes).map_err(|err| err.to_string())?;
        if question.id != file_id {
            return Err(format!(
                "its id {:?} is not its file name {file_id:?}",
                question.id
            ));
        }
        Ok(question)
    }
}

/// An open question with the session it belongs to: what the "Needs you" region lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionQuestion {
    pub session_id: String,
    pub feature_name: String,
    #[serde(flatten)]
    pub question: Question,
}

/// A question's id: also its file name (`<id>.json`), so it is checked like a path component.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct QuestionId(String);

impl QuestionId {
    /// 1 to 64 characters of `A-Z a-z 0-9 - _`, starting with a letter or digit.
    pub fn parse(raw: &str) -> Result<Self, HubError> {
        let mut chars = raw.chars();
        let valid = raw.len() <= 64
            && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(HubError::Invalid(format!(
                "question id {raw:?} is not valid: 1 to 64 letters, digits, '-' or '_'"
            )))
        }
    }

    /// A new id: the time it was asked (sorts by age) and a few random-looking digits, so two
    /// agents asking in the same millisecond get different files.
    pub fn generate(now_ms: i64, salt: u64) -> Self {
        Self(format!("q-{now_ms}-{:06x}", salt & 0xff_ffff))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn file_name(&self) -> String {
        format!("{}.json", self.0)
    }
}

impl<'de> Deserialize<'de> for QuestionId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /api/sessions/<id>/questions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskRequest {
    pub agent_id: String,
    pub question: String,
    #[serde(default)]
    pub choices: Vec<String>,
}

/// `POST /api/sessions/<id>/questions/<qid>/answer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRequest {
    pub answer: String,
    #[serde(default)]
    pub answered_by: Option<String>,
}

/// The question text and choices, trimmed, or why they cannot be asked.
pub fn validate_ask(question: &str, choices: &[String]) -> Result<(String, Vec<String>), HubError> {
    let question = question.trim();
    if question.is_empty() {
        return Err(HubError::Invalid("the question is empty".into()));
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(HubError::Invalid(format!(
            "the question is longer than {MAX_QUESTION_CHARS} characters"
        )));
    }
    if choices.len() > MAX_CHOICES {
        return Err(HubError::Invalid(format!(
            "at most {MAX_CHOICES} choices, not {}",
            choices.len()
        )));
    }
    let mut kept: Vec<String> = Vec::with_capacity(choices.len());
    for choice in choices {
        let choice = choice.trim();
        if choice.is_empty() {
            return Err(HubError::Invalid("a choice is empty".into()));
        }
        if choice.chars().count() > MAX_CHOICE_CHARS {
            return Err(HubError::Invalid(format!(
                "a choice is longer than {MAX_CHOICE_CHARS} characters"
            )));
        }
        if kept.iter().any(|k| k == choice) {
            return Err(HubError::Invalid(format!(
                "the choice {choice:?} is given twice"
            )));
        }
        kept.push(choice.to_owned());
    }
    Ok((question.to_owned(), kept))
}

/// The answer, trimmed, or why it cannot answer `question`.
pub fn validate_answer(question: &Question, answer: &str) -> Result<String, HubError> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(HubError::Invalid("the answer is empty".into()));
    }
    if answer.chars().count() > MAX_ANSWER_CHARS {
        return Err(HubError::Invalid(format!(
            "the answer is longer than {MAX_ANSWER_CHARS} characters"
        )));
    }
    if !question.choices.is_empty() && !question.choices.iter().any(|c| c == answer) {
        return Err(HubError::Invalid(format!(
            "the answer must be one of the choices: {}",
            question.choices.join(", ")
        )));
    }
    Ok(answer.to_owned())
}

/// Who answered: what the client said, cut to size and without control characters.
pub fn answered_by(raw: Option<&str>, default: &str) -> String {
    let cleaned: String = raw
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ANSWERED_BY_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        default.to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// The agents with an open question, each once.
pub fn agents_needing_input(questions: &[Question]) -> Vec<&str> {
    let mut agents: Vec<&str> = Vec::new();
    for question in questions.iter().filter(|q| q.is_open()) {
        if !agents.contains(&question.agent_id.as_str()) {
            agents.push(&question.agent_id);
        }
    }
    agents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(choices: &[&str]) -> Question {
        Question {
            id: "q-1".into(),
            agent_id: "agent-1".into(),
            question: "Which database?".into(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            asked_at: "2026-12-01T10:00:00Z".into(),
            answer: None,
            answered_at: None,
            answered_by: None,
            extra: Map::new(),
        }
    }

    #[test]
    fn ids_are_safe_file_names() {
        for good in ["q-1767000000000-00ab12", "A", "q_1"] {
            assert!(QuestionId::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-q",
            "../x",
            "q/1",
            "q.json",
            ".q",
            "q 1",
            &"q".repeat(65),
            "é",
        ] {
            assert!(QuestionId::parse(bad).is_err(), "{bad:?}");
        }
        let id = QuestionId::generate(1_767_000_000_000, 0xdead_beef_1234);
        assert_eq!(id.as_str(), "q-1767000000000-ef1234");
        assert!(QuestionId::parse(id.as_str()).is_ok());
    }

    #[test]
    fn asking_trims_and_refuses_what_cannot_be_shown() {
        let (text, choices) = validate_ask("  Which?  ", &[" a ".into(), "b".into()]).unwrap();
        assert_eq!(
            (text.as_str(), choices),
            ("Which?", vec!["a".to_string(), "b".to_string()])
        );
        assert!(validate_ask("   ", &[]).is_err());
        assert!(validate_ask(&"x".repeat(MAX_QUESTION_CHARS + 1), &[]).is_err());
        assert!(validate_ask("q", &["a".into(), "a ".into()]).is_err());
        assert!(validate_ask("q", &["".into()]).is_err());
        assert!(validate_ask("q", &vec!["c".to_string(); MAX_CHOICES + 1]).is_err());
    }

    #[test]
    fn an_answer_must_be_a_choice_when_there_are_choices() {
        assert_eq!(
            validate_answer(&question(&[]), " Postgres ").unwrap(),
            "Postgres"
        );
        assert!(validate_answer(&question(&[]), "  ").is_err());
        let with_choices = question(&["SQLite", "Postgres"]);
        assert_eq!(
            validate_answer(&with_choices, "Postgres").unwrap(),
            "Postgres"
        );
        let err = validate_answer(&with_choices, "MySQL").unwrap_err();
        assert_eq!(err.status_code(), 400);
        assert!(err.to_string().contains("SQLite, Postgres"), "{err}");
    }

    #[test]
    fn a_file_must_carry_its_own_id_and_keeps_unknown_fields() {
        let bytes = br#"{"id":"q-1","agent_id":"a","question":"?","asked_at":"t","x-extra":1}"#;
        let parsed = Question::parse(bytes, "q-1").unwrap();
        assert_eq!(parsed.extra["x-extra"], 1);
        assert!(parsed.is_open());
        assert!(Question::parse(bytes, "q-2").is_err());
    }

    #[test]
    fn who_answered_is_cleaned() {
        assert_eq!(answered_by(None, "hub UI"), "hub UI");
        assert_eq!(answered_by(Some(" \u{7}ana\n "), "x"), "ana");
        assert_eq!(
            answered_by(Some(&"b".repeat(500)), "x").len(),
            MAX_ANSWERED_BY_CHARS
        );
    }

    #[test]
    fn each_agent_with_an_open_question_needs_input_once() {
        let mut answered = question(&[]);
        answered.agent_id = "agent-2".into();
        answered.answer = Some("yes".into());
        let questions = [question(&[]), question(&[]), answered];
        assert_eq!(agents_needing_input(&questions), ["agent-1"]);
    }
}
