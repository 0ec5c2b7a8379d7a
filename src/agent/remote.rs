//! The agent commands against a running hub: its HTTP API, blocking (each command is one short
//! conversation). Waits ride the hub's own push channels, the event stream (`/api/events`) for
//! agents and the answer long-poll for questions, and outlast a hub restart: a dropped
//! connection is retried until the wait's deadline.

use super::Failure;
use crate::domain::assignment::Assignment;
use crate::domain::format::encode_query_value as encode;
use crate::domain::history::Actor;
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::lifecycle::{LifecycleAction, Moved};
use crate::domain::monitor::{StatusChange, StatusUpdate, UsageUpdate};
use crate::domain::output::OutputPreview;
use crate::domain::question::{AnswerRequest, AskRequest, Question, QuestionId};
use crate::domain::session::SessionList;
use crate::domain::usage::UsageReport;
use crate::domain::waiting::{awaited_agents, progress, Awaited, Progress};
use crate::domain::SessionDetail;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};
use ureq::http::Response;
use ureq::Body;

/// How long one request may take, long-polls and event streams aside.
/// The header that names the client to the hub's history.
const CLIENT_HEADER: &str = "x-hub-client";

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// One long-poll or event-stream request lasts at most this long, then it is made again.
const HOLD: Duration = Duration::from_secs(55);
/// Between attempts to reach a hub that is down (restarting, say).
const RETRY_AFTER: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
    /// Sent as `X-Hub-Client`, so the hub's history names the tool.
    by: Actor,
}

