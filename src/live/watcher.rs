//! notify watches the sessions folder and each session folder (non-recursively; folders, never
//! files). Events only say *which* sessions to look at, and the debounce task re-reads just
//! those: the first change after a quiet spell at once, after a 20 ms settle (leading edge, so
//! a lone write shows in milliseconds), then whatever follows folded into one re-read per
//! 250 ms window until a window passes with nothing in it (so a storm costs at most four
//! re-reads a second). A periodic
//! rescan catches whatever the watcher missed, and is all there is when native watching is
//! unavailable or `--watch poll` was chosen.

use crate::domain::monitor::WatchMode;
use crate::domain::question::QUESTIONS_DIR;
use crate::store::lifecycle::ARCHIVE_DIR;
use crate::store::SessionStore;
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// The fold window after a change has been re-read.
const DEBOUNCE: Duration = Duration::from_millis(250);
/// How long the first change after a quiet spell waits for the rest of its write: a folder
/// and its `communication.json` are two events, and reading between them would list the
/// session as unreadable until the next re-read.
const SETTLE: Duration = Duration::from_millis(20);
/// Safety-net rescan while native events flow.
const RECONCILE_NATIVE: Duration = Duration::from_secs(5);
/// Rescan interval when polling is all there is.
const RECONCILE_POLL: Duration = Duration::from_secs(1);
const QUEUE: usize = 4096;

/// What `/healthz` and the UI say about change detection.
#[derive(Clone, Debug, Serialize)]
pub struct WatchHealth {
    /// `native` or `poll`.
    pub mode: &'static str,
    /// True when native watching was wanted but is not (fully) working.
    pub degraded: bool,
    pub detail: String,
    /// Longest time a change on disk can take to be noticed, in milliseconds.
    pub worst_case_ms: u64,
}

enum Signal {
    Dirty(String),
    Rescan(&'static str),
}

/// The running watcher. It owns the notify watcher through its task; `stop` (or dropping the
/// shutdown sender) ends it and releases the OS watches.
pub struct Watcher {
    pub health: Arc<RwLock<WatchHealth>>,
    task: JoinHandle<()>,
    ticker: JoinHandle<()>,
}

impl Watcher {
    pub async fn stop(self) {
        self.ticker.abort();
        let _ = self.task.await;
    }
}

/// Starts watching `store`'s folder. Never fails: without native events it polls.
pub fn start(
    store: Arc<SessionStore>,
    mode: WatchMode,
    shutdown: watch::Receiver<bool>,
) -> Watcher {
    start_with_window(store, mode, shutdown, DEBOUNCE)
}

/// [`start`] with another fold window (a test makes it long, to tell a change re-read at once
/// from one that waited for its window).
pub fn start_with_window(
    store: Arc<SessionStore>,
    mode: WatchMode,
    shutdown: watch::Receiver<bool>,
    window: Duration,
) -> Watcher {
    let (tx, rx) = mpsc::channel(QUEUE);
    let overflowed = Arc::new(AtomicBool::new(false));
    let native = match mode {
        WatchMode::Poll => Err("polling was chosen (--watch poll)".to_owned()),
        WatchMode::Native => native_watcher(store.dir(), tx.clone(), overflowed.clone()),
    };
    let (health, interval) = match &native {
        Ok(_) => (
            WatchHealth {
                mode: "native",
                degraded: false,
                detail: "watching for changes".into(),
                worst_case_ms: RECONCILE_NATIVE.as_millis() as u64,
            },
            RECONCILE_NATIVE,
        ),
        Err(reason) => {
            if mode == WatchMode::Native {
                tracing::warn!(%reason, "native file watching unavailable; polling instead");
            }
            (
                WatchHealth {
                    mode: "poll",
                    degraded: mode == WatchMode::Native,
                    detail: format!("rescanning every {} s: {reason}", RECONCILE_POLL.as_secs()),
                    worst_case_ms: RECONCILE_POLL.as_millis() as u64,
                },
                RECONCILE_POLL,
            )
        }
    };
    let health = Arc::new(RwLock::new(health));
    let ticker = tokio::spawn(tick(tx, interval));
    let task = tokio::spawn(
        Debouncer {
            store,
            watcher: native.ok(),
            watched: BTreeSet::new(),
            watched_questions: BTreeSet::new(),
            archive_watched: false,
            overflowed,
            health: health.clone(),
            window,
        }
        .run(rx, shutdown),
    );
    Watcher {
        health,
        task,
        ticker,
    }
}

fn native_watcher(
    root: &Path,
    tx: mpsc::Sender<Signal>,
    overflowed: Arc<AtomicBool>,
) -> Result<RecommendedWatcher, String> {
    let root_for_events = root.to_path_buf();
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = RecommendedWatcher::new(
        move |event: notify::Result<notify::Event>| {
            let signals: Vec<Signal> = match event {
                Ok(event) if event.need_rescan() => vec![Signal::Rescan("the watcher lost events")],
                Ok(event) => event
                    .paths
                    .iter()
                    .filter_map(|path| session_of(&root_for_events, path))
                    .map(Signal::Dirty)
                    .collect(),
                Err(_) => vec![Signal::Rescan("the watcher reported an error")],
            };
            for signal in signals {
                if tx.try_send(signal).is_err() {
                    overflowed.store(true, Ordering::Relaxed);
                }
            }
        },
        config,
    )
    .map_err(|err| format!("cannot start the file watcher: {err}"))?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|err| format!("cannot watch {}: {err}", root.display()))?;
    Ok(watcher)
}

