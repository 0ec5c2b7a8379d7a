//! `agent-prompts/agent-N.md`, and the one line per agent to paste into its terminal.

use super::backbone::fence_around;
use super::plan::PlannedAgent;
use super::sources::Source;
use super::GenerateOptions;
use crate::domain::context::fence_language;
use crate::domain::create::{normalize_relative_path, AgentInterface, CreateRequest};
use crate::domain::untrusted::{
    markdown_code, markdown_line, markdown_paragraphs, plain_line, shell_word,
};
use std::fmt::Write;
use std::path::Path;

/// What every prompt of one session shares.
pub struct Session<'a> {
    pub id: &'a str,
    /// Absolute.
    pub path: &'a Path,
    /// Canonical.
    pub project_root: &'a Path,
    pub request: &'a CreateRequest,
    pub agents: &'a [PlannedAgent<'a>],
    pub sources: &'a [Source],
    pub options: &'a GenerateOptions,
}

/// A line to paste into an agent's terminal: one line, whatever the names hold. It names the
/// loop the prompt teaches, so an agent that skims still reports, waits and asks.
pub fn one_liner(session: &Session, agent: &PlannedAgent) -> String {
    let mut line = format!(
        "You are {} (agent {} of {}) in session {}: read {} and follow it.",
        agent.id,
        agent.number,
        session.agents.len(),
        session.id,
        session.path.join(agent.prompt_file()).display()
    );
    if session.request.agent_interface == AgentInterface::Mcp {
        line.push_str(if agent.depends_on.is_empty() {
            " Use the sessions-hub MCP tools: get_assignment first, set_status to report, and \
             ask_human rather than guess."
        } else {
            " Use the sessions-hub MCP tools: get_assignment first, wait_for your \
             dependencies, set_status to report, and ask_human rather than guess."
        });
    } else if !session.options.cli_target.trim().is_empty() {
        line.push_str(if agent.depends_on.is_empty() {
            " Report with `hub status set --message` and ask a person with `hub ask` rather \
             than guess."
        } else {
            " Wait for your dependencies with `hub wait --deps-of`, report with \
             `hub status set --message`, and ask a person with `hub ask` rather than guess."
        });
    }
    plain_line(&line, usize::MAX)
}

/// For an MCP session: the line that connects one agent's CLI to this hub, run once in the
/// project (`hub integrate`: the MCP server and the hooks that report by themselves).
pub fn connect_command(session: &Session, agent: &PlannedAgent) -> Option<String> {
    (session.request.agent_interface == AgentInterface::Mcp).then(|| {
        let mut line = format!(
            "hub integrate claude-code --session {} --agent {}",
            shell_word(session.id),
            shell_word(agent.id)
        );
        let target = session.options.cli_target.trim();
        if !target.is_empty() {
            line.push(' ');
            line.push_str(target);
        }
        line.push_str(" --write");
        plain_line(&line, usize::MAX)
    })
}

