//! `hub integrate claude-code|codex`: the settings that connect an agent CLI to the hub, in each
//! CLI's own documented format: its MCP server entry, and the hooks that report the agent's
//! status by themselves (`hub hook`, see `hook.rs`). Printed, or with `--write` merged into the
//! project's files without touching anything else in them.
//!
//! - Claude Code: `.mcp.json` (<https://code.claude.com/docs/en/mcp>, project scope) and
//!   `.claude/settings.json` (<https://code.claude.com/docs/en/hooks>).
//! - Codex: `.codex/config.toml` (`[mcp_servers.<name>]`,
//!   <https://developers.openai.com/codex/mcp>) and `.codex/hooks.json`
//!   (<https://developers.openai.com/codex/hooks>). Codex reads a project's `.codex/` only
//!   once the project is trusted, and asks to trust new hooks in `/hooks`.

use super::AgentCli;
use crate::agent::{Failure, EXIT_USAGE};
use crate::domain::untrusted::shell_word;
use crate::mcp::SERVER_NAME;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The events whose hooks report status: a turn starts (`in_progress`), a permission prompt
/// (needs input), a tool ran (the prompt was answered), the turn ends.
const HOOK_EVENTS: [&str; 4] = [
    "UserPromptSubmit",
    "PermissionRequest",
    "PostToolUse",
    "Stop",
];
/// Seconds a hook may take; the hub answers in milliseconds, this only bounds an unreachable one.
const HOOK_TIMEOUT_S: u64 = 10;
/// Codex stops a tool call after 60 s by default, too short for `wait_for` and `ask_human`.
const CODEX_TOOL_TIMEOUT_S: u64 = 3600;

/// What to connect, and how.
pub struct Integration {
    pub cli: AgentCli,
    /// How the agent CLI starts `hub` (a name on its PATH, or an absolute path).
    pub command: String,
    /// Bakes the agent into the hooks; without it they read `HUB_SESSION` and `HUB_AGENT`.
    pub session: Option<String>,
    pub agent: Option<String>,
    /// A running hub; else the local sessions folder (absolute).
    pub hub_url: Option<String>,
    pub sessions_dir: PathBuf,
    /// MCP over the hub's `/mcp` instead of a `hub mcp` process (needs `hub_url`).
    pub http: bool,
}

/// One file of the integration and what it should contain (ours, before any merge).
pub struct ConfigFile {
    /// Relative to the project root.
    pub path: &'static str,
    pub ours: Ours,
}

pub enum Ours {
    /// The MCP entry, under `mcpServers` (Claude Code's `.mcp.json`).
    McpJson(Value),
    /// The hook groups, one array per event, under `hooks`.
    HooksJson(Map<String, Value>),
    /// `[mcp_servers.<name>]` of a Codex `config.toml`.
    CodexToml(toml_edit::Table),
}

impl Integration {
    pub fn files(&self) -> Vec<ConfigFile> {
        match self.cli {
            AgentCli::ClaudeCode => vec![
                ConfigFile {
                    path: ".mcp.json",
                    ours: Ours::McpJson(self.claude_mcp_entry()),
                },
                ConfigFile {
                    path: ".claude/settings.json",
                    ours: Ours::HooksJson(self.hooks()),
                },
            ],
            AgentCli::Codex => vec![
                ConfigFile {
                    path: ".codex/config.toml",
                    ours: Ours::CodexToml(self.codex_mcp_table()),
                },
                ConfigFile {
                    path: ".codex/hooks.json",
                    ours: Ours::HooksJson(self.hooks()),
                },
            ],
        }
    }

    /// `hub mcp` and where it goes.
    fn mcp_args(&self) -> Vec<String> {
        let mut args = vec!["mcp".to_owned()];
        args.extend(self.target_args());
        args
    }

    fn target_args(&self) -> Vec<String> {
        match &self.hub_url {
            Some(url) => vec!["--hub-url".into(), url.clone()],
            None => vec![
                "--sessions-dir".into(),
                self.sessions_dir.display().to_string(),
            ],
        }
    }

    fn mcp_url(&self) -> Option<String> {
        let url = self.hub_url.as_deref()?;
        self.http
            .then(|| format!("{}/mcp", url.trim_end_matches('/')))
    }