impl Client {
    pub fn new(url: &str, token: Option<String>) -> Result<Self, Failure> {
        let base = url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Failure {
                code: super::EXIT_USAGE,
                message: format!("--hub-url {url:?}: expected http://host:port or https://…"),
            });
        }
        let agent = ureq::Agent::config_builder()
            // Error answers carry the hub's message as JSON: read them, not just the status.
            .http_status_as_error(false)
            .build()
            .new_agent();
        Ok(Self {
            base,
            token: token.filter(|token| !token.is_empty()),
            agent,
            by: Actor::Api,
        })
    }

    /// The same client, named `by` in the hub's history (`cli` or `mcp`).
    pub fn acting_as(mut self, by: Actor) -> Self {
        self.by = by;
        self
    }

    pub fn list(&self) -> Result<SessionList, Failure> {
        let url = format!("{}/api/sessions", self.base);
        self.json(self.get(&url, REQUEST_TIMEOUT))
    }

    pub fn assignment(&self, session: &SessionId, agent: &AgentId) -> Result<Assignment, Failure> {
        let url = format!(
            "{}/api/sessions/{}/agents/{}/assignment",
            self.base,
            encode(session.as_str()),
            encode(agent.as_str())
        );
        self.json(self.get(&url, REQUEST_TIMEOUT))
    }

    pub fn output(
        &self,
        session: &SessionId,
        agent: &AgentId,
        path: Option<&str>,
    ) -> Result<OutputPreview, Failure> {
        let mut url = format!(
            "{}/api/sessions/output?feature={}&agent={}",
            self.base,
            encode(session.as_str()),
            encode(agent.as_str())
        );
        if let Some(path) = path {
            url.push_str(&format!("&path={}", encode(path)));
        }
        self.json(self.get(&url, REQUEST_TIMEOUT))
    }

    pub fn detail(&self, session: &SessionId) -> Result<SessionDetail, Failure> {
        #[derive(Deserialize)]
        struct Answer {
            session: SessionDetail,
        }
        let url = format!("{}/api/sessions?id={}", self.base, encode(session.as_str()));
        let answer: Answer = self.json(self.get(&url, REQUEST_TIMEOUT))?;
        Ok(answer.session)
    }

    pub fn set_status(
        &self,
        session: &SessionId,
        agent: &AgentId,
        change: &StatusChange,
    ) -> Result<StatusUpdate, Failure> {
        let url = format!(
            "{}/api/sessions/{}/agents/{}/status",
            self.base,
            encode(session.as_str()),
            encode(agent.as_str())
        );
        self.json(self.post(&url, change))
    }

    pub fn add_usage(
        &self,
        session: &SessionId,
        agent: &AgentId,
        report: &UsageReport,
    ) -> Result<UsageUpdate, Failure> {
        let url = format!(
            "{}/api/sessions/{}/agents/{}/usage",
            self.base,
            encode(session.as_str()),
            encode(agent.as_str())
        );
        self.json(self.post(&url, report))
    }

    pub fn move_session(
        &self,
        session: &SessionId,
        action: LifecycleAction,
    ) -> Result<Moved, Failure> {
        let session_url = format!("{}/api/sessions/{}", self.base, encode(session.as_str()));
        let response = match action {
            LifecycleAction::Delete => self.delete(&session_url),
            LifecycleAction::Archive | LifecycleAction::Restore => self.post(
                &format!("{session_url}/{}", action.slug()),
                &serde_json::json!({}),
            ),
        };
        self.json(response)
    }

    pub fn ask(&self, session: &SessionId, request: &AskRequest) -> Result<Question, Failure> {
        let url = format!(
            "{}/api/sessions/{}/questions",
            self.base,
            encode(session.as_str())
        );
        Ok(self
            .json::<QuestionAnswer>(self.post(&url, request))?
            .question)
    }

    pub fn respond(
        &self,
        session: &SessionId,
        question: &QuestionId,
        request: &AnswerRequest,
    ) -> Result<Question, Failure> {
        let url = format!(
            "{}/api/sessions/{}/questions/{}/answer",
            self.base,
            encode(session.as_str()),
            question
        );
        Ok(self
            .json::<QuestionAnswer>(self.post(&url, request))?
            .question)
    }

    /// The question; with `wait`, once it is answered or the timeout (none: never) runs out.
    pub fn wait_for_answer(
        &self,
        session: &SessionId,
        question: &QuestionId,
        wait: Option<Option<Duration>>,
    ) -> Result<Question, Failure> {
        let url = format!(
            "{}/api/sessions/{}/questions/{}",
            self.base,
            encode(session.as_str()),
            question
        );
        let Some(timeout) = wait else {
            return Ok(self
                .json::<QuestionAnswer>(self.get(&url, REQUEST_TIMEOUT))?
                .question);
        };
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        loop {
            let hold = remaining(deadline).map_or(HOLD, |left| left.min(HOLD));
            let poll = format!("{url}?wait={}ms", hold.as_millis().max(1));
            match self.get(&poll, hold + REQUEST_TIMEOUT) {
                Ok(response) => {
                    let question = self.json::<QuestionAnswer>(Ok(response))?.question;
                    if !question.is_open() || expired(deadline) {
                        return Ok(question);
                    }
                }
                // The hub is down or restarting: the question is on its disk, try again.
                Err(err) if err.code == 1 && !expired(deadline) => std::thread::sleep(RETRY_AFTER),
                Err(err) => return Err(err),
            }
        }
    }

    /// Until the awaited agents are complete, one is blocked, or the timeout runs out. Keeps
    /// one event stream open and re-reads the session on each event; a stream that ends (the
    /// hold ran out, the hub restarted) is opened again where it left off (`Last-Event-ID`).
    pub fn wait_for_agents(
        &self,
        session: &SessionId,
        awaited: &Awaited,
        timeout: Option<Duration>,
    ) -> Result<Progress, Failure> {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let check = || -> Result<Progress, Failure> {
            let detail = self.detail(session)?;
            Ok(progress(&detail, &awaited_agents(&detail, awaited)?))
        };
        let settled =
            |now: &Progress| !matches!(now, Progress::Pending { .. }) || expired(deadline);
        let mut last_event: Option<String> = None;
        loop {
            // Listening before reading the session: a change in between still wakes us.
            let hold = remaining(deadline).map_or(HOLD, |left| left.min(HOLD));
            let events = self.events(hold, last_event.as_deref());
            let now = match check() {
                Ok(now) => now,
                Err(err) if err.code == 1 && !expired(deadline) => {
                    std::thread::sleep(RETRY_AFTER);
                    continue;
                }
                Err(err) => return Err(err),
            };
            if settled(&now) {
                return Ok(now);
            }
            match events {
                Ok(response) if response.status().is_success() => {
                    let reader = BufReader::new(response.into_body().into_reader());
                    for line in reader.lines() {
                        let Ok(line) = line else { break };
                        if let Some(id) = line.strip_prefix("id:") {
                            last_event = Some(id.trim().to_owned());
                        } else if line.starts_with("data:") {
                            let now = check()?;
                            if settled(&now) {
                                return Ok(now);
                            }
                        }
                    }
                }
                Ok(response) => return Err(self.failure(response)),
                Err(err) if err.code == 1 => std::thread::sleep(RETRY_AFTER),
                Err(err) => return Err(err),
            }
            if expired(deadline) {
                return check();
            }
        }
    }

    /// `GET /api/events`, resumed after `last_event` when there was one.
    fn events(&self, hold: Duration, last_event: Option<&str>) -> Result<Response<Body>, Failure> {
        let mut request = self
            .agent
            .get(format!("{}/api/events", self.base))
            .config()
            .timeout_global(Some(hold))
            .build();
        request = request.header(CLIENT_HEADER, self.by.as_str());
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(id) = last_event {
            request = request.header("Last-Event-ID", id);
        }
        request.call().map_err(|err| self.unreachable(err))
    }

    fn get(&self, url: &str, timeout: Duration) -> Result<Response<Body>, Failure> {
        let mut request = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(timeout))
            .build();
        request = request.header(CLIENT_HEADER, self.by.as_str());
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        request.call().map_err(|err| self.unreachable(err))
    }

    fn delete(&self, url: &str) -> Result<Response<Body>, Failure> {
        let mut request = self
            .agent
            .delete(url)
            .config()
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build();
        request = request.header(CLIENT_HEADER, self.by.as_str());
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        request.call().map_err(|err| self.unreachable(err))
    }

    fn post(&self, url: &str, body: &impl serde::Serialize) -> Result<Response<Body>, Failure> {
        let mut request = self
            .agent
            .post(url)
            .config()
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build();
        request = request.header(CLIENT_HEADER, self.by.as_str());
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        request.send_json(body).map_err(|err| self.unreachable(err))
    }

    fn json<T: DeserializeOwned>(
        &self,
        response: Result<Response<Body>, Failure>,
    ) -> Result<T, Failure> {
        let mut response = response?;
        if !response.status().is_success() {
            return Err(self.failure(response));
        }
        response.body_mut().read_json::<T>().map_err(|err| Failure {
            code: 1,
            message: format!(
                "the hub at {} answered something unexpected: {err}",
                self.base
            ),
        })
    }

    /// The hub's own error message, with the exit code its status stands for.
    fn failure(&self, mut response: Response<Body>) -> Failure {
        #[derive(Deserialize)]
        struct ErrorBody {
            error: String,
        }
        let status = response.status().as_u16();
        let message = response
            .body_mut()
            .read_json::<ErrorBody>()
            .map(|body| body.error)
            .unwrap_or_else(|_| format!("the hub at {} answered {status}", self.base));
        let message = if status == 401 {
            format!("{message} (pass the hub's token with --token or HUB_TOKEN)")
        } else {
            message
        };
        Failure::from_status(status, message)
    }

    fn unreachable(&self, err: ureq::Error) -> Failure {
        Failure {
            code: 1,
            message: format!("cannot reach the hub at {}: {err}", self.base),
        }
    }
}

#[derive(Deserialize)]
struct QuestionAnswer {
    question: Question,
}

fn remaining(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|deadline| {
        deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    })
}

fn expired(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_url_must_be_http() {
        assert!(Client::new("http://127.0.0.1:3000/", None).is_ok());
        let err = Client::new("127.0.0.1:3000", None).err().unwrap();
        assert_eq!(err.code, super::super::EXIT_USAGE);
    }
}
