//! Building the list and detail views of a session from its files.

use super::questions::QuestionsRead;
use super::read::{read_parsed, MAX_METADATA_BYTES};
use super::INSTRUCTIONS_FILE;
use crate::domain::attention::{self, AgentFacts, Assessment, Attention, Staleness};
use crate::domain::instructions::InstructionsFile;
use crate::domain::question::{agents_needing_input, Question};
use crate::domain::session::{CONNECT_COMMAND_FIELD, START_PROMPT_FIELD};
use crate::domain::usage::{Usage, USAGE_FIELD};
use crate::domain::waves::compute_waves;
use crate::domain::{
    AgentRecord, AgentView, CommunicationFile, InstructionsOverview, SessionDetail, SessionStatus,
    SessionSummary,
};
use crate::fsutil::fingerprint::{unix_ms, Fingerprint};
use std::path::Path;

/// A session's list entry, and when its attention changes by itself (see [`assess`]).
pub fn summarise(
    id: &str,
    folder: &Path,
    file: &CommunicationFile,
    fingerprint: &Fingerprint,
    questions: &QuestionsRead,
    clock: Staleness,
) -> (SessionSummary, Option<i64>) {
    let assessment = assess(file, &questions.questions, fingerprint.modified_ms(), clock);
    let (status, status_source) = file.status();
    let mut aggregation = file.aggregation();
    aggregation.needs_input = agents_needing_input(&questions.questions)
        .into_iter()
        .filter(|agent| file.agents.iter().any(|a| a.agent_id == *agent))
        .count();
    let mut warnings = file.warnings();
    warnings.extend(questions.problems.iter().cloned());
    let created_ms = file
        .created()
        .and_then(parse_timestamp_ms)
        .or_else(|| millis_suffix(id))
        .or_else(|| {
            std::fs::metadata(folder)
                .and_then(|m| m.modified())
                .ok()
                .map(unix_ms)
        })
        .unwrap_or(0);
    let summary = SessionSummary {
        id: id.to_owned(),
        workorder_id: file.workorder_id.clone(),
        feature_name: file
            .feature_name
            .clone()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| id.to_owned()),
        description: file.description.clone().unwrap_or_default(),
        status,
        status_source,
        created: file.created().map(str::to_owned),
        created_ms,
        updated_ms: fingerprint.modified_ms(),
        total_agents: aggregation.total,
        completed_agents: aggregation.completed,
        aggregation,
        open_questions: questions.questions.iter().filter(|q| q.is_open()).count(),
        attention: assessment.session,
        version: file.version(),
        warnings,
        stale: false,
        stale_error: None,
        archived: false,
        phase: file
            .phase
            .as_ref()
            .and_then(crate::domain::create::phase_name),
        previous_session: file
            .previous_session
            .clone()
            .filter(|id| !id.trim().is_empty()),
        usage: session_usage(file),
    };
    (summary, assessment.changes_at)
}

/// The agents' usage summed, if any of them reported some.
fn session_usage(file: &CommunicationFile) -> Option<Usage> {
    let reported: Vec<Usage> = file
        .agents
        .iter()
        .filter_map(|agent| Usage::read(agent.extra.get(USAGE_FIELD)))
        .collect();
    (!reported.is_empty()).then(|| Usage::total(&reported))
}

/// Every agent's attention and the session's, as of `clock`.
pub fn assess(
    file: &CommunicationFile,
    questions: &[Question],
    file_modified_ms: i64,
    clock: Staleness,
) -> Assessment {
    let facts = file.agents.iter().map(|agent| {
        // Newest first: the question an agent asked last is the one it waits on.
        let question = questions
            .iter()
            .find(|q| q.is_open() && q.agent_id == agent.agent_id);
        AgentFacts {
            agent_id: &agent.agent_id,
            status: agent.status(),
            needs_input: question.is_some(),
            waiting_for_others: !file.unfinished_dependencies(agent).is_empty(),
            last_activity_ms: agent_activity_ms(agent, file_modified_ms),
            reason: question.map(|q| q.question.as_str()).or(agent.reason()),
        }
    });
    let without_agents = match file.status().0 {
        SessionStatus::Complete => Attention::Complete,
        SessionStatus::InProgress => Attention::Running,
        SessionStatus::NotStarted => Attention::NotStarted,
    };
    attention::assess(facts, without_agents, file_modified_ms, clock)
}

