//! Questions from agents to people: ask, answer (the first answer wins), read, and wait for
//! the answer.

use super::{now_ms, Hub};
use crate::domain::history::Actor;
use crate::domain::ids::SessionId;
use crate::domain::question::{
    answered_by, AnswerRequest, AskRequest, Question, QuestionId, SessionQuestion,
};
use crate::domain::HubError;
use std::time::Duration;
use tokio::time::Instant;

/// The longest one `GET …/questions/<id>?wait=` holds a request open.
pub const MAX_ANSWER_WAIT: Duration = Duration::from_secs(60);

impl Hub {
    /// Questions of every session (or of one), newest first; only the open ones with
    /// `open_only`.
    pub fn questions(&self, session: Option<&SessionId>, open_only: bool) -> Vec<SessionQuestion> {
        self.store().questions(session, open_only)
    }

    /// Records a question from an agent of the session.
    pub async fn ask(
        &self,
        session: SessionId,
        request: AskRequest,
        by: Actor,
    ) -> Result<Question, HubError> {
        self.blocking("asking a question", move |hub| {
            let id = QuestionId::generate(now_ms(), salt());
            hub.store().ask(&session, id, &request, rfc3339_now(), by)
        })
        .await
    }

    /// Answers a question; `who` names the answerer when the request does not.
    pub async fn answer(
        &self,
        session: SessionId,
        question: QuestionId,
        request: AnswerRequest,
        who: &'static str,
        by: Actor,
    ) -> Result<Question, HubError> {
        self.blocking("answering a question", move |hub| {
            let who = answered_by(request.answered_by.as_deref(), who);
            hub.store()
                .answer(&session, &question, &request.answer, who, rfc3339_now(), by)
        })
        .await
    }

    /// The question as its file says now.
    pub async fn question(
        &self,
        session: SessionId,
        question: QuestionId,
    ) -> Result<Question, HubError> {
        self.blocking("reading a question", move |hub| {
            hub.store().question(&session, &question)
        })
        .await
    }

    /// The question once it is answered, or as it is when `timeout` runs out. Woken by every
    /// change the store publishes (an answer through the hub, or the watcher seeing one).
    pub async fn wait_for_answer(
        &self,
        session: SessionId,
        question: QuestionId,
        timeout: Duration,
    ) -> Result<Question, HubError> {
        let deadline = Instant::now() + timeout;
        let mut changes = self.store().subscribe();
        loop {
            changes.borrow_and_update();
            let current = self.question(session.clone(), question.clone()).await?;
            if !current.is_open() {
                return Ok(current);
            }
            // A missed wake-up costs at most this long (a foreign edit the watcher missed).
            let recheck = (Instant::now() + Duration::from_secs(5)).min(deadline);
            match tokio::time::timeout_at(recheck, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Ok(current),
                Err(_) if Instant::now() >= deadline => return Ok(current),
                Err(_) => {}
            }
        }
    }
}

/// Now, as the question files write times.
pub(super) fn rfc3339_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Distinct enough for ids asked in the same millisecond: the clock's nanoseconds, the
/// process and a counter, mixed.
fn salt() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    hasher.finish()
}
