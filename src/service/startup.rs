//! Opening the hub on its folder, and the work that runs beside the server: the watcher that
//! keeps the index in step with the disk, and, with `--demo`, the simulated agents.

use super::{demo, Config, Hub};
use crate::live::{WatchHealth, Watcher};
use crate::store::postgres::{Following, Postgres};
use std::sync::{Arc, RwLock};
use tokio::sync::watch;
use tokio::task::JoinHandle;

impl Hub {
    /// Creates the sessions folder if missing, removes what interrupted writes left behind
    /// (nothing else can be writing yet), and reads every session once.
    pub async fn open(config: Config) -> Result<Hub, String> {
        let dir = config.sessions_dir.clone();
        std::fs::create_dir_all(&dir).map_err(|err| {
            format!(
                "cannot create the sessions directory {}: {err}",
                dir.display()
            )
        })?;
        // A crash mid-create leaves a staging folder behind.
        match crate::generate::sweep_staging(&dir) {
            Ok(removed) => tracing::info!(removed, "swept unfinished session folders (staging)"),
            Err(err) => tracing::warn!(%err, "cannot sweep unfinished session folders"),
        }
        // A writer killed mid-write leaves a temp file in its session folder.
        match crate::store::write::sweep_temp_files(&dir) {
            Ok(removed) => tracing::info!(removed, "swept temp files of interrupted writes"),
            Err(err) => tracing::warn!(%err, "cannot sweep temp files of interrupted writes"),
        }
        let shared = match (config.store.clone(), config.publish_to.clone()) {
            (Some(_), Some(_)) => {
                return Err(
                    "--store and --publish-to cannot be used together: --store makes \
                            the database the store of record, --publish-to keeps the folder"
                        .into(),
                )
            }
            (Some(url), None) => Some(open_shared_store(url, dir.clone()).await?),
            (None, Some(url)) => {
                let name = config
                    .edge_name
                    .clone()
                    .unwrap_or_else(|| crate::store::postgres::default_edge_name(&dir));
                Some(open_edge(url, dir.clone(), name).await?)
            }
            (None, None) => None,
        };
        let hub = Hub::with_shared_store(config, shared);
        let started = std::time::Instant::now();
        let store = hub.store().clone();
        let scan = tokio::task::spawn_blocking(move || store.refresh())
            .await
            .map_err(|err| format!("initial scan failed: {err}"))?
            .map_err(|err| format!("cannot read the sessions directory: {err}"))?;
        tracing::info!(
            sessions = scan.created.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "initial scan done"
        );
        if let Some((postgres, _)) = hub.inner.shared.clone().filter(|(pg, _)| pg.is_edge()) {
            // After the scan: a change from now on is the watcher's to publish.
            let store = hub.store().clone();
            tokio::task::spawn_blocking(move || publish_edge(&postgres, &store))
                .await
                .map_err(|err| format!("publishing the sessions failed: {err}"))??;
        }
        // The syntax highlighter loads its definitions once, outside any render deadline.
        tokio::task::spawn_blocking(crate::render::warm_up);
        Ok(hub)
    }

    /// Starts the watcher, or the follower of the shared store (and the demo's agents, if
    /// asked for), until `shutdown` turns true.
    pub fn run_in_background(&self, shutdown: watch::Receiver<bool>, demo: bool) -> Background {
        let mut publishing = None;
        let (watcher, following) = match &self.inner.shared {
            Some((postgres, cursor)) if postgres.is_edge() => {
                // The folder is the store of record: watched as ever, and the database
                // followed for the team's changes to its sessions.
                let watcher =
                    crate::live::start(self.store().clone(), self.config().watch, shutdown.clone());
                self.watched_by(watcher.health.clone());
                let following =
                    crate::store::postgres::follow(postgres.clone(), self.store().clone(), *cursor);
                publishing = Some(tokio::spawn(publish_observed_changes(
                    self.store().clone(),
                    shutdown.clone(),
                )));
                (Some(watcher), Some(following))
            }
            None => {
                let watcher =
                    crate::live::start(self.store().clone(), self.config().watch, shutdown.clone());
                self.watched_by(watcher.health.clone());
                (Some(watcher), None)
            }
            Some((postgres, cursor)) => {
                let every = crate::store::postgres::CATCH_UP_EVERY;
                self.watched_by(Arc::new(RwLock::new(WatchHealth {
                    mode: "postgres",
                    degraded: false,
                    detail: format!(
                        "following {} (LISTEN/NOTIFY, and the change log every {} s)",
                        postgres.shown_url,
                        every.as_secs()
                    ),
                    worst_case_ms: every.as_millis() as u64,
                })));
                let following =
                    crate::store::postgres::follow(postgres.clone(), self.store().clone(), *cursor);
                (None, Some(following))
            }
        };
        let staleness = tokio::spawn(mark_stale_agents(self.store().clone(), shutdown.clone()));
        let simulator = demo.then(|| tokio::spawn(demo::simulate(self.store().clone(), shutdown)));
        Background {
            watcher,
            following,
            publishing,
            staleness,
            simulator,
        }
    }
}

