//! Creating sessions and discovering context: the work behind both the REST endpoints
//! (`api.rs`) and the wizard's server functions (`server_fns/create.rs`), so both apply the
//! same rules and the same options.

use super::AppState;
use crate::config::Config;
use crate::discovery::{discover, DiscoveryOptions};
use crate::domain::context::DiscoveryResult;
use crate::domain::draft::{normalize_relative_path, CreateRequest, Generated};
use crate::domain::HubError;
use crate::generate::{generate, GenerateOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Scans through the JSON API, which shows no progress, stop after this long at most.
pub const API_SCAN_BUDGET: Duration = Duration::from_secs(2);

/// `'text'` for a POSIX shell: the prompts show a command line agents paste as is.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// How prompts tell agents to report their status: over HTTP to this hub, or with the CLI on
/// the same sessions directory.
pub fn generate_options(config: &Config, now_ms: u64) -> GenerateOptions {
    let sessions_dir =
        std::fs::canonicalize(&config.sessions_dir).unwrap_or_else(|_| config.sessions_dir.clone());
    GenerateOptions {
        now_ms,
        hub_url: Some(format!("http://{}", config.addr)),
        status_command: format!(
            "hub status set --sessions-dir {}",
            shell_quote(&sessions_dir.display().to_string())
        ),
    }
}

/// Validates `request` again, writes the session (all files or none) and puts it in the store
/// at once, so every Monitor shows it without waiting for the watcher.
pub async fn create_session(
    state: &AppState,
    request: CreateRequest,
) -> Result<Generated, HubError> {
    let config = state.config.clone();
    let store = state.store.clone();
    let now_ms = crate::store::read::unix_ms(std::time::SystemTime::now()) as u64;
    let generated = tokio::task::spawn_blocking(move || {
        let options = generate_options(&config, now_ms);
        let generated = generate(
            &config.sessions_dir,
            &config.project_root,
            &request,
            &options,
        )?;
        store.refresh_ids([generated.session_id.clone()]);
        Ok::<_, HubError>(generated)
    })
    .await
    .map_err(|err| HubError::Internal(err.to_string()))??;
    tracing::info!(
        session = %generated.session_id,
        agents = generated.one_liners.len(),
        "session created"
    );
    Ok(generated)
}

/// Discovery never looks into the hub's own folders: their copies of project files would drown
/// the originals.
pub fn discovery_options(config: &Config) -> DiscoveryOptions {
    DiscoveryOptions {
        exclude: vec![config.sessions_dir.clone(), config.stubs_dir.clone()],
        time_budget: API_SCAN_BUDGET.min(config.scan_budget),
        ..DiscoveryOptions::default()
    }
}

/// The folder a discovery request may scan: the configured project root, or a folder inside
/// it given relative to it or as an absolute path. Anything else is refused before it is
/// looked at, so a request cannot probe the filesystem: a path that is not under the root is
/// `Forbidden` (403), a folder under it that does not exist is `Invalid` (400).
pub fn resolve_project_path(root: &Path, raw: Option<&str>) -> Result<PathBuf, HubError> {
    let root = std::fs::canonicalize(root).map_err(|err| {
        HubError::Internal(format!(
            "the project root {} cannot be used: {err}",
            root.display()
        ))
    })?;
    let raw = raw.map(str::trim).filter(|raw| !raw.is_empty());
    let Some(raw) = raw else {
        return Ok(root);
    };
    let outside = || {
        HubError::Forbidden(format!(
            "projectPath {raw:?} is outside the project root this hub serves; give the root or a folder inside it."
        ))
    };
    let candidate = if Path::new(raw).is_absolute() {
        let path = Path::new(raw);
        // Lexically first: a path elsewhere is refused without touching it.
        if !path.starts_with(&root) || path.components().any(|c| c.as_os_str() == "..") {
            return Err(outside());
        }
        path.to_path_buf()
    } else {
        match normalize_relative_path(raw) {
            Ok(relative) => root.join(relative),
            Err(_)
                if raw
                    .split(['/', '\\'])
                    .all(|part| part.is_empty() || part == ".") =>
            {
                return Ok(root)
            }
            Err(_) => return Err(outside()),
        }
    };
    let canonical = std::fs::canonicalize(&candidate).map_err(|_| {
        HubError::Invalid(format!(
            "projectPath {raw:?} does not exist in the project root."
        ))
    })?;
    // A symbolic link inside the root may still lead out of it.
    if !canonical.starts_with(&root) {
        return Err(outside());
    }
    if !canonical.is_dir() {
        return Err(HubError::Invalid(format!(
            "projectPath {raw:?} is not a folder."
        )));
    }
    Ok(canonical)
}

/// Runs discovery of `folder` (the project root or a folder inside it, see
/// [`resolve_project_path`]) on a blocking thread. Paths in the result are relative to the
/// project root either way, as `POST /api/sessions/create` expects them.
pub async fn discover_blocking(
    root: PathBuf,
    folder: PathBuf,
    description: String,
    options: DiscoveryOptions,
) -> Result<DiscoveryResult, HubError> {
    tokio::task::spawn_blocking(move || {
        let mut result = discover(&folder, &description, &options)?;
        let prefix = std::fs::canonicalize(&root)
            .ok()
            .and_then(|root| folder.strip_prefix(root).ok().map(Path::to_path_buf))
            .and_then(|p| p.to_str().map(|p| p.replace('\\', "/")))
            .unwrap_or_default();
        if !prefix.is_empty() {
            let under = |path: &mut String| *path = format!("{prefix}/{path}");
            result.files.iter_mut().for_each(|f| under(&mut f.path));
            result.auto_selected.iter_mut().for_each(under);
        }
        Ok(result)
    })
    .await
    .map_err(|err| HubError::Internal(err.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_quotes_and_spaces() {
        assert_eq!(shell_quote("/a b"), "'/a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn project_paths_stay_under_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        std::fs::write(root.join("file.txt"), "x").unwrap();
        let canonical = std::fs::canonicalize(&root).unwrap();

        for ok in [None, Some(""), Some("."), Some("./")] {
            assert_eq!(
                resolve_project_path(&root, ok).unwrap(),
                canonical,
                "{ok:?}"
            );
        }
        assert_eq!(
            resolve_project_path(&root, Some("src/deep")).unwrap(),
            canonical.join("src/deep")
        );
        let absolute = canonical.join("src").display().to_string();
        assert_eq!(
            resolve_project_path(&root, Some(&absolute)).unwrap(),
            canonical.join("src")
        );

        for forbidden in ["/etc", "..", "../project", "src/../../x"] {
            assert!(
                matches!(
                    resolve_project_path(&root, Some(forbidden)),
                    Err(HubError::Forbidden(_))
                ),
                "{forbidden}"
            );
        }
        let sneaky = format!("{}/../..", canonical.display());
        assert!(matches!(
            resolve_project_path(&root, Some(&sneaky)),
            Err(HubError::Forbidden(_))
        ));
        for invalid in ["missing", "file.txt"] {
            assert!(
                matches!(
                    resolve_project_path(&root, Some(invalid)),
                    Err(HubError::Invalid(_))
                ),
                "{invalid}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path(), root.join("out")).unwrap();
            assert!(matches!(
                resolve_project_path(&root, Some("out")),
                Err(HubError::Forbidden(_))
            ));
        }
    }
}