    fn claude_mcp_entry(&self) -> Value {
        match self.mcp_url() {
            // `${VAR:-default}` is expanded by Claude Code in `url` and `headers`.
            Some(url) => json!({
                "type": "http",
                "url": url,
                "headers": { "Authorization": "Bearer ${HUB_TOKEN:-}" },
            }),
            None => {
                let mut entry = json!({
                    "type": "stdio",
                    "command": self.command,
                    "args": self.mcp_args(),
                });
                if self.hub_url.is_some() {
                    entry["env"] = json!({ "HUB_TOKEN": "${HUB_TOKEN:-}" });
                }
                entry
            }
        }
    }

    fn codex_mcp_table(&self) -> toml_edit::Table {
        use toml_edit::{value, Array};
        let mut table = toml_edit::Table::new();
        match self.mcp_url() {
            Some(url) => {
                table["url"] = value(url);
                table["bearer_token_env_var"] = value("HUB_TOKEN");
            }
            None => {
                table["command"] = value(self.command.clone());
                table["args"] = value(self.mcp_args().into_iter().collect::<Array>());
                if self.hub_url.is_some() {
                    table["env_vars"] = value(Array::from_iter(["HUB_TOKEN"]));
                }
            }
        }
        table["tool_timeout_sec"] = value(CODEX_TOOL_TIMEOUT_S as i64);
        table
    }

    /// The command a hook runs: `hub hook <cli>` for this agent (or the one the environment
    /// names), on the same hub as the MCP server.
    pub fn hook_command(&self) -> String {
        let mut words = vec![
            self.command.clone(),
            "hook".into(),
            self.cli.name().to_owned(),
        ];
        if let (Some(session), Some(agent)) = (&self.session, &self.agent) {
            words.extend(["--session".into(), session.clone()]);
            words.extend(["--agent".into(), agent.clone()]);
        }
        words.extend(self.target_args());
        words
            .iter()
            .map(|word| shell_word(word))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn hooks(&self) -> Map<String, Value> {
        let group = json!([{
            "hooks": [{
                "type": "command",
                "command": self.hook_command(),
                "timeout": HOOK_TIMEOUT_S,
            }]
        }]);
        HOOK_EVENTS
            .iter()
            .map(|event| (event.to_string(), group.clone()))
            .collect()
    }
}

/// Whether a hook command is one of ours (from an earlier `hub integrate` of the same CLI).
fn is_our_hook(command: &str, cli: AgentCli) -> bool {
    command.contains(&format!(" hook {}", cli.name()))
}

impl ConfigFile {
    /// Our part alone, as it would be written into an empty file.
    pub fn render_ours(&self, cli: AgentCli) -> Result<String, Failure> {
        self.merge_into(None, cli)
    }

    /// `existing` (the file as it is, if any) with our part merged in: our MCP entry replaces
    /// an entry of the same name, our hooks replace hooks an earlier run wrote; everything
    /// else stays as it was.
    pub fn merge_into(&self, existing: Option<&str>, cli: AgentCli) -> Result<String, Failure> {
        let not_valid = |what: &str, err: &dyn std::fmt::Display| Failure {
            code: EXIT_USAGE,
            message: format!(
                "{} is not valid {what} ({err}); fix or move it, nothing was written",
                self.path
            ),
        };
        match &self.ours {
            Ours::McpJson(_) | Ours::HooksJson(_) => {
                let mut root = match existing.filter(|text| !text.trim().is_empty()) {
                    Some(text) => serde_json::from_str::<Value>(text)
                        .map_err(|err| not_valid("JSON", &err))?,
                    None => json!({}),
                };
                let Some(object) = root.as_object_mut() else {
                    return Err(not_valid("JSON", &"expected an object"));
                };
                match &self.ours {
                    Ours::McpJson(entry) => {
                        let servers = object.entry("mcpServers").or_insert_with(|| json!({}));
                        let Some(servers) = servers.as_object_mut() else {
                            return Err(not_valid("JSON", &"`mcpServers` is not an object"));
                        };
                        servers.insert(SERVER_NAME.to_owned(), entry.clone());
                    }
                    Ours::HooksJson(events) => {
                        let hooks = object.entry("hooks").or_insert_with(|| json!({}));
                        let Some(hooks) = hooks.as_object_mut() else {
                            return Err(not_valid("JSON", &"`hooks` is not an object"));
                        };
                        for (event, groups) in events {
                            let list = hooks.entry(event.clone()).or_insert_with(|| json!([]));
                            let Some(list) = list.as_array_mut() else {
                                return Err(not_valid(
                                    "JSON",
                                    &format!("`hooks.{event}` is not an array"),
                                ));
                            };
                            list.retain(|group| !group_is_ours(group, cli));
                            list.extend(groups.as_array().into_iter().flatten().cloned());
                        }
                    }
                    Ours::CodexToml(_) => unreachable!(),
                }
                let mut text =
                    serde_json::to_string_pretty(&root).map_err(|err| not_valid("JSON", &err))?;
                text.push('\n');
                Ok(text)
            }
            Ours::CodexToml(table) => {
                let mut document = existing
                    .unwrap_or("")
                    .parse::<toml_edit::DocumentMut>()
                    .map_err(|err| not_valid("TOML", &err))?;
                let servers = document.entry("mcp_servers").or_insert_with(|| {
                    let mut servers = toml_edit::Table::new();
                    servers.set_implicit(true);
                    toml_edit::Item::Table(servers)
                });
                let Some(servers) = servers.as_table_mut() else {
                    return Err(not_valid("TOML", &"`mcp_servers` is not a table"));
                };
                servers.insert(SERVER_NAME, toml_edit::Item::Table(table.clone()));
                Ok(document.to_string())
            }
        }
    }

