//! Creating sessions and what the wizard needs on the way: stubs, context discovery (with
//! progress and cancel), attachment checks and the package's size.

use super::{now_ms, Config, Hub};
use crate::discovery::{discover, DiscoveryOptions};
use crate::domain::context::{DiscoveryResult, PackageSize, ProjectFile};
use crate::domain::create::{
    next_phase_request, normalize_relative_path, CreateRequest, Generated, PhaseOutput,
};
use crate::domain::history::Actor;
use crate::domain::ids::SessionId;
use crate::domain::report::MAX_REPORTED_OUTPUT_BYTES;
use crate::domain::stub::StubList;
use crate::domain::HubError;
use crate::generate::{generate, GenerateOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Hub {
    /// Validates `request` and writes the session (all files or none), then puts it in the
    /// store at once, so every Monitor shows it without waiting for the watcher. Invalid input
    /// is [`HubError::Validation`] and writes nothing.
    pub async fn create(&self, request: CreateRequest, by: Actor) -> Result<Generated, HubError> {
        let generated = self
            .blocking("creating a session", move |hub| {
                let config = hub.config();
                let options = generate_options(config, now_ms() as u64);
                let generated = generate(
                    &config.sessions_dir,
                    &config.project_root,
                    &request,
                    &options,
                )?;
                hub.store().record_created(&generated.session_id, by);
                hub.store().publish_new(&generated.session_id)?;
                Ok(generated)
            })
            .await?;
        tracing::info!(
            session = %generated.session_id,
            agents = generated.one_liners.len(),
            "session created"
        );
        Ok(generated)
    }

    /// Context discovery for a script: `description` over the project root or `project_path`
    /// (a folder inside it), stopped after [`API_SCAN_BUDGET`] at most.
    pub async fn discover(
        &self,
        description: Option<String>,
        project_path: Option<String>,
    ) -> Result<DiscoveryResult, HubError> {
        let description = description
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| {
                HubError::Invalid(
                    "stubDescription is required: the text to find context for.".into(),
                )
            })?;
        self.blocking("discovering context", move |hub| {
            let config = hub.config();
            let folder = resolve_project_path(&config.project_root, project_path.as_deref())?;
            discover_in(
                &config.project_root,
                &folder,
                &description,
                &discovery_options(config),
            )
        })
        .await
    }

    /// Context discovery for the wizard, over the whole project root, for up to the configured
    /// budget. `scan_id` (chosen by the browser) lets [`Hub::scan_progress`] and
    /// [`Hub::cancel_scan`] find the scan while it runs.
    pub async fn discover_for_wizard(
        &self,
        description: String,
        scan_id: String,
    ) -> Result<DiscoveryResult, HubError> {
        let guard = self.inner.scans.start(&scan_id)?;
        let mut options = discovery_options(self.config());
        options.time_budget = self.config().scan_budget;
        options.cancel = Some(guard.cancel.clone());
        options.progress = Some(guard.progress.clone());
        let result = self
            .blocking("discovering context", move |hub| {
                let root = &hub.config().project_root;
                discover_in(root, root, &description, &options)
            })
            .await;
        drop(guard);
        result
    }

    /// Files scanned so far by scan `scan_id`; `None` once it has finished (or before it starts).
    pub fn scan_progress(&self, scan_id: &str) -> Option<usize> {
        self.inner.scans.progress(scan_id)
    }

    /// Stops scan `scan_id`; it answers with what it found so far, flagged `partial`.
    pub fn cancel_scan(&self, scan_id: &str) -> bool {
        self.inner.scans.cancel(scan_id)
    }

    /// "Start Session": the session a stub asks for, in one step: its roster, its scope as
    /// the task, its first phase, and the context files discovery pre-selects for its
    /// description (within [`API_SCAN_BUDGET`]).
    pub async fn start_from_stub(&self, folder: String, by: Actor) -> Result<Generated, HubError> {
        let stub = self
            .blocking("reading a stub", move |hub| {
                crate::store::stubs::read_stub(&hub.config().stubs_dir, &folder)
            })
            .await?;
        let description = stub.description.clone();
        let context = self
            .blocking("discovering context", move |hub| {
                let config = hub.config();
                discover_in(
                    &config.project_root,
                    &config.project_root,
                    &description,
                    &discovery_options(config),
                )
            })
            .await
            .map(|found| found.auto_selected)
            // No context is better than no session: the person can add files later.
            .unwrap_or_default();
        self.create(crate::domain::create::request_from_stub(&stub, context), by)
            .await
    }

    /// "Start next phase" on a session: the wizard's request for the phase after it (the same
    /// stub and roster, the next phase, each agent's outputs attached, capped at 64 KiB each).
    pub async fn next_phase_request(&self, id: SessionId) -> Result<CreateRequest, HubError> {
        self.blocking("preparing the next phase", move |hub| {
            let store = hub.store();
            let file = store.communication(&id)?;
            let folder = store.folder(&id)?;
            let stub = file.stub_id.as_deref().and_then(|stub_id| {
                crate::store::stubs::list_stubs(&hub.config().stubs_dir)
                    .into_iter()
                    .filter_map(|entry| entry.stub.ok())
                    .find(|stub| stub.id == stub_id)
            });
            let roots = &hub.config().allow_output_roots;
            let outputs: Vec<PhaseOutput> = file
                .agents
                .iter()
                .flat_map(|agent| agent.outputs().into_iter().map(move |path| (agent, path)))
                .filter_map(|(agent, path)| {
                    let (opened, size) =
                        crate::store::output::open_output(&folder, &path, roots).ok()??;
                    let read = crate::fsutil::read::read_prefix(
                        &opened,
                        size,
                        MAX_REPORTED_OUTPUT_BYTES as u64,
                    )
                    .ok()?;
                    let text = String::from_utf8_lossy(&read.bytes).into_owned();
                    (!text.trim().is_empty()).then(|| PhaseOutput {
                        agent_id: agent.agent_id.clone(),
                        path,
                        text,
                    })
                })
                .collect();
            Ok(next_phase_request(
                id.as_str(),
                &file,
                stub.as_ref(),
                &outputs,
            ))
        })
        .await
    }

    /// Every stub folder of the stubs directory; an unusable one is listed with its error.
    pub async fn stubs(&self) -> Result<StubList, HubError> {
        self.blocking("listing stubs", |hub| {
            let dir = &hub.config().stubs_dir;
            Ok(StubList {
                stubs: crate::store::stubs::list_stubs(dir),
                stubs_dir: dir.display().to_string(),
            })
        })
        .await
    }

    /// Whether `path` names a file of the project that can be attached.
    pub async fn check_attachment(&self, path: String) -> Result<ProjectFile, HubError> {
        self.blocking("checking an attachment", move |hub| {
            crate::generate::check_project_file(&hub.config().project_root, &path)
        })
        .await
    }

    /// The size of the context package `request` would generate (the wizard's summary).
    /// The prompt the `agent`-th agent (0-based) would get, written nowhere (the wizard's
    /// summary shows it before Generate Session).
    pub async fn preview_prompt(
        &self,
        request: CreateRequest,
        agent: usize,
    ) -> Result<String, HubError> {
        self.blocking("previewing a prompt", move |hub| {
            let config = hub.config();
            let options = generate_options(config, now_ms() as u64);
            crate::generate::preview_prompt(
                &config.sessions_dir,
                &config.project_root,
                &request,
                &options,
                agent,
            )
        })
        .await
    }

    pub async fn measure(&self, request: CreateRequest) -> Result<PackageSize, HubError> {
        self.blocking("measuring a package", move |hub| {
            crate::generate::package_size(&hub.config().project_root, &request)
        })
        .await
    }
}

