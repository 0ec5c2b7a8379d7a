//! Listing and reading sessions, and the one write agents make: a status update.

use super::{now_ms, Hub};
use crate::domain::assignment::{assignment, prompt_file, Assignment, Prompt, MAX_PROMPT_BYTES};
use crate::domain::history::Actor;
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::monitor::{ChangeDetection, DetailAnswer, ListAnswer, MonitorSettings};
use crate::domain::monitor::{StatusChange, StatusUpdate, UsageUpdate};
use crate::domain::session::{PhaseChain, PhaseLink};
use crate::domain::usage::UsageReport;
use crate::domain::{HubError, SessionList};
use crate::store::ListSnapshot;
use std::sync::Arc;

impl Hub {
    /// The list as of the current generation (its JSON rendered once and shared).
    pub fn list(&self) -> Arc<ListSnapshot> {
        self.store().list()
    }

    /// The list for the Monitor tab: the active sessions, or with `archived` the archived ones.
    pub fn monitor_list(&self, archived: bool) -> ListAnswer {
        let list = if archived {
            SessionList::clone(&self.archived_list())
        } else {
            self.list().list.clone()
        };
        ListAnswer {
            list,
            questions: self.questions(None, true),
            now_ms: now_ms(),
            settings: self.monitor_settings(),
            detection: self.change_detection(),
        }
    }

    /// One session in full, with which agents have written an output file yet.
    pub async fn detail(&self, id: SessionId) -> Result<crate::domain::SessionDetail, HubError> {
        self.blocking("reading a session", move |hub| {
            let mut detail = hub.store().detail(&id)?;
            detail.phases = hub.phase_chain(&detail.summary);
            let folder = hub.store().folder(&id)?;
            let roots = &hub.config().allow_output_roots;
            for agent in &mut detail.agents {
                agent.output_ready = agent.outputs.iter().any(|path| {
                    matches!(
                        crate::store::output::open_output(&folder, path, roots),
                        Ok(Some(_))
                    )
                });
            }
            Ok(detail)
        })
        .await
    }

    /// The sessions before and after `session` in its feature's phases, active or archived.
    fn phase_chain(&self, session: &crate::domain::SessionSummary) -> PhaseChain {
        let active = self.list();
        let archived = self.archived_list();
        let all = || active.list.sessions.iter().chain(archived.sessions.iter());
        let previous = session
            .previous_session
            .as_deref()
            .and_then(|previous| all().find(|s| s.id == previous))
            .map(PhaseLink::of);
        let mut next: Vec<&crate::domain::SessionSummary> = all()
            .filter(|s| s.previous_session.as_deref() == Some(session.id.as_str()))
            .collect();
        next.sort_by(|a, b| {
            a.created_ms
                .cmp(&b.created_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        PhaseChain {
            previous,
            next: next.into_iter().map(PhaseLink::of).collect(),
        }
    }

    /// What one agent is to do: its prompt, role, instructions, its dependencies' statuses and
    /// where its output goes (the MCP tool `get_assignment`).
    pub async fn assignment(&self, id: SessionId, agent: AgentId) -> Result<Assignment, HubError> {
        let detail = self.detail(id.clone()).await?;
        self.blocking("reading an assignment", move |hub| {
            let folder = hub.store().folder(&id)?;
            let number = hub
                .store()
                .communication(&id)?
                .agents
                .iter()
                .enumerate()
                .find(|(_, record)| record.agent_id == agent.as_str())
                .map(|(at, record)| record.agent_number.unwrap_or(at as u32 + 1));
            let prompt = number.and_then(|n| read_prompt(&folder, &prompt_file(n)));
            let folder = std::path::absolute(&folder).unwrap_or(folder);
            assignment(
                &detail,
                agent.as_str(),
                folder.display().to_string(),
                prompt,
            )
        })
        .await
    }

    /// One session for the Monitor tab.
    pub async fn monitor_detail(&self, id: SessionId) -> Result<DetailAnswer, HubError> {
        let generation = self.store().generation();
        let session = self.detail(id).await?;
        Ok(DetailAnswer {
            session,
            open_questions: self.questions(None, true).len(),
            generation,
            now_ms: now_ms(),
            settings: self.monitor_settings(),
            detection: self.change_detection(),
        })
    }

    /// Sets an agent's status under the session's lock; with `expected_version`, refuses
    /// (409) unless nobody wrote since that version.
    pub async fn set_status(
        &self,
        id: SessionId,
        agent: AgentId,
        change: StatusChange,
        by: Actor,
    ) -> Result<StatusUpdate, HubError> {
        self.blocking("updating a status", move |hub| {
            hub.store().change_agent_status(&id, &agent, &change, by)
        })
        .await
    }

    /// Adds an agent's reported usage (tokens, dollars) under the session's lock.
    pub async fn add_usage(
        &self,
        id: SessionId,
        agent: AgentId,
        report: UsageReport,
        by: Actor,
    ) -> Result<UsageUpdate, HubError> {
        let usage = report.checked()?;
        self.blocking("adding usage", move |hub| {
            hub.store().add_usage(&id, &agent, usage, by)
        })
        .await
    }

    /// Re-reads the sessions folder now (instead of at the next background rescan); answers
    /// the generation after it.
    pub async fn rescan(&self) -> Result<u64, HubError> {
        self.blocking("rescanning the sessions folder", |hub| {
            hub.store()
                .refresh()
                .map_err(|err| HubError::internal("cannot rescan the sessions folder", err))?;
            Ok(hub.store().generation())
        })
        .await
    }

    /// Changes whenever anything in the list or a detail changed.
    pub fn generation(&self) -> u64 {
        self.store().generation()
    }

    fn monitor_settings(&self) -> MonitorSettings {
        MonitorSettings {
            poll_interval_ms: self.config().poll_interval.as_millis() as u64,
            stale_after_ms: self.config().stale_after.as_millis() as u64,
            trash_days: self.trash_days(),
        }
    }

    fn change_detection(&self) -> ChangeDetection {
        let health = self.watch_health();
        ChangeDetection {
            mode: health.mode.to_owned(),
            degraded: health.degraded,
            detail: health.detail,
        }
    }
}

/// An agent's generated prompt, if the session has that file (beneath its folder, capped).
fn read_prompt(folder: &std::path::Path, file: &str) -> Option<Prompt> {
    let (opened, size) = crate::fsutil::beneath::open_beneath(folder, file.as_ref()).ok()??;
    let read = crate::fsutil::read::read_prefix(&opened, size, MAX_PROMPT_BYTES).ok()?;
    let mut text = String::from_utf8_lossy(&read.bytes).into_owned();
    if read.truncated {
        text.push_str("\n\n[The prompt goes on; read the rest from the file.]\n");
    }
    Some(Prompt {
        file: file.to_owned(),
        text,
    })
}
