//! Opening the hub on its folder, and the work that runs beside the server: the watcher that
//! keeps the index in step with the disk, and, with `--demo`, the simulated agents.

use super::{demo, Config, Hub};
use crate::live::Watcher;
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
        let hub = Hub::new(config);
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
        // The syntax highlighter loads its definitions once, outside any render deadline.
        tokio::task::spawn_blocking(crate::render::warm_up);
        Ok(hub)
    }

    /// Starts the watcher (and the demo's agents, if asked for) until `shutdown` turns true.
    pub fn run_in_background(&self, shutdown: watch::Receiver<bool>, demo: bool) -> Background {
        let watcher =
            crate::live::start(self.store().clone(), self.config().watch, shutdown.clone());
        self.watched_by(watcher.health.clone());
        let staleness = tokio::spawn(mark_stale_agents(self.store().clone(), shutdown.clone()));
        let simulator = demo.then(|| tokio::spawn(demo::simulate(self.store().clone(), shutdown)));
        Background {
            watcher,
            staleness,
            simulator,
        }
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
    watcher: Watcher,
    staleness: JoinHandle<()>,
    simulator: Option<JoinHandle<()>>,
}

impl Background {
    /// Waits for everything to stop (after shutdown was signalled).
    pub async fn stop(self) {
        self.watcher.stop().await;
        let _ = self.staleness.await;
        if let Some(simulator) = self.simulator {
            let _ = simulator.await;
        }
    }
}