/// The session an event path belongs to (`.archive/<id>` is session `id` too); `None` for the
/// root itself, hidden names (staging folders, the trash, our temp and lock files) and anything
/// outside.
fn session_of(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut components = relative.components();
    let mut id = components.next()?.as_os_str().to_str()?;
    if id == ARCHIVE_DIR {
        id = components.next()?.as_os_str().to_str()?;
    }
    let leaf = relative.file_name()?.to_str()?;
    (!id.starts_with('.') && !leaf.starts_with('.')).then(|| id.to_owned())
}

async fn tick(tx: mpsc::Sender<Signal>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if tx.send(Signal::Rescan("periodic rescan")).await.is_err() {
            break;
        }
    }
}

struct Debouncer {
    store: Arc<SessionStore>,
    watcher: Option<RecommendedWatcher>,
    /// Session folders with a watch of their own.
    watched: BTreeSet<String>,
    /// Sessions whose `questions/` folder has a watch of its own.
    watched_questions: BTreeSet<String>,
    /// `.archive/` has a watch (made when it first exists): a session leaving it shows at once.
    archive_watched: bool,
    overflowed: Arc<AtomicBool>,
    health: Arc<RwLock<WatchHealth>>,
    /// How long changes after a re-read are collected before the next one.
    window: Duration,
}

