//! Question files: `<session>/questions/<id>.json`. Asking writes a new file atomically;
//! answering rewrites it under the session lock, so of two answers racing the first one wins
//! and the second is refused with nothing overwritten.

use super::read::read_parsed;
use super::write::{lock_session, write_error, LOCK_TIMEOUT};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::question::{validate_answer, validate_ask, Question, QuestionId, QUESTIONS_DIR};
use crate::domain::HubError;
use crate::fsutil::atomic::{is_temp_file_name, write_atomic};
use crate::fsutil::dir::{entries, entry_name, sync_dir};
use crate::fsutil::fingerprint::Fingerprint;
use crate::fsutil::read::read_capped;
use serde_json::Map;
use std::path::Path;

/// Larger question files are refused, not read.
pub const MAX_QUESTION_FILE_BYTES: u64 = 64 << 10;
/// More questions than this in one session are not read (the newest are kept).
pub const MAX_QUESTIONS_PER_SESSION: usize = 1000;

/// What a session's `questions/` folder holds, newest first, with a sentence for each file
/// that could not be read.
pub struct QuestionsRead {
    pub questions: Vec<Question>,
    pub problems: Vec<String>,
}

/// The folder's fingerprint: a question asked or answered renames a file into it, which
/// changes the folder's modification time.
pub fn folder_fingerprint(session_folder: &Path) -> Option<Fingerprint> {
    std::fs::metadata(session_folder.join(QUESTIONS_DIR))
        .ok()
        .map(|meta| Fingerprint::of(&meta))
}

pub fn read_all(session_folder: &Path) -> QuestionsRead {
    let folder = session_folder.join(QUESTIONS_DIR);
    let mut read = QuestionsRead {
        questions: Vec::new(),
        problems: Vec::new(),
    };
    let Ok(entries) = entries(&folder) else {
        return read;
    };
    let mut names: Vec<String> = entries
        .iter()
        .filter_map(entry_name)
        .filter(|name| !name.starts_with('.') && !is_temp_file_name(name))
        .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
        .collect();
    // Generated ids sort by time; keep the newest when there are too many.
    names.sort_unstable_by(|a, b| b.cmp(a));
    names.truncate(MAX_QUESTIONS_PER_SESSION);
    for name in names {
        let path = folder.join(format!("{name}.json"));
        match read_parsed(&path, MAX_QUESTION_FILE_BYTES, |bytes| {
            Question::parse(bytes, &name)
        }) {
            Ok((question, _)) => read.questions.push(question),
            Err(err) => read
                .problems
                .push(format!("questions/{name}.json cannot be read: {err}")),
        }
    }
    read.questions.sort_by(Question::newest_first);
    read
}

/// Records a new question from `agent` (who must be on the session's roster: the caller
/// checks) and returns it.
pub fn ask(
    session_folder: &Path,
    id: QuestionId,
    agent: &AgentId,
    question: &str,
    choices: &[String],
    asked_at: String,
) -> Result<Question, HubError> {
    let (question, choices) = validate_ask(question, choices)?;
    let folder = session_folder.join(QUESTIONS_DIR);
    if !folder.is_dir() {
        std::fs::create_dir_all(&folder)
            .map_err(|err| HubError::internal("cannot create the questions folder", err))?;
        sync_dir(session_folder).map_err(|err| write_error(session_folder, err))?;
    }
    let question = Question {
        id: id.as_str().to_owned(),
        agent_id: agent.as_str().to_owned(),
        question,
        choices,
        asked_at,
        answer: None,
        answered_at: None,
        answered_by: None,
        extra: Map::new(),
    };
    if folder.join(id.file_name()).exists() {
        return Err(HubError::internal_msg(format!(
            "question id {id} is taken; ask again"
        )));
    }
    write_atomic(&folder, &id.file_name(), &to_json(&question))
        .map_err(|err| write_error(&folder, err))?;
    Ok(question)
}

/// Answers question `id` of the session, unless it already has an answer (409).
pub fn answer(
    session_folder: &Path,
    session: &SessionId,
    id: &QuestionId,
    answer: &str,
    answered_by: String,
    answered_at: String,
) -> Result<Question, HubError> {
    let _lock = lock_session(session_folder, LOCK_TIMEOUT)
        .map_err(|err| write_error(session_folder, err))?;
    let mut question = read_one(session_folder, session, id)?;
    if !question.is_open() {
        return Err(HubError::AlreadyAnswered(id.as_str().to_owned()));
    }
    question.answer = Some(validate_answer(&question, answer)?);
    question.answered_at = Some(answered_at);
    question.answered_by = Some(answered_by);
    let folder = session_folder.join(QUESTIONS_DIR);
    write_atomic(&folder, &id.file_name(), &to_json(&question))
        .map_err(|err| write_error(&folder, err))?;
    Ok(question)
}

/// One question, read from its file (not the index: a waiting agent wants the disk's word).
pub fn read_one(
    session_folder: &Path,
    session: &SessionId,
    id: &QuestionId,
) -> Result<Question, HubError> {
    let path = session_folder.join(QUESTIONS_DIR).join(id.file_name());
    if !path.is_file() {
        return Err(HubError::NotFound(format!(
            "no question {id} in session {session}"
        )));
    }
    let (bytes, _) = read_capped(&path, MAX_QUESTION_FILE_BYTES)
        .map_err(|err| HubError::Unreadable(super::read::describe(&path, &err)))?;
    Question::parse(&bytes, id.as_str())
        .map_err(|err| HubError::Unreadable(format!("questions/{id}.json: {err}")))
}

fn to_json(question: &Question) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(question).expect("a question always serialises");
    bytes.push(b'\n');
    bytes
}