/// Connects to the shared store at `url` and brings the replica in `dir` in line with it;
/// answers the store and the generation the replica now holds.
async fn open_shared_store(
    url: String,
    dir: std::path::PathBuf,
) -> Result<(Arc<Postgres>, i64), String> {
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let postgres = Postgres::connect(&url, &dir)?;
        // Read before the sync: what lands meanwhile is applied again, harmlessly.
        let cursor = postgres
            .newest_generation()
            .map_err(|err| err.to_string())?;
        let synced = postgres.sync_all().map_err(|err| err.to_string())?;
        let pruned = postgres.prune_changes().unwrap_or(0);
        tracing::info!(
            store = %postgres.shown_url,
            fetched = synced.fetched,
            removed = synced.removed,
            published = synced.published,
            pruned,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "the replica follows the shared store"
        );
        Ok((Arc::new(postgres), cursor))
    })
    .await
    .map_err(|err| format!("opening the shared store failed: {err}"))?
}

/// Connects to the team's database as the edge `name`; answers the store and the generation
/// to follow from (publishing waits for the initial scan).
async fn open_edge(
    url: String,
    dir: std::path::PathBuf,
    name: String,
) -> Result<(Arc<Postgres>, i64), String> {
    tokio::task::spawn_blocking(move || {
        let postgres = Postgres::connect_edge(&url, &dir, &name)?;
        let cursor = postgres
            .newest_generation()
            .map_err(|err| err.to_string())?;
        tracing::info!(store = %postgres.shown_url, edge = %name, "publishing this folder to the shared store");
        Ok((Arc::new(postgres), cursor))
    })
    .await
    .map_err(|err| format!("opening the shared store failed: {err}"))?
}

/// Meets every session once: the folder's changes go out, the team's come in.
fn publish_edge(postgres: &Postgres, store: &crate::store::SessionStore) -> Result<(), String> {
    let started = std::time::Instant::now();
    let report = postgres.sync_all().map_err(|err| err.to_string())?;
    // Always: what the sync applied, and anything written while it ran (one `stat` each).
    store
        .refresh()
        .map_err(|err| format!("cannot read the sessions directory: {err}"))?;
    tracing::info!(
        published = report.published,
        applied = report.fetched,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "the folder is published to the shared store"
    );
    Ok(())
}

/// An edge's folder changes under its agents' hands: every change the store sees is recorded
/// in the session's history (as the history's own observer would: whichever comes first
/// records it, once) and published with it.
async fn publish_observed_changes(
    store: Arc<crate::store::SessionStore>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut changed = store.subscribe();
    let mut seen = *changed.borrow_and_update();
    while !*shutdown.borrow() {
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = changed.changed() => {}
        }
        let generation = *changed.borrow_and_update();
        let changes = store.changes_since(seen);
        seen = generation;
        let work = store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let ids: Vec<String> = match changes {
                Some(changes) => {
                    let alive: Vec<String> =
                        changes.created.into_iter().chain(changes.updated).collect();
                    work.observe_history(Some(alive.clone()));
                    alive.into_iter().chain(changes.removed).collect()
                }
                // Too far behind to know what changed: every session.
                None => {
                    work.observe_history(None);
                    work.list()
                        .list
                        .sessions
                        .iter()
                        .map(|s| s.id.clone())
                        .collect()
                }
            };
            work.backend().observed(&ids);
        })
        .await;
    }
}

/// Running agents go stale without anyone writing: at each such moment the affected sessions
/// are assessed again and published as changed, so pages and ETags follow.
async fn mark_stale_agents(
    store: std::sync::Arc<crate::store::SessionStore>,
    mut shutdown: watch::Receiver<bool>,
) {
    // A write may bring the next moment closer: look again after every change.
    let mut changed = store.subscribe();
    const AT_MOST: std::time::Duration = std::time::Duration::from_secs(60);
    while !*shutdown.borrow() {
        let wait = store
            .next_attention_change()
            .map(|due| {
                due.duration_since(std::time::SystemTime::now())
                    .unwrap_or_default()
            })
            .unwrap_or(AT_MOST)
            .min(AT_MOST);
        tokio::select! {
            _ = shutdown.changed() => break,
            _ = changed.changed() => continue,
            _ = tokio::time::sleep(wait) => {}
        }
        let store = store.clone();
        let _ = tokio::task::spawn_blocking(move || store.reassess()).await;
    }
}

impl Hub {
    /// The watcher for a command that waits on one session (a local `hub wait` or `hub ask`),
    /// that session read first so that its folder is watched from the start.
    pub async fn watch_session(
        &self,
        session: &crate::domain::ids::SessionId,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Background, crate::domain::HubError> {
        let id = session.as_str().to_owned();
        self.blocking("reading a session", move |hub| {
            hub.store().refresh_ids([id]);
            Ok(())
        })
        .await?;
        Ok(self.run_in_background(shutdown, false))
    }
}

/// What [`Hub::run_in_background`] started.
pub struct Background {
    watcher: Option<Watcher>,
    following: Option<Following>,
    /// An edge's publisher of what the watcher saw change.
    publishing: Option<JoinHandle<()>>,
    staleness: JoinHandle<()>,
    simulator: Option<JoinHandle<()>>,
}

impl Background {
    /// Waits for everything to stop (after shutdown was signalled).
    pub async fn stop(self) {
        if let Some(watcher) = self.watcher {
            watcher.stop().await;
        }
        if let Some(following) = self.following {
            following.stop();
        }
        if let Some(publishing) = self.publishing {
            let _ = publishing.await;
        }
        let _ = self.staleness.await;
        if let Some(simulator) = self.simulator {
            let _ = simulator.await;
        }
    }
}