    /// Merges our part into the file beneath `root`, atomically; creates it (and its folder)
    /// when missing.
    pub fn write(&self, root: &Path, cli: AgentCli) -> Result<PathBuf, Failure> {
        let path = root.join(self.path);
        let failed = |err: &dyn std::fmt::Display| Failure {
            code: 1,
            message: format!("cannot write {}: {err}", path.display()),
        };
        let existing = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(failed(&err)),
        };
        let merged = self.merge_into(existing.as_deref(), cli)?;
        let dir = path.parent().unwrap_or(root);
        std::fs::create_dir_all(dir).map_err(|err| failed(&err))?;
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or(self.path);
        crate::fsutil::atomic::write_atomic(dir, name, merged.as_bytes())
            .map_err(|err| failed(&err))?;
        Ok(path)
    }
}

/// Prints the files (each under a `# path` line) or merges them in; says what to do next.
pub fn run(integration: &Integration, write: bool, project_root: &Path) -> std::process::ExitCode {
    let cli = integration.cli;
    for file in integration.files() {
        let done = if write {
            file.write(project_root, cli)
                .map(|path| println!("updated {}", path.display()))
        } else {
            file.render_ours(cli).map(|text| {
                println!("# {} (merge into it, or run again with --write)", file.path);
                println!("{}", text.trim_end());
                println!();
            })
        };
        if let Err(failure) = done {
            eprintln!("hub: {}", failure.message);
            return std::process::ExitCode::from(failure.code);
        }
    }
    if integration.session.is_none() {
        eprintln!(
            "The hooks report for the agent that HUB_SESSION and HUB_AGENT name: start {} with \
             HUB_SESSION=<session> HUB_AGENT=<agent> (or pass --session and --agent).",
            cli.name()
        );
    }
    if cli == AgentCli::Codex {
        eprintln!(
            "Codex reads a project's .codex/ once the project is trusted; review the new hooks \
             in /hooks."
        );
    }
    std::process::ExitCode::SUCCESS
}

fn group_is_ours(group: &Value, cli: AgentCli) -> bool {
    group
        .get("hooks")
        .and_then(Value::as_array)
        .is_some_and(|hooks| {
            hooks.iter().any(|hook| {
                hook.get("command")
                    .and_then(Value::as_str)
                    .is_some_and(|command| is_our_hook(command, cli))
            })
        })
}

