//! Runtime configuration: what the command line and `HUB_*` variables chose, plus the Leptos
//! options compiled in from `Leptos.toml`.

use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The `Leptos.toml` this binary was built with.
pub const LEPTOS_TOML: &str = include_str!("../Leptos.toml");

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
    pub watch: crate::live::WatchMode,
    /// Serve sample sessions from a throw-away folder, with simulated agents.
    pub demo: bool,
    /// Output previews are cut at this many bytes (downloads are whole).
    pub max_preview_bytes: u64,
    /// Every request must carry this token (required to listen beyond loopback).
    pub token: Option<String>,
    /// The Create tab's context scan stops after this long, flagged partial.
    pub scan_budget: Duration,
}

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
            watch: crate::live::WatchMode::Native,
            demo: false,
            max_preview_bytes: crate::domain::output::DEFAULT_MAX_PREVIEW_BYTES,
            token: None,
            scan_budget: DEFAULT_SCAN_BUDGET,
        }
    }
}

/// Leptos options from the compiled-in `Leptos.toml`, overridden by `LEPTOS_*` variables.
pub fn leptos_options() -> Result<LeptosOptions, String> {
    leptos::config::get_config_from_str(LEPTOS_TOML).map_err(|err| format!("Leptos.toml: {err}"))
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
    fn durations_accept_bare_seconds_and_units() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
    }

    /// cargo-leptos builds from Cargo.toml's section, the binary runs with Leptos.toml's: the
    /// keys both have must agree, or the server looks for files the build never wrote.
    #[test]
    fn leptos_toml_agrees_with_cargo_toml() {
        let cargo: toml::Table = include_str!("../Cargo.toml").parse().unwrap();
        let runtime: toml::Table = LEPTOS_TOML.parse().unwrap();
        let build = &cargo["package"]["metadata"]["leptos"];
        let run = &runtime["package"]["metadata"]["leptos"];
        let run = run.as_table().unwrap();
        for key in [
            "output-name",
            "site-root",
            "site-pkg-dir",
            "site-addr",
            "reload-port",
        ] {
            assert_eq!(build.get(key), run.get(key), "key {key} differs");
        }
        assert_eq!(
            build.get("output-name").and_then(|v| v.as_str()),
            Some(cargo["package"]["name"].as_str().unwrap()),
            "output-name must be the package name: the hydrate script loads /pkg/<name>.js"
        );
        let cargo_config: toml::Table = include_str!("../.cargo/config.toml").parse().unwrap();
        assert_eq!(
            cargo_config["env"].get("LEPTOS_OUTPUT_NAME"),
            build.get("output-name"),
            ".cargo/config.toml must name the same bundle, or plain cargo builds look for <name>_bg.wasm"
        );
    }

    #[test]
    fn compiled_in_options_parse() {
        let options = leptos_options().unwrap();
        assert_eq!(&*options.output_name, "sessions-hub");
        assert_eq!(&*options.site_pkg_dir, "pkg");
    }
}
