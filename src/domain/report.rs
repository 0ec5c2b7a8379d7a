//! `report.md`: a session told in Markdown (summary, agents, waves, questions, outputs) for
//! people who were not watching. Pure: the service reads the files, this writes the text.
//! Everything agents wrote goes through `untrusted`, so the report renders as what they typed
//! and nothing they typed can become a link, an image, raw HTML or a heading.

use super::untrusted::{markdown_code, markdown_fenced, markdown_line, markdown_paragraphs};
use super::{AgentStatus, SessionDetail};
use std::fmt::Write;

/// Each output file is quoted up to this many bytes (the zip has them whole).
pub const MAX_REPORTED_OUTPUT_BYTES: usize = 64 << 10;

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

pub fn render_report(
    detail: &SessionDetail,
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
                agent(
                    "api",
                    AgentStatus::Complete,
                    1,
                    Some("done | ![x](http://t/)"),
                ),
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
        let report = render_report(&detail(), &outputs, "2026-12-02T00:00:00Z");
        for section in [
            "## Summary",
            "## Agents",
            "## Waves",
            "## Questions",
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
    }
}
