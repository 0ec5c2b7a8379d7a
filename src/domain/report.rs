//! `report.md`: a session told in Markdown (summary, agents, waves, questions, history,
//! outputs) for people who were not watching. Pure: the service reads the files, this writes the text.
//! Everything agents wrote goes through `untrusted`, so the report renders as what they typed
//! and nothing they typed can become a link, an image, raw HTML or a heading.

use super::history::{EventKind, HistoryEvent};
use super::untrusted::{markdown_code, markdown_fenced, markdown_line, markdown_paragraphs};
use super::usage::Usage;
use super::{AgentStatus, SessionDetail};
use std::fmt::Write;

/// Each output file is quoted up to this many bytes (the zip has them whole).
pub const MAX_REPORTED_OUTPUT_BYTES: usize = 64 << 10;

/// The history table lists at most this many events, the latest (the API has them all).
pub const MAX_REPORTED_EVENTS: usize = 500;

/// What the report says about one output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputText {
    /// Not written yet.
    Missing,
    /// Its first bytes (lossy UTF-8) and whether there is more.
    Text {
        text: String,
        size: u64,
        truncated: bool,
    },
    /// Refused (outside the session folder) or unreadable: the reason.
    Unavailable(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedOutput {
    pub agent_id: String,
    pub path: String,
    pub text: OutputText,
}

/// The report of `detail`, with its `history` (oldest first) and its `outputs`.
pub fn render_report(
    detail: &SessionDetail,
    history: &[HistoryEvent],
    outputs: &[ReportedOutput],
    generated_at: &str,
) -> String {
    let s = &detail.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", markdown_line(&s.feature_name));
    let _ = writeln!(
        out,
        "Session report for {}, written by the Sessions Hub at {}.\n",
        markdown_code(&s.id),
        markdown_line(generated_at)
    );

    out.push_str("## Summary\n\n");
    let _ = writeln!(out, "- Status: {}", s.status.label());
    let _ = writeln!(
        out,
        "- Agents: {} of {} complete, {} in progress, {} blocked, {} not started",
        s.aggregation.completed,
        s.aggregation.total,
        s.aggregation.in_progress,
        s.aggregation.blocked,
        s.aggregation.not_started
    );
    if let Some(created) = &s.created {
        let _ = writeln!(out, "- Created: {}", markdown_line(created));
    }
    if let Some(workorder) = &s.workorder_id {
        let _ = writeln!(out, "- Work order: {}", markdown_line(workorder));
    }
    if s.archived {
        out.push_str("- Archived\n");
    }
    let open = detail.questions.iter().filter(|q| q.is_open()).count();
    let _ = writeln!(
        out,
        "- Questions: {} asked, {open} open",
        detail.questions.len()
    );
    let used: Vec<(&str, Usage)> = detail
        .agents
        .iter()
        .filter_map(|agent| Some((agent.agent_id.as_str(), agent.usage?)))
        .filter(|(_, usage)| !usage.is_zero())
        .collect();
    if !used.is_empty() {
        let total = Usage::total(used.iter().map(|(_, usage)| usage));
        let _ = writeln!(out, "- Usage: {}", total.summary());
        for (agent, usage) in &used {
            let _ = writeln!(out, "  - {}: {}", markdown_line(agent), usage.summary());
        }
    }
    if !s.description.trim().is_empty() {
        let _ = write!(out, "\n{}\n", markdown_paragraphs(&s.description));
    }

    out.push_str("\n## Agents\n\n");
    if detail.agents.is_empty() {
        out.push_str("No agents.\n");
    } else {
        out.push_str("| Agent | Role | Status | Wave | Depends on | Last message |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for agent in &detail.agents {
            let message = agent
                .status_message
                .as_deref()
                .or(agent.notes.as_deref())
                .unwrap_or("");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                markdown_line(&agent.agent_id),
                markdown_line(agent.role.as_deref().unwrap_or("")),
                status_cell(&agent.status),
                agent.wave.map(|w| w.to_string()).unwrap_or_default(),
                markdown_line(&agent.depends_on.join(", ")),
                markdown_line(message),
            );
        }
    }

    out.push_str("\n## Waves\n\n");
    let mut waves: Vec<(u32, Vec<&str>)> = Vec::new();
    for agent in &detail.agents {
        let wave = agent.wave.unwrap_or(0);
        match waves.iter_mut().find(|(w, _)| *w == wave) {
            Some((_, agents)) => agents.push(&agent.agent_id),
            None => waves.push((wave, vec![&agent.agent_id])),
        }
    }
    waves.sort_by_key(|(wave, _)| *wave);
    if waves.is_empty() {
        out.push_str("No waves.\n");
    }
    for (wave, agents) in waves {
        let names: Vec<String> = agents.iter().map(|a| markdown_line(a)).collect();
        let label = if wave == 0 {
            "Unplaced".to_owned()
        } else {
            format!("Wave {wave}")
        };
        let _ = writeln!(out, "- {label}: {}", names.join(", "));
    }

    out.push_str("\n## Questions\n\n");
    if detail.questions.is_empty() {
        out.push_str("No questions were asked.\n");
    }
    // Oldest first: a report reads as a story.
    for question in detail.questions.iter().rev() {
        let _ = writeln!(
            out,
            "### {} asked at {}\n\n{}\n",
            markdown_line(&question.agent_id),
            markdown_line(&question.asked_at),
            markdown_paragraphs(&question.question)
        );
        match &question.answer {
            Some(answer) => {
                let by = question.answered_by.as_deref().unwrap_or("someone");
                let _ = writeln!(
                    out,
                    "Answered by {}: {}\n",
                    markdown_line(by),
                    markdown_line(answer)
                );
            }
            None => out.push_str("Not answered yet.\n\n"),
        }
    }

    render_history(&mut out, history);

    out.push_str("## Outputs\n\n");
    if outputs.is_empty() {
        out.push_str("No agent names an output file.\n");
    }
    for output in outputs {
        let _ = writeln!(
            out,
            "### {}: {}\n",
            markdown_line(&output.agent_id),
            markdown_line(&output.path)
        );
        match &output.text {
            OutputText::Missing => out.push_str("Not written yet.\n\n"),
            OutputText::Unavailable(reason) => {
                let _ = writeln!(out, "Not included: {}\n", markdown_line(reason));
            }
            OutputText::Text {
                text,
                size,
                truncated,
            } => {
                let _ = writeln!(out, "{}\n", markdown_fenced(text, language(&output.path)));
                if *truncated {
                    let _ = writeln!(
                        out,
                        "The first {} KiB of {} bytes; the session's zip has the whole file.\n",
                        MAX_REPORTED_OUTPUT_BYTES >> 10,
                        size
                    );
                }
            }
        }
    }
    out
}

