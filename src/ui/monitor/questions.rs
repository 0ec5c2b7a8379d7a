//! Agents' questions on the Monitor tab: the "Needs you" region (open questions of every
//! session, newest first) and the detail's list of a session's questions with their answers.
//!
//! An answer form posts to `/sessions/answer` and comes back to the page, so answering works
//! without JavaScript; hydrated, the same form calls the `answer_question` server function and
//! the page refreshes in place.

use super::session_href;
use crate::domain::format::utc_rfc3339_ms;
use crate::domain::question::{Question, SessionQuestion};
use crate::server_fns::sessions::answer_question;
use crate::ui::model::time::relative_time;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The open questions of every session. Nothing is shown while there are none.
#[component]
pub fn NeedsYou(
    #[prop(into)] questions: Signal<Vec<SessionQuestion>>,
    now: RwSignal<i64>,
    on_answered: Callback<()>,
) -> impl IntoView {
    let refused = RwSignal::new(None::<String>);
    view! {
        <AnswerRefused refused />
        <Show when=move || questions.with(|q| !q.is_empty())>
            <section class="needs-you" role="region" aria-labelledby="needs-you-heading">
                <h2 id="needs-you-heading">
                    "Needs you " <span class="count">{move || format!("({})", questions.with(Vec::len))}</span>
                </h2>
                <ul class="questions">
                    <For
                        each=move || questions.get()
                        key=|q| (q.session_id.clone(), q.question.id.clone())
                        let:asked
                    >
                        <OpenQuestion asked now on_answered refused />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn OpenQuestion(
    asked: SessionQuestion,
    now: RwSignal<i64>,
    on_answered: Callback<()>,
    refused: RwSignal<Option<String>>,
) -> impl IntoView {
    let SessionQuestion {
        session_id,
        feature_name,
        question,
    } = asked;
    let asked_ms = utc_rfc3339_ms(&question.asked_at);
    let text_id = format!("question-{}-{}", session_id, question.id);
    view! {
        <li class="question">
            <p class="question__who">
                <a href=session_href(&session_id)>{feature_name}</a>
                " · " <code class="agent-text">{question.agent_id.clone()}</code>
                {asked_ms.map(|ms| view! { " · asked " {move || relative_time(now.get(), ms)} })}
            </p>
            <p class="question__text agent-text" id=text_id.clone()>{question.question.clone()}</p>
            <AnswerForm session=session_id question described_by=text_id on_answered refused />
        </li>
    }
}

/// One button per choice, or a text box named "Answer" and "Send answer".
#[component]
fn AnswerForm(
    session: String,
    question: Question,
    described_by: String,
    on_answered: Callback<()>,
    /// Where a refused answer is said (the question itself may be gone by then).
    refused: RwSignal<Option<String>>,
) -> impl IntoView {
    let location = use_location();
    let return_to = move || {
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        }
    };
    let typed = RwSignal::new(String::new());
    let send = {
        let (session, id) = (session.clone(), question.id.clone());
        move |answer: String| {
            let (session, id) = (session.clone(), id.clone());
            leptos::task::spawn_local(async move {
                match answer_question(session, id, answer).await {
                    Ok(_) => {
                        refused.set(None);
                        typed.set(String::new());
                    }
                    Err(err) => refused.set(Some(err.to_string())),
                }
                // Either way the page shows the question as it now is.
                on_answered.run(());
            });
        }
    };
    let input_id = format!("{described_by}-answer");
    let choices = question.choices.clone();
    let controls = if choices.is_empty() {
        let send = send.clone();
        view! {
            <label for=input_id.clone()>"Answer"</label>
            <input
                id=input_id
                type="text"
                name="answer"
                required
                maxlength="2000"
                autocomplete="off"
                aria-describedby=described_by.clone()
                prop:value=move || typed.get()
                on:input:target=move |ev| typed.set(ev.target().value())
            />
            <button
                type="submit"
                on:click=move |ev| {
                    ev.prevent_default();
                    send(typed.get_untracked());
                }
            >
                "Send answer"
            </button>
        }
        .into_any()
    } else {
        choices
            .into_iter()
            .map(|choice| {
                let send = send.clone();
                let (value, label) = (choice.clone(), choice.clone());
                view! {
                    <button
                        type="submit"
                        name="answer"
                        value=choice
                        aria-describedby=described_by.clone()
                        on:click=move |ev| {
                            ev.prevent_default();
                            send(value.clone());
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <form method="post" action="/sessions/answer" class="question__answer">
            <input type="hidden" name="session" value=session />
            <input type="hidden" name="question" value=question.id.clone() />
            <input type="hidden" name="return_to" value=return_to />
            {controls}
        </form>
    }
}

/// The detail's questions: open ones with their answer form, answered ones with the answer.
#[component]
pub fn SessionQuestions(
    session: String,
    #[prop(into)] questions: Signal<Vec<Question>>,
    now: RwSignal<i64>,
    on_answered: Callback<()>,
) -> impl IntoView {
    let session = StoredValue::new(session);
    let refused = RwSignal::new(None::<String>);
    view! {
        <AnswerRefused refused />
        <Show when=move || questions.with(|q| !q.is_empty())>
            <section aria-labelledby="questions-heading" class="detail-section">
                <h3 id="questions-heading">"Questions"</h3>
                <ul class="questions">
                    <For
                        each=move || questions.get()
                        key=|q| (q.id.clone(), q.answer.clone())
                        let:question
                    >
                        <SessionQuestionItem session=session.get_value() question now on_answered refused />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn SessionQuestionItem(
    session: String,
    question: Question,
    now: RwSignal<i64>,
    on_answered: Callback<()>,
    refused: RwSignal<Option<String>>,
) -> impl IntoView {
    let asked_ms = utc_rfc3339_ms(&question.asked_at);
    let text_id = format!("question-{}-{}", session, question.id);
    let answer = question.answer.clone().map(|answer| {
        let by = question.answered_by.clone().unwrap_or_default();
        view! {
            <p class="question__answered">
                <crate::ui::components::Icon name=crate::ui::components::IconName::Complete />
                "Answered: " <strong class="agent-text">{answer}</strong>
                {(!by.is_empty()).then(|| view! { " " <span class="muted">"by " <span class="agent-text">{by}</span></span> })}
            </p>
        }
    });
    let open = question.is_open();
    view! {
        <li class="question">
            <p class="question__who">
                <code class="agent-text">{question.agent_id.clone()}</code>
                {asked_ms.map(|ms| view! { " · asked " {move || relative_time(now.get(), ms)} })}
            </p>
            <p class="question__text agent-text" id=text_id.clone()>{question.question.clone()}</p>
            {answer}
            {open.then(|| view! { <AnswerForm session question described_by=text_id on_answered refused /> })}
        </li>
    }
}

/// Why the last answer was not recorded: from the server function, or from the query a
/// no-JavaScript post came back with (`answer_error`).
#[component]
fn AnswerRefused(refused: RwSignal<Option<String>>) -> impl IntoView {
    let query = use_query_map();
    let message = move || refused.get().or_else(|| query.read().get("answer_error"));
    move || {
        message().map(|message| {
            view! {
                <p class="notice notice--warn answer-refused" role="alert">
                    <strong>"Your answer was not recorded: "</strong>
                    {message}
                </p>
            }
        })
    }
}
