//! `--notify-url`: a JSON POST to each URL when an agent completes or is blocked, a question
//! is asked, or a session completes. Alerts come from the history (every event this hub
//! appends or reads there), so each change is one alert, whoever made it. Delivery runs on
//! tasks of its own, retried with backoff for ten minutes; a write never waits for it.
//!
//! Restarts: per session, `.hub/notified.json` holds the last history number every alert up to
//! which was delivered (or given up on). Events after it are delivered at the next start; a
//! session never notified before starts from its history's end, so a first start does not
//! replay the past.

use crate::domain::alert::{alert_for, Alert};
use crate::domain::history::HISTORY_DIR;
use crate::domain::ids::SessionId;
use crate::store::history::Seen;
use crate::store::SessionStore;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

const NOTIFIED_FILE: &str = "notified.json";
/// Each attempt gives up after this long (a receiver that hangs costs one task, nothing else).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How delivery retries: doubling waits from `first` up to `longest`, for `for_at_most`.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub first: Duration,
    pub longest: Duration,
    pub for_at_most: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            longest: Duration::from_secs(60),
            for_at_most: Duration::from_secs(600),
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
struct NotifiedFile {
    seq: u64,
}

/// Per session: what has been delivered, and what is on its way.
#[derive(Default)]
struct Progress {
    delivered: u64,
    highest: u64,
    pending: BTreeSet<u64>,
}

impl Progress {
    /// Every alert up to this number is done.
    fn done_through(&self) -> u64 {
        match self.pending.first() {
            Some(first) => first - 1,
            None => self.highest.max(self.delivered),
        }
    }
}

struct Notifier {
    store: Arc<SessionStore>,
    urls: Arc<Vec<String>>,
    retry: Retry,
    http: ureq::Agent,
    progress: Mutex<HashMap<String, Progress>>,
}

/// Delivers alerts for what the store's history log sees until `shutdown`.
pub fn start(
    store: Arc<SessionStore>,
    urls: Vec<String>,
    retry: Retry,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let (sender, mut seen) = mpsc::unbounded_channel();
    store.history().send_seen_to(sender);
    let http = ureq::Agent::config_builder()
        .timeout_global(Some(ATTEMPT_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let notifier = Arc::new(Notifier {
        store,
        urls: Arc::new(urls),
        retry,
        http,
        progress: Mutex::default(),
    });
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                next = seen.recv() => match next {
                    Some(seen) => notifier.clone().take(seen).await,
                    None => break,
                },
            }
        }
    })
}

impl Notifier {
    async fn take(self: Arc<Self>, seen: Seen) {
        let Ok(id) = SessionId::parse(&seen.session) else {
            return;
        };
        let Ok(folder) = self.store.folder(&id) else {
            return;
        };
        let feature = self
            .store
            .communication(&id)
            .ok()
            .and_then(|file| file.feature_name.clone())
            .unwrap_or_default();
        let on_disk = {
            let folder = folder.clone();
            tokio::task::spawn_blocking(move || read_notified(&folder))
                .await
                .ok()
                .flatten()
        };
        let mut alerts = Vec::new();
        // Set when this is the first look at a session never notified: start from its end.
        let mut start_at = None;
        {
            let mut all = self.progress.lock().expect("alert progress");
            let known = all.contains_key(&seen.session);
            let progress = all.entry(seen.session.clone()).or_default();
            if !known {
                match on_disk {
                    Some(delivered) => {
                        progress.delivered = delivered;
                        progress.highest = delivered;
                    }
                    // Never notified: what is already in the history is not news.
                    None if seen.replayed => {
                        let highest = seen.events.iter().map(|e| e.seq).max().unwrap_or(0);
                        progress.delivered = highest;
                        progress.highest = highest;
                        start_at = Some(highest);
                    }
                    None => {}
                }
            }
            // In history order: anything up to the highest number already handled is done or
            // on its way.
            for event in &seen.events {
                if event.seq <= progress.highest {
                    continue;
                }
                progress.highest = event.seq;
                if let Some(alert) = alert_for(&seen.session, &feature, event) {
                    progress.pending.insert(alert.seq);
                    alerts.push(alert);
                }
            }
        }
        if let Some(highest) = start_at {
            save_notified(&folder, highest).await;
        }
        for alert in alerts {
            let notifier = self.clone();
            let session = seen.session.clone();
            let folder = folder.clone();
            tokio::spawn(async move {
                notifier.deliver(&alert).await;
                let done = {
                    let mut all = notifier.progress.lock().expect("alert progress");
                    let progress = all.entry(session).or_default();
                    progress.pending.remove(&alert.seq);
                    progress.done_through()
                };
                save_notified(&folder, done).await;
            });
        }
    }

    /// To every URL, each retried until it answers 2xx or the retry time runs out.
    async fn deliver(&self, alert: &Alert) {
        let deliveries = self
            .urls
            .iter()
            .map(|url| self.deliver_to(url.clone(), alert));
        futures::future::join_all(deliveries).await;
    }

    async fn deliver_to(&self, url: String, alert: &Alert) {
        let started = Instant::now();
        let mut wait = self.retry.first;
        let mut attempt = 1u32;
        loop {
            let (http, body, target) = (self.http.clone(), alert.clone(), url.clone());
            let outcome = tokio::task::spawn_blocking(move || post(&http, &target, &body))
                .await
                .unwrap_or_else(|err| Err(err.to_string()));
            match outcome {
                Ok(()) => {
                    tracing::debug!(%url, event = %alert.event, session = %alert.session, "alert delivered");
                    return;
                }
                Err(why) if started.elapsed() + wait > self.retry.for_at_most => {
                    tracing::error!(%url, event = %alert.event, session = %alert.session, attempt, %why, "alert not delivered; giving up");
                    return;
                }
                Err(why) => {
                    tracing::warn!(%url, event = %alert.event, session = %alert.session, attempt, %why, "alert not delivered; retrying");
                }
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(self.retry.longest);
            attempt += 1;
        }
    }
}

fn post(http: &ureq::Agent, url: &str, alert: &Alert) -> Result<(), String> {
    let response = http
        .post(url)
        .send_json(alert)
        .map_err(|err| err.to_string())?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered {status}"))
    }
}

fn read_notified(folder: &Path) -> Option<u64> {
    let path = folder.join(HISTORY_DIR).join(NOTIFIED_FILE);
    let (bytes, _) = crate::fsutil::read::read_capped(&path, 4096).ok()?;
    serde_json::from_slice::<NotifiedFile>(&bytes)
        .ok()
        .map(|file| file.seq)
}

async fn save_notified(folder: &Path, seq: u64) {
    let dir = folder.join(HISTORY_DIR);
    let body = serde_json::to_vec(&NotifiedFile { seq }).expect("serialises");
    let written = tokio::task::spawn_blocking(move || {
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            // No history folder (or a planted link): nothing to keep the number in.
            _ => return Ok(()),
        }
        crate::fsutil::atomic::write_atomic(&dir, NOTIFIED_FILE, &body)
    })
    .await;
    if let Ok(Err(err)) = written {
        tracing::warn!(%err, "cannot remember which alerts were delivered");
    }
}
