//! Form posts for pages running without JavaScript. With JavaScript the same forms call the
//! server functions instead; both end in the same use case.

use super::AppState;
use crate::domain::format::encode_query_value;
use crate::domain::ids::SessionId;
use crate::domain::lifecycle::LifecycleAction;
use crate::domain::question::{AnswerRequest, QuestionId, ANSWERED_IN_THE_HUB};
use crate::domain::HubError;
use axum::extract::State;
use axum::response::Redirect;
use axum::Form;
use serde::Deserialize;

/// Where a form sends the browser back to when it names no page (or one outside the hub).
const MONITOR: &str = "/sessions?tab=monitor";

#[derive(Deserialize)]
pub struct AnswerForm {
    session: String,
    question: String,
    #[serde(default)]
    answer: String,
    /// The page the form is on.
    return_to: Option<String>,
}

/// `POST /sessions/answer`: answers a question, then back to the page (303), with the reason
/// in the query (`answer_error`) when the answer was refused.
pub async fn answer(State(state): State<AppState>, Form(form): Form<AnswerForm>) -> Redirect {
    let back = form
        .return_to
        .as_deref()
        .filter(|to| to.starts_with("/sessions") && !to.starts_with("//"))
        .unwrap_or(MONITOR);
    // A refusal of an earlier post is not carried along.
    let back = back
        .split("&answer_error=")
        .next()
        .unwrap_or(back)
        .to_owned();
    let answered = async {
        let session = SessionId::parse(&form.session)?;
        let question = QuestionId::parse(&form.question)?;
        let request = AnswerRequest {
            answer: form.answer,
            answered_by: None,
        };
        state
            .hub
            .answer(
                session,
                question,
                request,
                ANSWERED_IN_THE_HUB,
                crate::domain::history::Actor::Hub,
            )
            .await
    }
    .await;
    match answered {
        Ok(_) => Redirect::to(&back),
        Err(err) => Redirect::to(&refused(&back, &err)),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    session: String,
    action: String,
    /// The id typed into the delete dialog.
    confirm: Option<String>,
}

/// `POST /sessions/move`: the confirmation dialog's Archive, Restore or Delete. Back to the
/// session (archive, restore) or to the archived sessions (delete), 303; a refusal goes back
/// to the dialog with the reason (`move_error`).
pub async fn move_session(State(state): State<AppState>, Form(form): Form<MoveForm>) -> Redirect {
    let session = encode_query_value(&form.session);
    let detail = format!("{MONITOR}&session={session}");
    let moved = async {
        let id = SessionId::parse(&form.session)?;
        let action = LifecycleAction::parse(&form.action)
            .ok_or_else(|| HubError::Invalid(format!("no such action {:?}", form.action)))?;
        state
            .hub
            .move_session(id, action, form.confirm, crate::domain::history::Actor::Hub)
            .await
    }
    .await;
    match moved {
        Ok(moved) if moved.deleted => Redirect::to(&format!("{MONITOR}&status=archived")),
        Ok(_) => Redirect::to(&detail),
        Err(err) => Redirect::to(&format!(
            "{detail}&confirm={}&move_error={}",
            encode_query_value(&form.action),
            encode_query_value(&err.to_string())
        )),
    }
}

#[derive(Deserialize)]
pub struct StartForm {
    /// The stub's folder under the stubs directory.
    stub: String,
}

/// `POST /sessions/start`: "Start Session" on a stub. On to the new session's page (303), or
/// back to the Create tab with the reason (`start_error`).
pub async fn start_session(State(state): State<AppState>, Form(form): Form<StartForm>) -> Redirect {
    match state
        .hub
        .start_from_stub(form.stub, crate::domain::history::Actor::Hub)
        .await
    {
        Ok(generated) => Redirect::to(&format!(
            "{MONITOR}&session={}",
            encode_query_value(&generated.session_id)
        )),
        Err(err) => Redirect::to(&format!(
            "/sessions?tab=create&start_error={}",
            encode_query_value(&err.to_string())
        )),
    }
}

fn refused(back: &str, err: &HubError) -> String {
    let separator = if back.contains('?') { '&' } else { '?' };
    format!(
        "{back}{separator}answer_error={}",
        encode_query_value(&err.to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_carried_back_in_the_query() {
        let err = HubError::AlreadyAnswered("q-1".into());
        assert_eq!(
            refused("/sessions?tab=monitor", &err),
            "/sessions?tab=monitor&answer_error=question%20q-1%20was%20already%20answered"
        );
    }
}