/// The prompt of one agent. Writing to a `String` cannot fail, hence the `let _`.
///
/// The stub's feature name, description and the roles may come from an agent: they are escaped
/// (`domain::untrusted`), so they read as text and cannot open a heading or a fence that would
/// change what the agent is told. The instruction blocks are the author's own Markdown.
pub fn agent_prompt(session: &Session, agent: &PlannedAgent) -> String {
    let mut out = String::new();
    let request = session.request;
    let path = session.path.display();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        markdown_line(agent.id),
        markdown_line(agent.role)
    );
    let _ = writeln!(
        out,
        "You are **{}**, agent {} of {} in session {} ({}). Several agents work on this \
         codebase at the same time; this file tells you your part.\n",
        markdown_line(agent.id),
        agent.number,
        session.agents.len(),
        markdown_code(session.id),
        markdown_line(&request.stub.feature_name)
    );
    let _ = writeln!(
        out,
        "- Session folder: {}",
        markdown_code(&path.to_string())
    );
    let _ = writeln!(
        out,
        "- Project root: {}\n",
        markdown_code(&session.project_root.display().to_string())
    );

    let _ = writeln!(
        out,
        "## The feature\n\n{}\n",
        markdown_paragraphs(&request.stub.description)
    );
    let _ = writeln!(out, "## Your role\n\n{}\n", markdown_paragraphs(agent.role));

    let _ = writeln!(out, "## Your instructions\n");
    if agent.blocks.is_empty() {
        let _ = writeln!(
            out,
            "No instruction block was assigned to you: work from your role and the feature.\n"
        );
    }
    for (i, block) in agent.blocks.iter().enumerate() {
        let kind = block.block_kind().map_or("Instruction", |k| k.label());
        let _ = writeln!(out, "### {}. {kind} (`{}`)\n", i + 1, block.id);
        let _ = writeln!(out, "{}\n", block.content.trim());
    }

    if !agent.attachments.is_empty() {
        let _ = writeln!(out, "## Attachments\n");
    }
    for attachment in &agent.attachments {
        if let Some(content) = attachment.given_content() {
            let _ = writeln!(out, "### {} (pasted)\n", markdown_line(&attachment.name));
            let fence = fence_around(content);
            let language = match fence_language(&attachment.name) {
                "" => "text",
                language => language,
            };
            let _ = writeln!(out, "{fence}{language}\n{}\n{fence}\n", content.trim_end());
        } else if let Some(raw) = attachment.given_path() {
            let relative = normalize_relative_path(raw).unwrap_or_else(|_| raw.to_owned());
            let _ = writeln!(
                out,
                "### {} ({})\n",
                markdown_line(&attachment.name),
                markdown_code(&relative)
            );
            let _ = writeln!(
                out,
                "A file of the project: {}. Its content is in `context-backbone.md`, under the \
                 heading {}.\n",
                markdown_code(&session.project_root.join(&relative).display().to_string()),
                markdown_code(&relative)
            );
        }
    }

    let _ = writeln!(out, "## Context\n");
    if session.sources.is_empty() {
        let _ = writeln!(
            out,
            "No project files were selected as context: `context-backbone.md` in the session \
             folder describes the feature; explore the project root as you need.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "Before you start, read `context-backbone.md` in the session folder. It holds these \
             {} files of the project:\n",
            session.sources.len()
        );
        for source in session.sources {
            let _ = writeln!(out, "- {}", markdown_code(&source.relative));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Coordination\n");
    let _ = write!(out, "You are in execution wave {}. ", agent.wave);
    let target = session.options.cli_target.trim();
    if agent.depends_on.is_empty() {
        let _ = writeln!(out, "You wait for no other agent: start now.");
    } else {
        let (them, its, they_are) = if agent.depends_on.len() == 1 {
            ("it", "its", "it is")
        } else {
            ("them", "their", "they are all")
        };
        if session.request.agent_interface == AgentInterface::Mcp {
            let _ = writeln!(
                out,
                "You depend on {}. Before you start, wait for {them} with the MCP tool \
                 `wait_for`, then read {its} output with `read_output`:\n\n\
                 ```json\n{{\"session\": \"{}\", \"deps_of\": \"{}\"}}\n```\n\n\
                 It answers `complete` as soon as {they_are} `complete`, and `pending` when its \
                 timeout runs out (call it again). `blocked` means a dependency cannot go on: \
                 report `blocked` yourself and ask a person what to do (below).",
                names(&agent.depends_on),
                json_text(session.id),
                json_text(agent.id),
            );
        } else if target.is_empty() {
            let _ = writeln!(
                out,
                "Wait until {} report{} `complete` in `communication.json` in the session \
                 folder, then read {its} output before you start.",
                names(&agent.depends_on),
                if agent.depends_on.len() == 1 { "s" } else { "" },
            );
        } else {
            let _ = writeln!(
                out,
                "You depend on {}. Before you start, wait for {them}, then read {its} output:\n\n\
                 ```sh\nhub wait {} --deps-of {} {target}\n```\n\n\
                 It returns (exit 0) as soon as {they_are} `complete`. Exit 3 means a \
                 dependency is `blocked`: report `blocked` yourself and ask a person what to do \
                 (below).",
                names(&agent.depends_on),
                session.id,
                agent.id,
            );
        }
    }
    let peers: Vec<&str> = session
        .agents
        .iter()
        .filter(|other| other.wave == agent.wave && other.id != agent.id)
        .map(|other| other.id)
        .collect();
    if !peers.is_empty() {
        let _ = writeln!(
            out,
            "Working at the same time as you: {}. Do not change what they are assigned.",
            names(&peers)
        );
    }
    let waiting: Vec<&str> = session
        .agents
        .iter()
        .filter(|other| other.depends_on.contains(&agent.id))
        .map(|other| other.id)
        .collect();
    if !waiting.is_empty() {
        let _ = writeln!(out, "Waiting for you: {}.", names(&waiting));
    }
    out.push('\n');

    let output = agent.output_file();
    let _ = writeln!(out, "## Your output\n");
    let _ = writeln!(
        out,
        "Write your result to `{output}` in the session folder: `{}`.\n",
        session.path.join(&output).display()
    );

    status_section(&mut out, session, agent);
    out
}

fn status_section(out: &mut String, session: &Session, agent: &PlannedAgent) {
    let _ = writeln!(out, "## Reporting your status\n");
    let _ = writeln!(
        out,
        "Report `in_progress` when you start, `complete` once your output is written, and \
         `blocked` if you cannot go on. Say in a few words what you are doing or why you are \
         stuck: the people watching the hub read it next to your status.\n"
    );
    if session.request.agent_interface == AgentInterface::Mcp {
        mcp_status_section(out, session, agent);
        return;
    }
    let (id, agent_id) = (session.id, agent.id);
    let target = session.options.cli_target.trim();
    let url = session
        .options
        .hub_url
        .as_deref()
        .map(|u| u.trim_end_matches('/'))
        .filter(|u| !u.is_empty());
    if !target.is_empty() {
        let _ = writeln!(out, "```sh");
        for (status, message) in [
            ("in_progress", "what you are working on"),
            ("complete", "what you produced"),
            ("blocked", "why you cannot go on"),
        ] {
            let _ = writeln!(
                out,
                "hub status set {id} {agent_id} {status} --message \"{message}\" {target}"
            );
        }
        let _ = writeln!(out, "```\n");
        let _ = writeln!(out, "## When you need a decision\n");
        let _ = writeln!(
            out,
            "Do not guess on a choice that changes what other agents build, or that you were \
             not given: ask a person. The question shows in the hub until someone answers; the \
             command waits and prints the answer.\n\n```sh\n\
             hub ask {id} {agent_id} \"Which database should the tests use?\" --choice SQLite \
             --choice Postgres {target}\n```\n\n\
             Without `--choice` any answer can be typed. `--timeout 30m` stops waiting (exit 4; \
             `hub answer {id} <question-id> --wait {target}` reads the answer later).\n"
        );
        if let Some(url) = url {
            let _ = writeln!(
                out,
                "On another machine, put `--hub-url {url}` in place of `{target}` in these \
                 commands: the hub then does the writes.\n"
            );
        }
    }
    match url {
        Some(url) => {
            let _ = writeln!(
                out,
                "{}over HTTP, through the hub at {url} (`status` is `in_progress`, `complete` \
                 or `blocked`):\n\n```sh",
                if target.is_empty() {
                    "To report, "
                } else {
                    "Without the `hub` command, report "
                }
            );
            let _ = writeln!(
                out,
                "curl -sS -X POST {url}/api/sessions/{id}/agents/{agent_id}/status \\\n  \
                 -H 'Content-Type: application/json' \\\n  \
                 -d '{{\"status\": \"in_progress\", \"message\": \"what you are working on\"}}'"
            );
            let _ = writeln!(out, "```");
        }
        None => {
            let _ = writeln!(
                out,
                "{}edit `communication.json` in the session folder: in `agents`, find the \
                 entry whose `agent_id` is `{agent_id}` and set its `status`. Change nothing \
                 else.",
                if target.is_empty() {
                    "To report, "
                } else {
                    "Without the `hub` command, "
                },
            );
        }
    }
}

/// The reporting part for agents connected to the hub's MCP server (`hub integrate`).
fn mcp_status_section(out: &mut String, session: &Session, agent: &PlannedAgent) {
    let (id, agent_id) = (json_text(session.id), json_text(agent.id));
    let _ = writeln!(
        out,
        "You are connected to the hub through its MCP server (`sessions-hub`). Its tools take \
         `\"session\": \"{id}\"` and `\"agent\": \"{agent_id}\"`:\n\n\
         - `get_assignment`: this prompt, your dependencies and their statuses now, and where \
         your output goes.\n\
         - `set_status`: `in_progress` when you start, `complete` once your output is written, \
         `blocked` if you cannot go on, always with a short `message`, for example \
         `{{\"session\": \"{id}\", \"agent\": \"{agent_id}\", \"status\": \"in_progress\", \
         \"message\": \"what you are working on\"}}`.\n\
         - `wait_for` and `read_output`: the agents you depend on, and their work.\n\
         - `ask_human`: a question to a person, which waits for the answer.\n"
    );
    let _ = writeln!(out, "## When you need a decision\n");
    let _ = writeln!(
        out,
        "Do not guess on a choice that changes what other agents build, or that you were not \
         given: ask a person with `ask_human`. The question shows in the hub until someone \
         answers; the tool waits and answers with their choice:\n\n```json\n\
         {{\"session\": \"{id}\", \"agent\": \"{agent_id}\", \"question\": \"Which database \
         should the tests use?\", \"choices\": [\"SQLite\", \"Postgres\"]}}\n```\n\n\
         Without `choices` any answer can be typed. If it answers `pending`, the question stays \
         open: ask the same question again to keep waiting.\n"
    );
    let target = session.options.cli_target.trim();
    if !target.is_empty() {
        let _ = writeln!(
            out,
            "Without the MCP server, the `hub` command does the same: \
             `hub status set {} {} in_progress --message \"…\" {target}`.",
            session.id, agent.id
        );
    }
}

/// `text` as the inside of a JSON string (ids are plain already; this keeps it so).
fn json_text(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned()
}

fn names(ids: &[&str]) -> String {
    match ids {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
