//! What the command line and the `HUB_*` variables chose, resolved once at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How long the Create tab's context scan may run: it shows progress and can be cancelled.
pub const DEFAULT_SCAN_BUDGET: Duration = Duration::from_secs(10);

/// Everything the server needs to know, resolved once at start.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub sessions_dir: PathBuf,
    pub stubs_dir: PathBuf,
    pub project_root: PathBuf,
    /// How often the browser polls when the live channel is down.
    pub poll_interval: Duration,
    /// Roots outside a session folder that agents' output files may live under.
    pub allow_output_roots: Vec<PathBuf>,
    /// An agent `in_progress` without an update for this long is flagged stale.
    pub stale_after: Duration,
    /// How changes on disk are noticed.
    pub watch: crate::domain::monitor::WatchMode,
    /// Serve sample sessions from a throw-away folder, with simulated agents.
    pub demo: bool,
    /// Output previews are cut at this many bytes (downloads are whole).
    pub max_preview_bytes: u64,
    /// Every request must carry this token (required to listen beyond loopback).
    pub token: Option<String>,
    /// The Create tab's context scan stops after this long, flagged partial.
    pub scan_budget: Duration,
    /// Deleted sessions stay in `<sessions-dir>/.trash/` this long before they are purged.
    pub trash_after: Duration,
    /// Webhooks that receive an alert when an agent completes or is blocked, a question is
    /// asked, or a session completes.
    pub notify_urls: Vec<String>,
    /// A PostgreSQL database shared with other hubs (`postgres://…`): the store of record, the
    /// sessions folder being this hub's replica of it. `None`: the folder is the store.
    pub store: Option<String>,
    /// Edge mode (`postgres://…`): the sessions folder stays the store of record and every
    /// session in it is published into this shared database, under [`Config::edge_name`].
    pub publish_to: Option<String>,
    /// The name an edge publishes under (`None`: the host and the sessions folder).
    pub edge_name: Option<String>,
}

/// `--trash-days` by default.
pub const DEFAULT_TRASH_DAYS: u32 = 7;

impl Config {
    /// A configuration rooted in `dir`, for tests and benches.
    pub fn for_sessions_dir(dir: impl Into<PathBuf>) -> Self {
        let sessions_dir = dir.into();
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stubs_dir: sessions_dir.join("../working"),
            project_root: sessions_dir.join(".."),
            sessions_dir,
            poll_interval: Duration::from_secs(10),
            allow_output_roots: Vec::new(),
            stale_after: Duration::from_secs(30 * 60),
            watch: crate::domain::monitor::WatchMode::Native,
            demo: false,
            max_preview_bytes: crate::domain::output::DEFAULT_MAX_PREVIEW_BYTES,
            token: None,
            scan_budget: DEFAULT_SCAN_BUDGET,
            trash_after: Duration::from_secs(u64::from(DEFAULT_TRASH_DAYS) * 86_400),
            notify_urls: Vec::new(),
            store: None,
            publish_to: None,
            edge_name: None,
        }
    }
}

/// A `--store`: a PostgreSQL URL (`postgres://` or `postgresql://`), or `folder`.
pub fn parse_store(raw: &str) -> Result<String, String> {
    let store = raw.trim();
    if store == FOLDER_STORE
        || store.starts_with("postgres://")
        || store.starts_with("postgresql://")
    {
        return Ok(store.to_owned());
    }
    Err("--store takes a PostgreSQL URL (postgres://user@host:5432/db) or `folder`".into())
}

/// A `--publish-to`: a PostgreSQL URL.
pub fn parse_publish_to(raw: &str) -> Result<String, String> {
    match parse_store(raw) {
        Ok(url) if url != FOLDER_STORE => Ok(url),
        _ => Err("--publish-to takes a PostgreSQL URL (postgres://user@host:5432/db)".into()),
    }
}

/// `--store` by default: the sessions folder is the store.
pub const FOLDER_STORE: &str = "folder";

/// A `--notify-url`: http or https, and nothing that could not be one.
pub fn parse_notify_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?}: expected an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') || url.chars().any(char::is_whitespace) {
        return Err(format!(
            "{url:?}: expected an http:// or https:// URL with a host"
        ));
    }
    Ok(url.to_owned())
}

/// Parses `10`, `10s`, `500ms`, `2m`: a bare number means seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let duration = match raw.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(raw).map_err(|err| format!("{raw:?}: {err}"))?,
    };
    if duration.is_zero() {
        return Err(format!("{raw:?}: must be greater than zero"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_is_the_folder_or_a_postgres_url() {
        assert_eq!(parse_store("folder").unwrap(), FOLDER_STORE);
        assert_eq!(
            parse_store(" postgres://hub@db/hub ").unwrap(),
            "postgres://hub@db/hub"
        );
        assert!(parse_store("postgresql://db/hub").is_ok());
        for bad in ["", "mysql://db/hub", "db:5432", "Folder"] {
            let err = parse_store(bad).unwrap_err();
            assert!(err.contains("PostgreSQL URL"), "{bad}: {err}");
        }
        assert!(parse_publish_to("postgres://db/hub").is_ok());
        for bad in ["folder", "", "http://db"] {
            assert!(parse_publish_to(bad).unwrap_err().contains("--publish-to"));
        }
    }
}