/// Scans through the JSON API, which shows no progress, stop after this long at most.
pub const API_SCAN_BUDGET: Duration = Duration::from_secs(2);

/// How prompts tell agents to report, wait and ask: with the `hub` command on this sessions
/// directory (or against this hub from elsewhere), or over HTTP.
fn generate_options(config: &Config, now_ms: u64) -> GenerateOptions {
    let sessions_dir =
        std::fs::canonicalize(&config.sessions_dir).unwrap_or_else(|_| config.sessions_dir.clone());
    GenerateOptions {
        now_ms,
        hub_url: Some(format!("http://{}", config.addr)),
        cli_target: format!(
            "--sessions-dir {}",
            crate::domain::untrusted::shell_quote(&sessions_dir.display().to_string())
        ),
    }
}

/// Discovery never looks into the hub's own folders: their copies of project files would drown
/// the originals.
fn discovery_options(config: &Config) -> DiscoveryOptions {
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
fn resolve_project_path(root: &Path, raw: Option<&str>) -> Result<PathBuf, HubError> {
    let root = std::fs::canonicalize(root).map_err(|err| {
        HubError::internal(
            format!("the project root {} cannot be used", root.display()),
            err,
        )
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
/// [`resolve_project_path`]). Paths in the result are relative to the
/// project root either way, as `POST /api/sessions/create` expects them.
fn discover_in(
    root: &Path,
    folder: &Path,
    description: &str,
    options: &DiscoveryOptions,
) -> Result<DiscoveryResult, HubError> {
    {
        let mut result = discover(folder, description, options)?;
        // Both canonical: a root given as `sessions/..` is still the folder it names.
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let prefix = std::fs::canonicalize(root)
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