/// The history as a table, oldest first; a long one keeps its latest events.
fn render_history(out: &mut String, history: &[HistoryEvent]) {
    out.push_str("## History\n\n");
    let shown: Vec<&HistoryEvent> = history.iter().filter(|e| e.is_shown()).collect();
    if shown.is_empty() {
        out.push_str("Nothing was recorded.\n\n");
        return;
    }
    let skipped = shown.len().saturating_sub(MAX_REPORTED_EVENTS);
    if skipped > 0 {
        let _ = writeln!(
            out,
            "The latest {MAX_REPORTED_EVENTS} of {} events; the history API has them all.\n",
            shown.len()
        );
    }
    out.push_str("| When (UTC) | Agent | What | By |\n| --- | --- | --- | --- |\n");
    for event in &shown[skipped..] {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            markdown_line(&event.at.replacen('T', " ", 1)),
            markdown_line(event.agent.as_deref().unwrap_or("")),
            markdown_line(&what_happened(event)),
            event.by.as_str()
        );
    }
    out.push('\n');
}

/// "in progress → blocked: needs a key", "asked: Which index?".
fn what_happened(event: &HistoryEvent) -> String {
    let words = |status: Option<&str>| status.unwrap_or("none").replace('_', " ");
    let what = match event.kind {
        EventKind::Status | EventKind::SessionStatus => {
            let change = match &event.from {
                Some(_) => format!(
                    "{} → {}",
                    words(event.from.as_deref()),
                    words(event.to.as_deref())
                ),
                None => words(event.to.as_deref()),
            };
            if event.kind == EventKind::SessionStatus {
                format!("session {change}")
            } else {
                change
            }
        }
        EventKind::QuestionAsked => "asked".to_owned(),
        EventKind::QuestionAnswered => "answered".to_owned(),
        kind => kind.label().to_lowercase(),
    };
    match event.message.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(message) => format!("{what}: {message}"),
        None => what,
    }
}

fn status_cell(status: &AgentStatus) -> String {
    markdown_line(&status.label())
}