impl Debouncer {
    async fn run(mut self, mut rx: mpsc::Receiver<Signal>, mut shutdown: watch::Receiver<bool>) {
        self.sync_watches();
        'quiet: loop {
            let first = tokio::select! {
                _ = shutdown.wait_for(|stopping| *stopping) => break,
                signal = rx.recv() => match signal {
                    Some(signal) => signal,
                    None => break,
                },
            };
            let mut dirty = BTreeSet::new();
            let mut rescan = None;
            absorb(first, &mut dirty, &mut rescan);
            // A burst: the first change after a while settles briefly (the rest of the same
            // write: a new folder's file, a file's last bytes) and is re-read; what arrives
            // during the window after it is folded into the next re-read; a window with
            // nothing in it ends the burst.
            let mut wait = SETTLE;
            loop {
                let window = tokio::time::sleep(wait);
                tokio::pin!(window);
                loop {
                    tokio::select! {
                        _ = shutdown.wait_for(|stopping| *stopping) => break 'quiet,
                        () = &mut window => break,
                        signal = rx.recv() => match signal {
                            Some(signal) => absorb(signal, &mut dirty, &mut rescan),
                            None => break 'quiet,
                        },
                    }
                }
                if self.overflowed.swap(false, Ordering::Relaxed) {
                    rescan = Some("the event queue overflowed");
                }
                if dirty.is_empty() && rescan.is_none() {
                    continue 'quiet;
                }
                self.apply(std::mem::take(&mut dirty), rescan.take()).await;
                wait = self.window;
            }
        }
        // Dropping `self.watcher` here releases the OS watches.
    }

    async fn apply(&mut self, dirty: BTreeSet<String>, rescan: Option<&'static str>) {
        let store = self.store.clone();
        let outcome = tokio::task::spawn_blocking(move || match rescan {
            Some(_) => store.refresh().map_err(|err| err.to_string()),
            None => Ok(store.refresh_ids(dirty)),
        })
        .await;
        match outcome {
            Ok(Ok(changes)) => {
                if let Some(reason) = rescan.filter(|_| !changes.is_empty()) {
                    tracing::debug!(reason, ?changes, "rescan found changes");
                }
                // Whoever refreshed first (a request may have), watch what is there now.
                let newly_watched = self.sync_watches();
                // A question written between the refresh and its folder's new watch would
                // wait for the next rescan: read those sessions once more.
                if !newly_watched.is_empty() {
                    let store = self.store.clone();
                    let _ =
                        tokio::task::spawn_blocking(move || store.refresh_ids(newly_watched)).await;
                }
            }
            Ok(Err(err)) => tracing::warn!(%err, "cannot rescan the sessions folder"),
            Err(err) => tracing::error!(%err, "rescan task failed"),
        }
    }

    /// One watch per session folder the store knows (readable or not) and per `questions/`
    /// folder in them, none for folders that are gone. Returns the sessions whose questions
    /// folder has just been watched.
    fn sync_watches(&mut self) -> Vec<String> {
        let Some(watcher) = self.watcher.as_mut() else {
            return Vec::new();
        };
        let archive = self.store.dir().join(ARCHIVE_DIR);
        if !self.archive_watched && archive.is_dir() {
            match watcher.watch(&archive, RecursiveMode::NonRecursive) {
                Ok(()) => self.archive_watched = true,
                Err(err) => degraded(&self.health, &archive, err),
            }
        }
        let snapshot = self.store.list();
        let current: BTreeSet<&str> = snapshot
            .list
            .sessions
            .iter()
            .map(|s| s.id.as_str())
            .chain(snapshot.list.invalid.iter().map(|s| s.id.as_str()))
            .collect();
        let gone: Vec<String> = self
            .watched
            .iter()
            .filter(|id| !current.contains(id.as_str()))
            .cloned()
            .collect();
        for id in gone {
            self.watched.remove(&id);
            self.watched_questions.remove(&id);
            // The folder is gone, and with it usually the watch; an error is expected.
            let _ = watcher.unwatch(&self.store.dir().join(&id));
        }
        let mut newly_watched = Vec::new();
        for id in current {
            let folder: PathBuf = self.store.dir().join(id);
            if !self.watched.contains(id) {
                match watcher.watch(&folder, RecursiveMode::NonRecursive) {
                    Ok(()) => {
                        self.watched.insert(id.to_owned());
                    }
                    Err(err) => {
                        degraded(&self.health, &folder, err);
                        continue;
                    }
                }
            }
            let questions = folder.join(QUESTIONS_DIR);
            if !self.watched_questions.contains(id) && questions.is_dir() {
                match watcher.watch(&questions, RecursiveMode::NonRecursive) {
                    Ok(()) => {
                        self.watched_questions.insert(id.to_owned());
                        newly_watched.push(id.to_owned());
                    }
                    Err(err) => degraded(&self.health, &questions, err),
                }
            }
        }
        newly_watched
    }
}

/// Out of inotify watches, most likely: the periodic rescan still sees the folder.
fn degraded(health: &RwLock<WatchHealth>, folder: &Path, err: notify::Error) {
    let mut health = health.write().expect("health lock");
    health.degraded = true;
    health.detail = format!(
        "cannot watch {}: {err}; changes inside such sessions show within {} s",
        folder.display(),
        RECONCILE_NATIVE.as_secs()
    );
}

fn absorb(signal: Signal, dirty: &mut BTreeSet<String>, rescan: &mut Option<&'static str>) {
    match signal {
        Signal::Dirty(id) => {
            dirty.insert(id);
        }
        Signal::Rescan(reason) => *rescan = Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_map_to_sessions_and_hidden_names_are_dropped() {
        let root = Path::new("/s");
        assert_eq!(session_of(root, Path::new("/s/abc")), Some("abc".into()));
        assert_eq!(
            session_of(root, Path::new("/s/abc/communication.json")),
            Some("abc".into())
        );
        assert_eq!(session_of(root, Path::new("/s/.staging-1")), None);
        assert_eq!(session_of(root, Path::new("/s/abc/.~hub-x.tmp")), None);
        assert_eq!(session_of(root, Path::new("/s/abc/.hub.lock")), None);
        assert_eq!(
            session_of(root, Path::new("/s/abc/questions/q-1.json")),
            Some("abc".into())
        );
        assert_eq!(
            session_of(root, Path::new("/s/abc/questions/.~hub-x.tmp")),
            None
        );
        assert_eq!(session_of(root, Path::new("/s")), None);
        assert_eq!(
            session_of(root, Path::new("/s/.archive/abc")),
            Some("abc".into())
        );
        assert_eq!(session_of(root, Path::new("/s/.archive")), None);
        assert_eq!(session_of(root, Path::new("/s/.trash/1/abc")), None);
        assert_eq!(session_of(root, Path::new("/elsewhere/x")), None);
    }
}
