//! The Monitor tab's calls.

#[cfg(feature = "ssr")]
use crate::domain::ids::SessionId;
use crate::domain::lifecycle::{LifecycleAction, Moved};
use crate::domain::monitor::{DetailAnswer, ListAnswer};
use crate::domain::question::Question;
#[cfg(feature = "ssr")]
use crate::domain::question::{AnswerRequest, QuestionId, ANSWERED_IN_THE_HUB};
use crate::domain::HubError;
use leptos::prelude::*;

/// The active sessions, or the archived ones (the "Archived" filter).
#[server(prefix = "/rpc")]
pub async fn list_sessions(archived: bool) -> Result<ListAnswer, HubError> {
    Ok(super::hub().monitor_list(archived))
}

/// Archives, restores or deletes a session from its confirmation dialog (without JavaScript
/// the dialog's form posts to `/sessions/move` instead).
#[server(prefix = "/rpc")]
pub async fn move_session(
    session: String,
    action: LifecycleAction,
    confirm: Option<String>,
) -> Result<Moved, HubError> {
    let session = super::answer(SessionId::parse(&session))?;
    super::answer(
        super::hub()
            .move_session(session, action, confirm, crate::domain::history::Actor::Hub)
            .await,
    )
}

/// The session's timeline, drawn from its history (refetched when the session changes).
#[server(prefix = "/rpc")]
pub async fn get_timeline(session: String) -> Result<crate::domain::timeline::Timeline, HubError> {
    let session = super::answer(SessionId::parse(&session))?;
    super::answer(super::hub().timeline(session).await)
}

#[server(prefix = "/rpc")]
pub async fn get_session(id: String) -> Result<DetailAnswer, HubError> {
    let id = super::answer(SessionId::parse(&id))?;
    super::answer(super::hub().monitor_detail(id).await)
}

/// Re-reads the sessions directory now (the Refresh button), instead of waiting for the next
/// background rescan.
#[server(prefix = "/rpc")]
pub async fn rescan_sessions() -> Result<u64, HubError> {
    super::answer(super::hub().rescan().await)
}

/// Answers an agent's question from the "Needs you" region or the detail (the form posts to
/// `/sessions/answer` instead when the page runs without JavaScript).
#[server(prefix = "/rpc")]
pub async fn answer_question(
    session: String,
    question: String,
    answer: String,
) -> Result<Question, HubError> {
    let session = super::answer(SessionId::parse(&session))?;
    let question = super::answer(QuestionId::parse(&question))?;
    let request = AnswerRequest {
        answer,
        answered_by: None,
    };
    super::answer(
        super::hub()
            .answer(
                session,
                question,
                request,
                ANSWERED_IN_THE_HUB,
                crate::domain::history::Actor::Hub,
            )
            .await,
    )
}