/// The agent's `updated_at`, else the file's modification time.
fn agent_activity_ms(agent: &AgentRecord, file_modified_ms: i64) -> i64 {
    agent
        .updated_at
        .as_deref()
        .and_then(parse_timestamp_ms)
        .unwrap_or(file_modified_ms)
}

pub fn detail(
    folder: &Path,
    file: &CommunicationFile,
    summary: SessionSummary,
    questions: &[Question],
    clock: Staleness,
) -> SessionDetail {
    let needing_input = agents_needing_input(questions);
    let assessment = assess(file, questions, summary.updated_ms, clock);
    let roster: Vec<(String, Vec<String>)> = file
        .agents
        .iter()
        .map(|agent| (agent.agent_id.clone(), agent.dependencies().to_vec()))
        .collect();
    // Waves written in the file win; otherwise they are computed (nothing on a broken graph).
    let computed = compute_waves(&roster).ok();
    let agents = file
        .agents
        .iter()
        .zip(assessment.agents)
        .map(|(agent, attention)| AgentView {
            agent_id: agent.agent_id.clone(),
            role: agent.role.clone(),
            status: agent.status().clone(),
            wave: agent.execution_wave.or_else(|| {
                computed
                    .as_ref()
                    .and_then(|waves| waves.get(&agent.agent_id).copied())
            }),
            depends_on: agent.dependencies().to_vec(),
            outputs: agent.outputs(),
            updated_ms: agent_activity_ms(agent, summary.updated_ms),
            blocked_by: file.unfinished_dependencies(agent),
            status_message: agent.status_message.clone(),
            needs_input: needing_input.contains(&agent.agent_id.as_str()),
            attention,
            notes: agent.notes().map(str::to_owned),
            output_ready: false,
            start_prompt: agent.extra_text(START_PROMPT_FIELD),
            connect_command: agent.extra_text(CONNECT_COMMAND_FIELD),
            usage: Usage::read(agent.extra.get(USAGE_FIELD)),
        })
        .collect();
    SessionDetail {
        orchestrator: file.orchestrator.clone(),
        agents,
        instructions: instructions_overview(folder),
        questions: questions.to_vec(),
        phases: Default::default(),
        summary,
    }
}

fn instructions_overview(folder: &Path) -> Option<InstructionsOverview> {
    let path = folder.join(INSTRUCTIONS_FILE);
    if !path.exists() {
        return None;
    }
    Some(
        match read_parsed(&path, MAX_METADATA_BYTES, InstructionsFile::parse) {
            Ok((file, _)) => InstructionsOverview {
                total_blocks: file.total_blocks,
                by_type: file.types_summary.pairs(),
                blocks: file.blocks,
                error: None,
            },
            Err(error) => InstructionsOverview {
                total_blocks: 0,
                by_type: Vec::new(),
                blocks: Vec::new(),
                error: Some(error),
            },
        },
    )
}

/// RFC 3339, or a date-time without offset (taken as UTC), or a bare date.
pub fn parse_timestamp_ms(raw: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let raw = raw.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Some(time.timestamp_millis());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(time.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc().timestamp_millis())
}

/// Ids the hub generates end in `-{unix millis}` (optionally `-N` after a collision).
fn millis_suffix(id: &str) -> Option<i64> {
    id.rsplit('-')
        .take(2)
        .find(|part| part.len() == 13 && part.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_shapes_agents_write() {
        assert_eq!(parse_timestamp_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_timestamp_ms("1970-01-01T01:00:01+01:00"), Some(1000));
        assert_eq!(parse_timestamp_ms("1970-01-01T00:00:01.5"), Some(1500));
        assert_eq!(parse_timestamp_ms("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_timestamp_ms("yesterday"), None);
    }

    #[test]
    fn generated_ids_carry_their_creation_time() {
        assert_eq!(
            millis_suffix("STUB-082-1704729600000"),
            Some(1_704_729_600_000)
        );
        assert_eq!(
            millis_suffix("STUB-082-1704729600000-2"),
            Some(1_704_729_600_000)
        );
        assert_eq!(millis_suffix("hand-made"), None);
    }
}
