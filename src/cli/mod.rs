//! The `hub` command line: `serve` (the default), and the agent's commands (`status`, `wait`,
//! `ask`, `answer`; see `agent.rs`), which work on the local folder or against a running hub.

mod agent;
mod hook;
mod integrate;

use crate::domain::monitor::WatchMode;
use crate::service::{parse_duration, Config};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Sessions Hub: create session packages for AI coding agents working in parallel, and watch
/// them live while the agents update their status.
#[derive(Debug, Parser)]
#[command(name = "hub", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(flatten)]
    pub dirs: DirArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `serve` options, accepted without the word `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Where the hub keeps and finds things. Global: every subcommand honours them.
#[derive(Debug, Args)]
pub struct DirArgs {
    /// Folder of session packages (one folder per session). Created if missing.
    #[arg(
        long,
        global = true,
        env = "HUB_SESSIONS_DIR",
        default_value = "./coderef/sessions"
    )]
    pub sessions_dir: PathBuf,
    /// Folder of stubs: <stubs-dir>/<feature>/stub.json.
    #[arg(
        long,
        global = true,
        env = "HUB_STUBS_DIR",
        default_value = "./coderef/working"
    )]
    pub stubs_dir: PathBuf,
    /// Project that context discovery scans.
    #[arg(long, global = true, env = "HUB_PROJECT_ROOT", default_value = ".")]
    pub project_root: PathBuf,
    /// A folder outside the session folders that agents' output files may live under
    /// (repeatable; with the variable, separate folders with ':').
    #[arg(
        long = "allow-output-root",
        global = true,
        env = "HUB_ALLOW_OUTPUT_ROOT",
        value_delimiter = ':'
    )]
    pub allow_output_roots: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the hub (the default when no command is given).
    Serve(ServeArgs),
    /// Read or change an agent's status, with the same locked, versioned write as the HTTP API.
    #[command(subcommand)]
    Status(StatusCommand),
    /// Report what an agent's work cost: `hub usage add <session> <agent> --input-tokens N
    /// --output-tokens N --cost-usd X`. Adds to the agent's totals under the session's lock.
    #[command(subcommand)]
    Usage(UsageCommand),
    /// Wait until agents of a session are complete: exits 0 when they all are, 3 as soon as
    /// one is blocked, 4 on timeout. Woken by changes, not by polling.
    Wait {
        /// The session's folder name.
        session: String,
        /// The agents to wait for (or use --deps-of).
        #[arg(required_unless_present = "deps_of", conflicts_with = "deps_of")]
        agents: Vec<String>,
        /// Wait for every agent this agent depends on.
        #[arg(long, value_name = "AGENT")]
        deps_of: Option<String>,
        /// Give up after this long (`90s`, `30m`); exit 4.
        #[arg(long, value_parser = parse_duration)]
        timeout: Option<Duration>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Ask a person a question and wait for the answer, which is printed. The question shows
    /// on the hub's Monitor tab ("Needs you") until someone answers it.
    Ask {
        session: String,
        /// The asking agent's `agent_id`.
        agent: String,
        question: String,
        /// A possible answer (repeatable); the answer must then be one of them.
        #[arg(long = "choice", value_name = "TEXT")]
        choices: Vec<String>,
        /// Give up waiting after this long; exit 4 (the question stays open).
        #[arg(long, value_parser = parse_duration)]
        timeout: Option<Duration>,
        /// Print the question's id at once instead of waiting (read it later: `hub answer`).
        #[arg(long)]
        no_wait: bool,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Read the answer to a question asked with `hub ask --no-wait`; exits 4 while there is
    /// none (with --wait: once the timeout runs out).
    Answer {
        session: String,
        question_id: String,
        /// Wait for the answer.
        #[arg(long)]
        wait: bool,
        #[arg(long, value_parser = parse_duration, requires = "wait")]
        timeout: Option<Duration>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Archive a session: its folder moves to <sessions-dir>/.archive, hidden from the list and
    /// read-only for agents until `hub restore`.
    Archive {
        session: String,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Restore an archived session among the active ones.
    Restore {
        session: String,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Delete an archived session: its folder moves to <sessions-dir>/.trash and is purged after
    /// --trash-days. Asks for the id to be typed unless --yes.
    Delete {
        session: String,
        /// Do not ask (for scripts).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Serve the agent's tools over the Model Context Protocol on stdin/stdout (for an agent
    /// CLI's MCP config): on the local sessions folder, or a running hub with --hub-url.
    Mcp {
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Print the settings that connect an agent CLI to the hub (its MCP server entry, and hooks
    /// that report the agent's status by themselves), or merge them into the project's files
    /// with --write.
    Integrate {
        #[arg(value_enum)]
        cli: AgentCli,
        /// The session the hooks report for (with --agent); without both, the hooks read
        /// HUB_SESSION and HUB_AGENT from the agent's environment.
        #[arg(long, requires = "agent")]
        session: Option<String>,
        /// The agent the hooks report for.
        #[arg(long, requires = "session")]
        agent: Option<String>,
        /// A running hub to connect to instead of the local sessions folder.
        #[arg(long, env = "HUB_URL")]
        hub_url: Option<String>,
        /// How the agent CLI reaches the MCP server: `stdio` (it starts `hub mcp`) or `http`
        /// (the hub's /mcp; needs --hub-url). Default: http with --hub-url, else stdio.
        #[arg(long, value_enum)]
        transport: Option<Transport>,
        /// The command that starts this hub (default: `hub` when it is on the PATH, else this
        /// executable's absolute path).
        #[arg(long)]
        command: Option<String>,
        /// Merge into the project's files (under --project-root) instead of printing.
        #[arg(long)]
        write: bool,
    },
    /// What an agent CLI's hook runs (see `hub integrate`): reads the event's payload from
    /// stdin (or as the last argument, as Codex's `notify` passes it) and reports the agent's
    /// status. Never blocks the agent; does nothing without a session and agent.
    Hook {
        #[arg(value_enum)]
        cli: AgentCli,
        #[arg(long, env = "HUB_SESSION")]
        session: Option<String>,
        #[arg(long, env = "HUB_AGENT")]
        agent: Option<String>,
        /// The payload, when it is not on stdin.
        payload: Option<String>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// An agent's status (or every agent's): status, version, updated_at, status_message.
    Get {
        session: String,
        agent: Option<String>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Set an agent's status: `hub status set <session> <agent> <status>`. Prints the update
    /// as JSON.
    Set {
        /// The session's folder name.
        session: String,
        /// The agent's `agent_id`.
        agent: String,
        /// pending, not_started, in_progress, complete or blocked.
        status: String,
        /// A short note shown next to the status (at most 500 characters); setting a status
        /// without one clears the previous note.
        #[arg(long)]
        message: Option<String>,
        /// Refuse the update unless communication.json is still at this version.
        #[arg(long)]
        expected_version: Option<u64>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Add tokens and dollars to an agent's usage (at least one of the three). Prints the
    /// amount added and the agent's new total.
    Add {
        /// The session's folder name.
        session: String,
        /// The agent's `agent_id`.
        agent: String,
        #[arg(long, value_name = "N")]
        input_tokens: Option<u64>,
        #[arg(long, value_name = "N")]
        output_tokens: Option<u64>,
        /// Dollars, e.g. `0.42`.
        #[arg(long, value_name = "USD")]
        cost_usd: Option<f64>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
}

/// The agent CLIs `hub integrate` and `hub hook` know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AgentCli {
    ClaudeCode,
    Codex,
}

impl AgentCli {
    pub fn name(self) -> &'static str {
        match self {
            Self::ClaudeCode => "claude-code",
            Self::Codex => "codex",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    Stdio,
    Http,
}

impl RemoteArgs {
    /// The local folder, or the hub at `--hub-url`.
    pub fn backend(
        &self,
        sessions_dir: PathBuf,
        by: crate::domain::history::Actor,
    ) -> Result<crate::agent::Backend, crate::agent::Failure> {
        crate::agent::Backend::new(
            self.hub_url.as_deref(),
            self.token.clone(),
            sessions_dir,
            by,
        )
    }
}

/// Where an agent command goes: the local sessions folder (the default), or a running hub.
#[derive(Clone, Debug, Default, Args)]
pub struct RemoteArgs {
    /// A running hub to talk to instead of the local folder (`http://host:3000`).
    #[arg(long, env = "HUB_URL")]
    pub hub_url: Option<String>,
    /// The hub's token, when it has one.
    #[arg(long, env = "HUB_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default.
    #[arg(long, env = "HUB_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// How often open pages poll for changes when the live channel is down
    /// (`10`, `10s`, `500ms`).
    #[arg(long, env = "HUB_POLL_INTERVAL", default_value = "10s", value_parser = parse_duration)]
    pub poll_interval: Duration,
    /// Flag an agent as stale when it has been `in_progress` this long without an update
    /// (`30m`, `2h`, `90s`).
    #[arg(long, env = "HUB_STALE_AFTER", default_value = "30m", value_parser = parse_duration)]
    pub stale_after: Duration,
    /// How to notice changes on disk: `native` file events (with a rescan every 5 s as a
    /// safety net), or `poll` (a rescan every second; for network filesystems).
    #[arg(long, env = "HUB_WATCH", value_enum, default_value_t = WatchArg::Native)]
    pub watch: WatchArg,
    /// Show at most this many bytes of an agent's output file in the viewer; bigger files are
    /// cut with a note (the download is always whole).
    #[arg(long, env = "HUB_MAX_PREVIEW_BYTES", default_value_t = crate::domain::output::DEFAULT_MAX_PREVIEW_BYTES)]
    pub max_preview_bytes: u64,
    /// Require this token on every request (`Authorization: Bearer <token>`; the UI asks for it
    /// once and keeps it in a cookie). Needed to listen on anything but loopback.
    #[arg(long, env = "HUB_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Stop the Create tab's context scan after this long and show what it found, flagged
    /// partial (`10s`, `500ms`). Scans through the JSON API stop at 2 s or this, if sooner.
    #[arg(long, env = "HUB_SCAN_BUDGET", default_value = "10s", value_parser = parse_duration)]
    pub scan_budget: Duration,
    /// Purge deleted sessions from <sessions-dir>/.trash after this many days (0: at the next
    /// sweep, within the hour).
    #[arg(long, env = "HUB_TRASH_DAYS", default_value_t = crate::service::DEFAULT_TRASH_DAYS)]
    pub trash_days: u32,
    /// POST a JSON alert here when an agent completes or is blocked, a question is asked, or
    /// a session completes (repeatable; Slack, Discord and ntfy webhooks work as they are).
    /// In HUB_NOTIFY_URL, separate several with spaces.
    #[arg(long = "notify-url", env = "HUB_NOTIFY_URL", value_delimiter = ' ', value_parser = crate::service::parse_notify_url)]
    pub notify_urls: Vec<String>,
    /// Keep the sessions in a PostgreSQL database shared with other hubs
    /// (`postgres://user:password@host:5432/db`); the sessions folder becomes this hub's
    /// replica of it. `folder` (the default) keeps them in the sessions folder alone.
    #[arg(long, env = "HUB_STORE", value_parser = crate::service::parse_store, default_value = crate::service::FOLDER_STORE)]
    pub store: String,
    /// Edge mode: keep the sessions folder as the store of record (agents write its files as
    /// before) and publish every session in it into this shared PostgreSQL database, where the
    /// team's hubs see them; a change made there to one of them is applied here.
    #[arg(long, env = "HUB_PUBLISH_TO", value_parser = crate::service::parse_publish_to)]
    pub publish_to: Option<String>,
    /// The name this hub publishes its sessions under with --publish-to (default: the host
    /// name and the sessions folder). Keep it stable: it is how the database knows them.
    #[arg(long, env = "HUB_EDGE_NAME")]
    pub edge_name: Option<String>,
    /// Serve a throw-away sessions folder with sample sessions and simulated agents that
    /// progress over time (ignores --sessions-dir; the folder is deleted on exit).
    #[arg(long)]
    pub demo: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WatchArg {
    Native,
    Poll,
}

impl From<WatchArg> for WatchMode {
    fn from(arg: WatchArg) -> Self {
        match arg {
            WatchArg::Native => WatchMode::Native,
            WatchArg::Poll => WatchMode::Poll,
        }
    }
}

fn config(dirs: DirArgs, serve: ServeArgs) -> Config {
    Config {
        addr: serve.addr,
        sessions_dir: dirs.sessions_dir,
        stubs_dir: dirs.stubs_dir,
        project_root: dirs.project_root,
        poll_interval: serve.poll_interval,
        allow_output_roots: dirs.allow_output_roots,
        stale_after: serve.stale_after,
        watch: serve.watch.into(),
        demo: serve.demo,
        max_preview_bytes: serve.max_preview_bytes.max(1),
        token: serve.token.filter(|token| !token.is_empty()),
        scan_budget: serve.scan_budget,
        trash_after: Duration::from_secs(u64::from(serve.trash_days) * 86_400),
        notify_urls: serve.notify_urls,
        store: (serve.store != crate::service::FOLDER_STORE).then_some(serve.store),
        publish_to: serve.publish_to,
        edge_name: serve.edge_name.filter(|name| !name.trim().is_empty()),
    }
}

/// Parses the command line and runs the chosen command.
pub async fn run() -> ExitCode {
    let Cli {
        dirs,
        command,
        serve,
    } = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    crate::server::init_tracing();
    match command {
        None => serve_until_stopped(config(dirs, serve)).await,
        Some(Command::Serve(serve)) => serve_until_stopped(config(dirs, serve)).await,
        Some(Command::Mcp { remote }) => serve_mcp(remote, dirs.sessions_dir).await,
        Some(Command::Hook {
            cli,
            session,
            agent,
            payload,
            remote,
        }) => {
            let run = hook::HookRun {
                cli,
                session,
                agent,
                payload,
                remote,
            };
            hook::run(run, dirs.sessions_dir).await
        }
        Some(Command::Integrate {
            cli,
            session,
            agent,
            hub_url,
            transport,
            command,
            write,
        }) => {
            let hub_url = hub_url.filter(|url| !url.is_empty());
            let http = match transport {
                Some(Transport::Http) if hub_url.is_none() => {
                    eprintln!("hub: --transport http needs --hub-url (the hub that serves /mcp)");
                    return ExitCode::from(crate::agent::EXIT_USAGE);
                }
                Some(transport) => transport == Transport::Http,
                None => hub_url.is_some(),
            };
            let integration = integrate::Integration {
                cli,
                command: command.unwrap_or_else(integrate::hub_command),
                session,
                agent,
                hub_url,
                sessions_dir: std::path::absolute(&dirs.sessions_dir).unwrap_or(dirs.sessions_dir),
                http,
            };
            integrate::run(&integration, write, &dirs.project_root)
        }
        Some(command) => agent::run(command, dirs.sessions_dir).await,
    }
}

/// A command line clap cannot read: its message, and exit 2, except for `hub hook`, which
/// exits 1 because an agent CLI takes a hook's 2 as "block what the agent was doing".
fn usage_error(err: clap::Error) -> ExitCode {
    let _ = err.print();
    if !err.use_stderr() {
        return ExitCode::SUCCESS; // --help, --version
    }
    let is_hook = std::env::args().nth(1).is_some_and(|word| word == "hook");
    ExitCode::from(if is_hook { 1 } else { crate::agent::EXIT_USAGE })
}

/// `hub mcp`: stdout is the protocol's, so everything else (logs, errors) goes to stderr.
async fn serve_mcp(remote: RemoteArgs, sessions_dir: PathBuf) -> ExitCode {
    let served = async {
        match remote
            .backend(sessions_dir, crate::domain::history::Actor::Mcp)
            .map_err(|f| f.message)?
        {
            crate::agent::Backend::Local { hub, .. } => {
                let dir = &hub.config().sessions_dir;
                if !dir.is_dir() {
                    return Err(format!(
                        "no sessions folder at {} (pass --sessions-dir, or --hub-url for a \
                         running hub)",
                        dir.display()
                    ));
                }
                // A hub of its own on the folder, watched like the server's, so waits wake on
                // every change. (Not `Hub::open`: a server may be writing there too.)
                hub.rescan().await.map_err(|err| err.to_string())?;
                let (stop, stopped) = tokio::sync::watch::channel(false);
                let background = hub.run_in_background(stopped, false);
                let served = crate::mcp::serve_stdio(crate::agent::Backend::served(hub)).await;
                stop.send_replace(true);
                background.stop().await;
                served
            }
            remote => crate::mcp::serve_stdio(remote).await,
        }
    };
    match served.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hub: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_until_stopped(config: Config) -> ExitCode {
    match crate::server::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hub: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations_accept_bare_seconds_and_units() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn wait_takes_agents_or_deps_of_but_not_both() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["hub", "wait", "s"], args].concat());
        assert!(parse(&["a1", "a2"]).is_ok());
        assert!(parse(&["--deps-of", "a3", "--timeout", "5s"]).is_ok());
        assert!(parse(&[]).is_err());
        assert!(parse(&["a1", "--deps-of", "a3"]).is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_and_accepts_its_flags_bare() {
        let cli = Cli::try_parse_from(["hub", "--addr", "127.0.0.1:4000", "--poll-interval", "1"])
            .unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.addr.port(), 4000);
        assert_eq!(cli.serve.poll_interval, Duration::from_secs(1));
        let cli = Cli::try_parse_from(["hub", "serve", "--sessions-dir", "/tmp/s"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve(_))));
        assert_eq!(cli.dirs.sessions_dir, PathBuf::from("/tmp/s"));
    }

    #[test]
    fn status_set_honours_the_global_directory_flags() {
        let cli = Cli::try_parse_from([
            "hub",
            "status",
            "set",
            "s1",
            "agent-1",
            "complete",
            "--sessions-dir",
            "/x",
        ])
        .unwrap();
        assert_eq!(cli.dirs.sessions_dir, PathBuf::from("/x"));
        let Some(Command::Status(StatusCommand::Set {
            session,
            agent,
            status,
            expected_version,
            ..
        })) = cli.command
        else {
            panic!("not a status command");
        };
        assert_eq!(
            (
                session.as_str(),
                agent.as_str(),
                status.as_str(),
                expected_version
            ),
            ("s1", "agent-1", "complete", None)
        );
    }
}