/// How an agent CLI should start this `hub`: its bare name when the PATH finds this very
/// executable, else its absolute path.
pub fn hub_command() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "hub".into();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::canonicalize(dir.join("hub")).ok() == std::fs::canonicalize(&exe).ok()
        })
    });
    if on_path {
        "hub".into()
    } else {
        exe.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration(cli: AgentCli) -> Integration {
        Integration {
            cli,
            command: "hub".into(),
            session: Some("s1".into()),
            agent: Some("backend".into()),
            hub_url: None,
            sessions_dir: PathBuf::from("/work/my project/coderef/sessions"),
            http: false,
        }
    }

    #[test]
    fn claude_code_gets_a_stdio_server_and_four_hooks() {
        let files = integration(AgentCli::ClaudeCode).files();
        let mcp: Value =
            serde_json::from_str(&files[0].render_ours(AgentCli::ClaudeCode).unwrap()).unwrap();
        assert_eq!(
            mcp["mcpServers"]["sessions-hub"],
            json!({"type": "stdio", "command": "hub",
                   "args": ["mcp", "--sessions-dir", "/work/my project/coderef/sessions"]})
        );
        let settings: Value =
            serde_json::from_str(&files[1].render_ours(AgentCli::ClaudeCode).unwrap()).unwrap();
        for event in HOOK_EVENTS {
            let hook = &settings["hooks"][event][0]["hooks"][0];
            assert_eq!(hook["type"], "command");
            assert_eq!(
                hook["command"],
                "hub hook claude-code --session s1 --agent backend --sessions-dir \
                 '/work/my project/coderef/sessions'"
            );
        }
    }

    #[test]
    fn merging_keeps_what_is_there_and_replaces_only_our_own_entries() {
        let existing = r#"{
  "permissions": {"allow": ["Bash(npm test)"]},
  "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]},
                     {"hooks": [{"type": "command", "command": "hub hook claude-code --session old"}]}]}
}"#;
        let files = integration(AgentCli::ClaudeCode).files();
        let merged = files[1]
            .merge_into(Some(existing), AgentCli::ClaudeCode)
            .unwrap();
        let twice: Value = serde_json::from_str(
            &files[1]
                .merge_into(Some(&merged), AgentCli::ClaudeCode)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(twice["permissions"]["allow"][0], "Bash(npm test)");
        let stop = twice["hooks"]["Stop"].as_array().unwrap();
        assert_eq!(stop.len(), 2, "the foreign hook and ours, once: {stop:?}");
        assert_eq!(stop[0]["hooks"][0]["command"], "notify-send done");
        assert!(stop[1]["hooks"][0]["command"]
            .as_str()
            .unwrap()
            .contains("--session s1"));

        let mcp = r#"{"mcpServers": {"github": {"type": "http", "url": "https://x/mcp"}}}"#;
        let merged: Value = serde_json::from_str(
            &files[0]
                .merge_into(Some(mcp), AgentCli::ClaudeCode)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(merged["mcpServers"]["github"]["url"], "https://x/mcp");
        assert_eq!(merged["mcpServers"]["sessions-hub"]["type"], "stdio");
    }

    #[test]
    fn a_broken_file_is_refused_and_named() {
        let files = integration(AgentCli::ClaudeCode).files();
        let err = files[0]
            .merge_into(Some("{ not json"), AgentCli::ClaudeCode)
            .err()
            .unwrap();
        assert!(err.message.contains(".mcp.json is not valid JSON"));
        assert!(err.message.contains("nothing was written"));
        let err = files[1]
            .merge_into(Some(r#"{"hooks": []}"#), AgentCli::ClaudeCode)
            .err()
            .unwrap();
        assert!(err.message.contains("`hooks` is not an object"));
    }

    #[test]
    fn codex_gets_a_toml_server_that_keeps_comments_and_other_servers() {
        let mut remote = integration(AgentCli::Codex);
        remote.hub_url = Some("http://hub.lan:3000".into());
        remote.http = true;
        let files = remote.files();
        let existing =
            "# my settings\nmodel = \"o4\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
        let merged = files[0]
            .merge_into(Some(existing), AgentCli::Codex)
            .unwrap();
        assert!(merged.starts_with("# my settings\nmodel = \"o4\""));
        let parsed: toml::Table = toml::from_str(&merged).unwrap();
        let servers = parsed["mcp_servers"].as_table().unwrap();
        assert_eq!(servers["docs"]["command"].as_str(), Some("docs-mcp"));
        let ours = servers["sessions-hub"].as_table().unwrap();
        assert_eq!(ours["url"].as_str(), Some("http://hub.lan:3000/mcp"));
        assert_eq!(ours["bearer_token_env_var"].as_str(), Some("HUB_TOKEN"));
        assert_eq!(ours["tool_timeout_sec"].as_integer(), Some(3600));

        let local = integration(AgentCli::Codex).files();
        let text = local[0].render_ours(AgentCli::Codex).unwrap();
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed["mcp_servers"]["sessions-hub"]["args"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let hooks: Value =
            serde_json::from_str(&local[1].render_ours(AgentCli::Codex).unwrap()).unwrap();
        assert!(
            hooks["hooks"]["PermissionRequest"][0]["hooks"][0]["command"]
                .as_str()
                .unwrap()
                .starts_with("hub hook codex --session s1")
        );
    }

    #[test]
    fn hooks_without_an_agent_read_it_from_the_environment_and_words_are_quoted() {
        let mut open = integration(AgentCli::ClaudeCode);
        open.session = None;
        open.agent = None;
        open.command = "/opt/my tools/hub".into();
        assert_eq!(
            open.hook_command(),
            "'/opt/my tools/hub' hook claude-code --sessions-dir '/work/my project/coderef/sessions'"
        );
    }
}