/// The fence's language, from the hub's reading of the extension (never the author's text).
fn language(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("md" | "markdown") => "markdown",
        Some("json") => "json",
        Some("rs") => "rust",
        Some("ts") => "typescript",
        Some("py") => "python",
        _ => "text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::Actor;
    use crate::domain::question::Question;
    use crate::domain::{AgentView, SessionSummary};

    fn detail() -> SessionDetail {
        let agent = |id: &str, status, wave, message: Option<&str>| AgentView {
            agent_id: id.into(),
            role: Some("Back end | API".into()),
            status,
            wave: Some(wave),
            status_message: message.map(str::to_owned),
            ..AgentView::default()
        };
        SessionDetail {
            summary: SessionSummary {
                id: "s-1".into(),
                feature_name: "# Evil <script>alert(1)</script>".into(),
                description: "Line one\n# not a heading\n[link](javascript:x)".into(),
                ..SessionSummary::default()
            },
            orchestrator: None,
            agents: vec![
                AgentView {
                    usage: Some(Usage {
                        input_tokens: 3000,
                        output_tokens: 0,
                        cost_usd: 0.3,
                    }),
                    ..agent(
                        "api",
                        AgentStatus::Complete,
                        1,
                        Some("done | ![x](http://t/)"),
                    )
                },
                agent("ui", AgentStatus::InProgress, 2, None),
            ],
            instructions: None,
            phases: Default::default(),
            questions: vec![Question {
                id: "q-1".into(),
                agent_id: "ui".into(),
                question: "Use <b>tabs</b>?".into(),
                choices: vec![],
                asked_at: "2026-12-01T10:00:00Z".into(),
                answer: Some("yes".into()),
                answered_at: None,
                answered_by: Some("ana".into()),
                extra: Default::default(),
            }],
        }
    }

    #[test]
    fn the_report_has_every_section_and_agent_text_stays_text() {
        let outputs = [
            ReportedOutput {
                agent_id: "api".into(),
                path: "outputs/api.md".into(),
                text: OutputText::Text {
                    text: "# Done\n```\nfenced\n```\n".into(),
                    size: 24,
                    truncated: false,
                },
            },
            ReportedOutput {
                agent_id: "ui".into(),
                path: "outputs/ui.md".into(),
                text: OutputText::Missing,
            },
        ];
        let history = [
            HistoryEvent::status(
                "api",
                Some("in_progress"),
                "blocked",
                "2026-12-01T10:00:00.000Z",
                Actor::Cli,
            )
            .with_message(Some("needs | a ![key](http://t/)")),
            HistoryEvent {
                agent: Some("ui".into()),
                ..HistoryEvent::new(EventKind::Usage, "2026-12-01T10:01:00.000Z", Actor::Mcp)
                    .with_message(Some("1,000 in · 0 out · $0.10"))
            },
        ];
        let report = render_report(&detail(), &history, &outputs, "2026-12-02T00:00:00Z");
        for section in [
            "## Summary",
            "## Agents",
            "## Waves",
            "## Questions",
            "## History",
            "## Outputs",
        ] {
            assert!(report.contains(section), "{section}\n{report}");
        }
        // The hostile name is escaped: no heading of its own, no raw HTML.
        assert!(report.starts_with("# # Evil \\<script\\>"), "{report}");
        assert!(!report.contains("<script>"));
        // A pipe in a cell does not split the table; an image does not load.
        assert!(report.contains("Back end \\| API"));
        assert!(report.contains("done \\| \\!\\[x\\]"));
        assert!(report.contains("\\# not a heading"));
        assert!(!report.contains("[link](javascript"));
        // The output's own fence cannot close the report's.
        assert!(report.contains("````markdown\n# Done\n```\nfenced\n```\n````"));
        assert!(report.contains("- Wave 1: api\n- Wave 2: ui"));
        assert!(report.contains("Answered by ana: yes"));
        assert!(report.contains("Not written yet."));
        // The history, one row per event, its agent-written text as text.
        assert!(report.contains(
            "| 2026-12-01 10:00:00.000Z | api | in progress → blocked: needs \\| a \\!\\[key\\](http://t/) | cli |"
        ), "{report}");
        assert!(report.contains("| ui | usage: 1,000 in · 0 out · $0.10 | mcp |"));
        assert!(
            report.contains("- Usage: 3,000 in · 0 out · $0.30\n  - api: 3,000 in · 0 out · $0.30")
        );
    }

    #[test]
    fn a_long_history_keeps_its_latest_events() {
        let history: Vec<HistoryEvent> = (0..MAX_REPORTED_EVENTS + 20)
            .map(|n| {
                HistoryEvent::status(
                    "api",
                    None,
                    "in_progress",
                    "2026-12-01T10:00:00.000Z",
                    Actor::Api,
                )
                .with_message(Some(&format!("step {n}")))
            })
            .collect();
        let report = render_report(&detail(), &history, &[], "2026-12-02T00:00:00Z");
        assert!(report.contains("The latest 500 of 520 events"));
        assert!(!report.contains("step 19 |"));
        assert!(report.contains("step 20 |") && report.contains("step 519 |"));
        let empty = render_report(&detail(), &[], &[], "2026-12-02T00:00:00Z");
        assert!(empty.contains("## History\n\nNothing was recorded."));
    }
}
