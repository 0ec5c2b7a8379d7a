//! The filesystem is the database: this is the hub's read and write access to it.
//!
//! Reads go through an in-memory index of the sessions directory, refreshed on demand (a
//! reconcile loop, and the watcher) so that serving the list never rescans the disk. Each
//! refresh is stat-only for sessions whose `communication.json` did not change.

pub mod backend;
pub mod export;
pub mod history;
mod history_cache;
pub mod lifecycle;
pub mod output;
pub mod postgres;
pub mod questions;
pub mod read;
pub mod stubs;
mod summary;
pub mod write;

use crate::domain::attention::Staleness;
use crate::domain::history::{Actor, EventKind, HistoryEvent, Observed};
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::monitor::{StatusChange, StatusUpdate, UsageUpdate};
use crate::domain::question::{AskRequest, Question, QuestionId, SessionQuestion};
use crate::domain::usage::Usage;
use crate::domain::{
    CommunicationFile, HubError, InvalidSession, SessionDetail, SessionList, SessionSummary,
};
use crate::fsutil::fingerprint::{unix_ms, Fingerprint};
use backend::{exclusive, Backend};
use history::HistoryLog;
use lifecycle::{Place, ARCHIVE_DIR};
use read::{read_parsed, MAX_METADATA_BYTES};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

pub const COMMUNICATION_FILE: &str = "communication.json";
pub const INSTRUCTIONS_FILE: &str = "instructions.json";

/// What one refresh found, by session id.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.updated.is_empty() && self.removed.is_empty()
    }

    /// Folds `later` into this set: a session is listed once, under its latest fate.
    pub fn merge(&mut self, later: &Changes) {
        for id in &later.removed {
            let was_created = self.created.contains(id);
            self.created.retain(|c| c != id);
            self.updated.retain(|u| u != id);
            if !was_created && !self.removed.contains(id) {
                self.removed.push(id.clone());
            }
        }
        for id in &later.created {
            if self.removed.contains(id) {
                self.removed.retain(|r| r != id);
                push_unique(&mut self.updated, id);
            } else {
                push_unique(&mut self.created, id);
            }
        }
        for id in &later.updated {
            if !self.created.contains(id) {
                push_unique(&mut self.updated, id);
            }
        }
    }
}

fn push_unique(list: &mut Vec<String>, id: &str) {
    if !list.iter().any(|existing| existing == id) {
        list.push(id.to_owned());
    }
}

/// The list as of one generation, with its JSON rendering made once and shared.
pub struct ListSnapshot {
    pub list: SessionList,
    json: std::sync::OnceLock<bytes::Bytes>,
    json_by_attention: std::sync::OnceLock<bytes::Bytes>,
}

impl ListSnapshot {
    /// Newest first. Cheap to clone: every response shares the one buffer.
    pub fn json(&self) -> bytes::Bytes {
        self.json.get_or_init(|| Self::encode(&self.list)).clone()
    }

    /// Most urgent first (`?sort=attention`), rendered once per generation like [`Self::json`].
    pub fn json_by_attention(&self) -> bytes::Bytes {
        self.json_by_attention
            .get_or_init(|| {
                let mut list = self.list.clone();
                list.sessions.sort_by(SessionSummary::attention_first);
                Self::encode(&list)
            })
            .clone()
    }

    fn encode(list: &SessionList) -> bytes::Bytes {
        serde_json::to_vec(list)
            .expect("the list always serialises")
            .into()
    }
}

#[derive(Clone)]
struct Entry {
    /// Active, or in `.archive/`.
    place: Place,
    /// Of `communication.json` when last read; `None` when it was missing.
    fingerprint: Option<Fingerprint>,
    /// Of the `questions/` folder when last read; `None` when there was none.
    questions_fingerprint: Option<Fingerprint>,
    /// Read so soon after a write that an equal fingerprint proves nothing: read again.
    racy: bool,
    /// When the session's attention changes by itself (a running agent going stale).
    attention_due_ms: Option<i64>,
    state: EntryState,
}

#[derive(Clone)]
enum EntryState {
    Valid {
        file: Arc<CommunicationFile>,
        summary: Box<SessionSummary>,
        /// Newest first.
        questions: Arc<Vec<Question>>,
    },
    Invalid(InvalidSession),
}

struct Index {
    entries: BTreeMap<String, Entry>,
    generation: u64,
    snapshot: Option<Arc<ListSnapshot>>,
    /// The archived sessions' list, built when first asked for in a generation.
    archived: Option<Arc<SessionList>>,
    /// What each recent generation changed, oldest first, so a client that saw generation g
    /// can be told what happened since.
    log: VecDeque<(u64, Changes)>,
}

/// The hub's default `--stale-after`.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(30 * 60);

/// How many generations of changes are remembered for `changes_since`.
const CHANGE_LOG_LEN: usize = 1024;

pub struct SessionStore {
    dir: PathBuf,
    /// How long a running agent may stay quiet before it counts as stale.
    stale_after: Duration,
    index: RwLock<Index>,
    /// One refresh at a time; readers are never blocked by the disk.
    refreshing: Mutex<()>,
    /// The current generation, for whoever waits for changes (the live channel).
    published: tokio::sync::watch::Sender<u64>,
    /// Each session's `.hub/history.jsonl`, as this process has read it.
    history: HistoryLog,
    /// Names the numbering of generations (see [`SessionStore::epoch`]).
    epoch: String,
    /// The parsed histories of the sessions people look at.
    history_cache: history_cache::HistoryCache,
    /// Where the sessions are kept for good: this folder, or a database it replicates.
    backend: Arc<dyn Backend>,
}

/// 64 random bits (std's per-process hash keys, mixed with the clock), in hex.
fn new_epoch() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    format!("{:016x}", hasher.finish())
}

impl SessionStore {
    /// An empty index over `dir`; call [`SessionStore::refresh`] to fill it.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        // Starting from the clock keeps generations increasing across restarts, so a client
        // holding one from before a restart never mistakes it for current.
        let generation = unix_ms(SystemTime::now()).max(1) as u64;
        Self {
            dir: dir.into(),
            stale_after: DEFAULT_STALE_AFTER,
            index: RwLock::new(Index {
                entries: BTreeMap::new(),
                generation,
                snapshot: None,
                archived: None,
                log: VecDeque::new(),
            }),
            refreshing: Mutex::new(()),
            published: tokio::sync::watch::Sender::new(generation),
            history: HistoryLog::default(),
            epoch: new_epoch(),
            history_cache: Default::default(),
            backend: Arc::new(backend::Folder),
        }
    }

    /// Keeps the sessions in `backend`, the folder being its replica.
    pub fn with_backend(mut self, backend: Arc<dyn Backend>) -> Self {
        self.backend = backend;
        self
    }

    pub fn backend(&self) -> &dyn Backend {
        &*self.backend
    }

    /// What this store's generations are numbered within: new for every store, so a cursor
    /// from another hub (or from before a restart) is never read as one of ours.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    /// A running agent quiet for longer than `after` counts as stale.
    pub fn with_stale_after(mut self, after: Duration) -> Self {
        self.stale_after = after;
        self
    }

    fn clock(&self, now: SystemTime) -> Staleness {
        Staleness {
            now_ms: unix_ms(now),
            after_ms: i64::try_from(self.stale_after.as_millis()).unwrap_or(i64::MAX),
        }
    }

    /// The earliest moment a session's attention changes without any write (an agent going
    /// stale): call [`SessionStore::reassess`] then.
    pub fn next_attention_change(&self) -> Option<SystemTime> {
        let index = self.index.read().expect("index lock");
        let due = index
            .entries
            .values()
            .filter_map(|e| e.attention_due_ms)
            .min()?;
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(due.max(0) as u64))
    }

    /// Recomputes the attention of sessions whose agents went stale since they were read, and
    /// publishes them as changed (no disk access).
    pub fn reassess(&self) -> Changes {
        let _one_at_a_time = self.refreshing.lock().expect("refresh lock");
        let clock = self.clock(SystemTime::now());
        let mut index = self.index.write().expect("index lock");
        let mut changes = Changes::default();
        for (id, entry) in index.entries.iter_mut() {
            if entry.attention_due_ms.is_none_or(|due| due > clock.now_ms) {
                continue;
            }
            let EntryState::Valid {
                file,
                summary,
                questions,
            } = &mut entry.state
            else {
                entry.attention_due_ms = None;
                continue;
            };
            let assessment = summary::assess(file, questions, summary.updated_ms, clock);
            entry.attention_due_ms = assessment.changes_at;
            if summary.attention != assessment.session {
                summary.attention = assessment.session;
                changes.updated.push(id.clone());
            }
        }
        self.publish(index, &changes);
        changes
    }

    /// Wakes up whenever the generation moves. A watch channel, not a queue: a slow receiver
    /// skips to the latest generation instead of lagging.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.published.subscribe()
    }

    /// Everything that changed after generation `seen`, or `None` when that is too long ago to
    /// know (the caller then re-reads everything).
    pub fn changes_since(&self, seen: u64) -> Option<Changes> {
        let index = self.index.read().expect("index lock");
        if seen == index.generation {
            return Some(Changes::default());
        }
        let oldest = index.log.front().map(|(generation, _)| *generation)?;
        if seen + 1 < oldest || seen > index.generation {
            return None;
        }
        let mut all = Changes::default();
        for (_, changes) in index
            .log
            .iter()
            .filter(|(generation, _)| *generation > seen)
        {
            all.merge(changes);
        }
        Some(all)
    }

    /// Sets an agent's status (see [`write::set_agent_status`]) and shows it at once.
    pub fn set_agent_status(
        &self,
        id: &SessionId,
        agent: &AgentId,
        status: &str,
        expected_version: Option<u64>,
        by: Actor,
    ) -> Result<StatusUpdate, HubError> {
        let change = StatusChange {
            expected_version,
            ..StatusChange::to(status)
        };
        self.change_agent_status(id, agent, &change, by)
    }

    /// Sets an agent's status and message (see [`write::change_agent_status`]), records it in
    /// the history, and shows it at once.
    pub fn change_agent_status(
        &self,
        id: &SessionId,
        agent: &AgentId,
        change: &StatusChange,
        by: Actor,
    ) -> Result<StatusUpdate, HubError> {
        self.writable(id)?;
        let update = exclusive(self.backend(), id.as_str(), || {
            write::change_agent_status(&self.dir, &self.history, id, agent, change, by)
        })?;
        self.refresh_ids([update.session.clone()]);
        Ok(update)
    }

    /// Adds to an agent's usage (see [`write::add_usage`]) and shows it at once.
    pub fn add_usage(
        &self,
        id: &SessionId,
        agent: &AgentId,
        usage: Usage,
        by: Actor,
    ) -> Result<UsageUpdate, HubError> {
        self.writable(id)?;
        let update = exclusive(self.backend(), id.as_str(), || {
            write::add_usage(&self.dir, &self.history, id, agent, usage, by)
        })?;
        self.refresh_ids([update.session.clone()]);
        Ok(update)
    }

    /// The sessions' history files as this process knows them.
    pub fn history(&self) -> &HistoryLog {
        &self.history
    }

    /// The shown events of the session in `folder`, oldest first; parsing only what was
    /// appended since the last call for it.
    pub fn history_events(
        &self,
        folder: &Path,
    ) -> io::Result<Arc<Vec<crate::domain::history::HistoryEvent>>> {
        self.history_cache.events(folder)
    }

    /// Records in the history what changed in these sessions (all active ones: `None`) without
    /// passing through a hub: compared with what the history holds, under each session's lock
    /// and against the disk, so that of several hubs on the folder one records it, once.
    pub fn observe_history(&self, ids: Option<Vec<String>>) {
        if self.backend.is_shared() {
            // Only the hub writes a replica, and records as it writes.
            return;
        }
        let wanted: Option<BTreeSet<String>> = ids.map(|ids| ids.into_iter().collect());
        let candidates: Vec<(String, Observed)> = {
            let index = self.index.read().expect("index lock");
            index
                .entries
                .iter()
                .filter(|(id, entry)| {
                    entry.place == Place::Active
                        && wanted.as_ref().is_none_or(|wanted| wanted.contains(*id))
                })
                .filter_map(|(id, entry)| match &entry.state {
                    EntryState::Valid {
                        file, questions, ..
                    } => Some((id.clone(), Observed::of(file, questions))),
                    EntryState::Invalid(_) => None,
                })
                .collect()
        };
        for (id, observed) in candidates {
            let folder = self.dir.join(&id);
            if self.history.is_current(&id, &folder, &observed) {
                continue;
            }
            // A writer holds the lock only while it writes (and records what it wrote).
            let Ok(_lock) = write::lock_session(&folder, Duration::from_secs(2)) else {
                continue;
            };
            let path = folder.join(COMMUNICATION_FILE);
            let Ok((file, fingerprint)) =
                read_parsed(&path, MAX_METADATA_BYTES, CommunicationFile::parse)
            else {
                continue;
            };
            let questions = questions::read_all(&folder).questions;
            let now = Observed::of(&file, &questions);
            // When the file changed, not when it was seen: right for a change made while no
            // hub ran, and within a watcher's delay of right otherwise.
            let at = write::rfc3339_ms(fingerprint.modified_ms());
            let _ = self.history.record(&id, &folder, |recorded| {
                recorded.catch_up(&now, &at, Actor::Disk)
            });
        }
    }

    /// Starts a new session's history: created, and each agent's first status.
    pub fn record_created(&self, id: &str, by: Actor) {
        let folder = self.dir.join(id);
        let Ok(_lock) = write::lock_session(&folder, write::LOCK_TIMEOUT) else {
            return;
        };
        let path = folder.join(COMMUNICATION_FILE);
        let Ok((file, _)) = read_parsed(&path, MAX_METADATA_BYTES, CommunicationFile::parse) else {
            return;
        };
        let at = write::now_rfc3339();
        let _ = self.history.record(id, &folder, |recorded| {
            let mut events = vec![recorded.record(HistoryEvent::new(EventKind::Created, &at, by))];
            events.extend(recorded.catch_up(&Observed::of(&file, &[]), &at, by));
            events
        });
    }

    /// Appends one event about a whole session (archived, restored) to its history.
    fn record_session_event(&self, id: &SessionId, kind: EventKind, by: Actor) {
        let Ok(folder) = self.folder(id) else {
            return;
        };
        let Ok(_lock) = write::lock_session(&folder, write::LOCK_TIMEOUT) else {
            return;
        };
        let at = write::now_rfc3339();
        self.history.forget(id.as_str());
        let _ = self.history.record(id.as_str(), &folder, |recorded| {
            vec![recorded.record(HistoryEvent::new(kind, &at, by))]
        });
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Changes whenever anything in the list or a detail changed.
    pub fn generation(&self) -> u64 {
        self.index.read().expect("index lock").generation
    }

    /// Rescans the sessions directory and its archive; unchanged sessions cost one `stat`.
    pub fn refresh(&self) -> io::Result<Changes> {
        let _one_at_a_time = self.refreshing.lock().expect("refresh lock");
        let mut seen = BTreeMap::new();
        // The archive first, so that a folder found in both places counts as active.
        let archive = self.dir.join(ARCHIVE_DIR);
        for (dir, place) in [(&archive, Place::Archived), (&self.dir, Place::Active)] {
            let listing = match fs::read_dir(dir) {
                Err(err) if place == Place::Archived && err.kind() == io::ErrorKind::NotFound => {
                    continue
                }
                listing => listing?,
            };
            for entry in listing {
                if let Some(id) = session_folder_name(&entry?) {
                    seen.insert(id, place);
                }
            }
        }
        let known: Vec<String> = self
            .index
            .read()
            .expect("index lock")
            .entries
            .keys()
            .cloned()
            .collect();
        let ids: BTreeSet<String> = seen.keys().cloned().chain(known).collect();
        Ok(self.refresh_locked(ids, |id| seen.get(id).copied()))
    }

    /// Re-reads just these sessions (the watcher knows which folders changed).
    pub fn refresh_ids(&self, ids: impl IntoIterator<Item = String>) -> Changes {
        let _one_at_a_time = self.refreshing.lock().expect("refresh lock");
        let dir = self.dir.clone();
        let ids: BTreeSet<String> = ids.into_iter().collect();
        self.refresh_locked(ids, |id| lifecycle::locate(&dir, id))
    }

    fn refresh_locked(
        &self,
        ids: BTreeSet<String>,
        locate: impl Fn(&str) -> Option<Place>,
    ) -> Changes {
        let now = SystemTime::now();
        let mut fresh: Vec<(String, Option<Entry>)> = Vec::new();
        {
            let index = self.index.read().expect("index lock");
            for id in ids {
                let previous = index.entries.get(&id);
                let Some(place) = locate(&id) else {
                    if previous.is_some() {
                        fresh.push((id, None));
                    }
                    continue;
                };
                let folder = place.folder(&self.dir, &id);
                let fingerprint = stat_fingerprint(&folder.join(COMMUNICATION_FILE));
                let questions_fingerprint = questions::folder_fingerprint(&folder);
                if let Some(previous) = previous {
                    // A move keeps the files' fingerprints: the place tells it apart.
                    if !previous.racy
                        && previous.place == place
                        && previous.fingerprint == fingerprint
                        && previous.questions_fingerprint == questions_fingerprint
                    {
                        continue;
                    }
                }
                let entry = self.read_entry(&id, place, previous, now);
                fresh.push((id, Some(entry)));
            }
        }

        let mut changes = Changes::default();
        let mut index = self.index.write().expect("index lock");
        for (id, entry) in fresh {
            match entry {
                None => {
                    index.entries.remove(&id);
                    changes.removed.push(id);
                }
                Some(entry) => {
                    match index.entries.get(&id) {
                        None => changes.created.push(id.clone()),
                        Some(old) if !same_view(&old.state, &entry.state) => {
                            changes.updated.push(id.clone())
                        }
                        Some(_) => {}
                    }
                    index.entries.insert(id, entry);
                }
            }
        }
        self.publish(index, &changes);
        changes
    }

    /// Moves to a new generation when anything changed, and tells whoever waits.
    fn publish(&self, mut index: std::sync::RwLockWriteGuard<'_, Index>, changes: &Changes) {
        if changes.is_empty() {
            return;
        }
        index.generation += 1;
        index.snapshot = None;
        index.archived = None;
        let generation = index.generation;
        index.log.push_back((generation, changes.clone()));
        if index.log.len() > CHANGE_LOG_LEN {
            index.log.pop_front();
        }
        drop(index);
        self.published.send_replace(generation);
    }

    fn read_entry(
        &self,
        id: &str,
        place: Place,
        previous: Option<&Entry>,
        now: SystemTime,
    ) -> Entry {
        let archived = place == Place::Archived;
        let folder = place.folder(&self.dir, id);
        let path = folder.join(COMMUNICATION_FILE);
        // Stat before reading: a question that lands during the read is then read next time.
        let questions_fingerprint = questions::folder_fingerprint(&folder);
        let questions_racy = questions_fingerprint.is_some_and(|f| f.is_racy(now));
        match read_parsed(&path, MAX_METADATA_BYTES, CommunicationFile::parse) {
            Ok((file, fingerprint)) => {
                let questions = questions::read_all(&folder);
                let (mut summary, attention_due_ms) = summary::summarise(
                    id,
                    &folder,
                    &file,
                    &fingerprint,
                    &questions,
                    self.clock(now),
                );
                summary.archived = archived;
                Entry {
                    place,
                    fingerprint: Some(fingerprint),
                    questions_fingerprint,
                    racy: fingerprint.is_racy(now) || questions_racy,
                    attention_due_ms,
                    state: EntryState::Valid {
                        file: Arc::new(file),
                        summary: Box::new(summary),
                        questions: Arc::new(questions.questions),
                    },
                }
            }
            Err(error) => {
                let fingerprint = stat_fingerprint(&path);
                let racy = fingerprint.is_none_or(|f| f.is_racy(now));
                let state = match previous.map(|entry| &entry.state) {
                    // Keep serving the last good copy, flagged, while the file is broken.
                    Some(EntryState::Valid {
                        file,
                        summary,
                        questions,
                    }) => {
                        let mut summary = summary.clone();
                        summary.archived = archived;
                        summary.stale = true;
                        summary.stale_error = Some(error);
                        EntryState::Valid {
                            file: file.clone(),
                            summary,
                            questions: questions.clone(),
                        }
                    }
                    _ => EntryState::Invalid(InvalidSession {
                        id: id.to_owned(),
                        archived,
                        error,
                        updated_ms: fingerprint
                            .map(|f| f.modified_ms())
                            .or_else(|| {
                                fs::metadata(&folder)
                                    .and_then(|m| m.modified())
                                    .ok()
                                    .map(unix_ms)
                            })
                            .unwrap_or(0),
                    }),
                };
                Entry {
                    place,
                    fingerprint,
                    questions_fingerprint,
                    racy,
                    attention_due_ms: previous.and_then(|entry| entry.attention_due_ms),
                    state,
                }
            }
        }
    }

    /// The list, newest first, as of the current generation.
    pub fn list(&self) -> Arc<ListSnapshot> {
        if let Some(snapshot) = self.index.read().expect("index lock").snapshot.clone() {
            return snapshot;
        }
        let mut index = self.index.write().expect("index lock");
        if let Some(snapshot) = index.snapshot.clone() {
            return snapshot;
        }
        let snapshot = Arc::new(ListSnapshot {
            list: self.build_list(&index, Place::Active),
            json: Default::default(),
            json_by_attention: Default::default(),
        });
        index.snapshot = Some(snapshot.clone());
        snapshot
    }

    /// The archived sessions, newest first, as of the current generation. Kept apart from
    /// [`Self::list`] so that a large archive costs the active list nothing.
    pub fn archived_list(&self) -> Arc<SessionList> {
        if let Some(list) = self.index.read().expect("index lock").archived.clone() {
            return list;
        }
        let mut index = self.index.write().expect("index lock");
        if let Some(list) = index.archived.clone() {
            return list;
        }
        let list = Arc::new(self.build_list(&index, Place::Archived));
        index.archived = Some(list.clone());
        list
    }

    fn build_list(&self, index: &Index, place: Place) -> SessionList {
        let mut sessions = Vec::new();
        let mut invalid = Vec::new();
        let mut archived_count = 0;
        for entry in index.entries.values() {
            if entry.place == Place::Archived {
                archived_count += 1;
            }
            if entry.place != place {
                continue;
            }
            match &entry.state {
                EntryState::Valid { summary, .. } => sessions.push(SessionSummary::clone(summary)),
                EntryState::Invalid(bad) => invalid.push(bad.clone()),
            }
        }
        sessions.sort_by(SessionSummary::newest_first);
        invalid.sort_by(|a, b| {
            b.updated_ms
                .cmp(&a.updated_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        SessionList {
            count: sessions.len(),
            sessions,
            invalid,
            generation: index.generation,
            sessions_dir: self.dir.display().to_string(),
            archived: place == Place::Archived,
            archived_count,
        }
    }

    /// The folder session `id` lives in now (active or archived), as the index knows it.
    pub fn folder(&self, id: &SessionId) -> Result<PathBuf, HubError> {
        let place = self.place(id)?;
        Ok(place.folder(&self.dir, id.as_str()))
    }

    fn place(&self, id: &SessionId) -> Result<Place, HubError> {
        let known = |store: &Self| {
            store
                .index
                .read()
                .expect("index lock")
                .entries
                .get(id.as_str())
                .map(|entry| entry.place)
        };
        if let Some(place) = known(self) {
            return Ok(place);
        }
        self.refresh_ids([id.as_str().to_owned()]);
        known(self).ok_or_else(|| {
            HubError::NotFound(format!("no session {id:?} in {}", self.dir.display()))
        })
    }

    /// Agents and people write to active sessions only.
    fn writable(&self, id: &SessionId) -> Result<(), HubError> {
        match self.place(id)? {
            Place::Active => Ok(()),
            Place::Archived => Err(HubError::WrongState(format!(
                "session {:?} is archived: restore it first",
                id.as_str()
            ))),
        }
    }

    /// Archives an active session (see [`lifecycle::archive`]) and shows it at once.
    pub fn archive(&self, id: &SessionId, by: Actor) -> Result<(), HubError> {
        self.move_session(
            id,
            || lifecycle::archive(&self.dir, id),
            EventKind::Archived,
            by,
        )
    }

    /// Restores an archived session (see [`lifecycle::restore`]) and shows it at once.
    pub fn restore(&self, id: &SessionId, by: Actor) -> Result<(), HubError> {
        self.move_session(
            id,
            || lifecycle::restore(&self.dir, id),
            EventKind::Restored,
            by,
        )
    }

    /// Moves session `id` (one rename), records `kind` in its history, shows it at once.
    fn move_session(
        &self,
        id: &SessionId,
        rename: impl FnOnce() -> Result<(), HubError>,
        kind: EventKind,
        by: Actor,
    ) -> Result<(), HubError> {
        let moved = exclusive(self.backend(), id.as_str(), || {
            rename()?;
            // The history is found where the session now is.
            self.refresh_ids([id.as_str().to_owned()]);
            self.record_session_event(id, kind, by);
            Ok(())
        });
        self.refresh_ids([id.as_str().to_owned()]);
        moved
    }

    /// Moves an archived session to the trash (see [`lifecycle::trash`]); answers where.
    pub fn delete(&self, id: &SessionId, now_ms: i64) -> Result<PathBuf, HubError> {
        let moved = exclusive(self.backend(), id.as_str(), || {
            lifecycle::trash(&self.dir, id, now_ms)
        });
        self.refresh_ids([id.as_str().to_owned()]);
        moved
    }

    /// Takes a session just written whole into the folder into the backend (see
    /// [`Backend::publish_new`]) and shows it, or answers why it is not there.
    pub fn publish_new(&self, id: &str) -> Result<(), HubError> {
        let published = self.backend.publish_new(id);
        self.refresh_ids([id.to_owned()]);
        published
    }

    /// The parsed `communication.json` of a readable session (the last good copy if it is
    /// unreadable right now).
    pub fn communication(&self, id: &SessionId) -> Result<Arc<CommunicationFile>, HubError> {
        self.readable_entry(id).map(|readable| readable.file)
    }

    /// One session in full.
    pub fn detail(&self, id: &SessionId) -> Result<SessionDetail, HubError> {
        let Readable {
            file,
            summary,
            questions,
        } = self.readable_entry(id)?;
        let place = if summary.archived {
            Place::Archived
        } else {
            Place::Active
        };
        Ok(summary::detail(
            &place.folder(&self.dir, &summary.id),
            &file,
            *summary,
            &questions,
            self.clock(SystemTime::now()),
        ))
    }

    /// Questions of every readable session (or of `only`), newest first; just the open ones
    /// with `open_only`.
    pub fn questions(&self, only: Option<&SessionId>, open_only: bool) -> Vec<SessionQuestion> {
        let index = self.index.read().expect("index lock");
        let mut found: Vec<SessionQuestion> = index
            .entries
            .iter()
            .filter(|(id, _)| only.is_none_or(|only| only.as_str() == id.as_str()))
            .filter_map(|(id, entry)| match &entry.state {
                EntryState::Valid {
                    summary, questions, ..
                } => Some((id, summary, questions)),
                EntryState::Invalid(_) => None,
            })
            .flat_map(|(id, summary, questions)| {
                questions
                    .iter()
                    .filter(|q| !open_only || q.is_open())
                    .map(|question| SessionQuestion {
                        session_id: id.clone(),
                        feature_name: summary.feature_name.clone(),
                        question: question.clone(),
                    })
            })
            .collect();
        found.sort_by(|a, b| Question::newest_first(&a.question, &b.question));
        found
    }

    /// Records a question from `agent`, who must be on the session's roster, and shows it at
    /// once.
    pub fn ask(
        &self,
        session: &SessionId,
        id: QuestionId,
        request: &AskRequest,
        asked_at: String,
        by: Actor,
    ) -> Result<Question, HubError> {
        let agent = &AgentId::new(&request.agent_id);
        let file = self.communication(session)?;
        if !file.agents.iter().any(|a| a.agent_id == agent.as_str()) {
            return Err(HubError::NotFound(format!(
                "no agent {agent:?} in session {session:?}"
            )));
        }
        self.writable(session)?;
        let folder = self.dir.join(session.as_str());
        let asked = exclusive(self.backend(), session.as_str(), || {
            let asked = questions::ask(
                &folder,
                id,
                agent,
                &request.question,
                &request.choices,
                asked_at,
            )?;
            self.record_question(session, &folder, &asked, by);
            Ok(asked)
        })?;
        self.refresh_ids([session.as_str().to_owned()]);
        Ok(asked)
    }

    /// Answers a question (the first answer wins) and shows it at once.
    pub fn answer(
        &self,
        session: &SessionId,
        id: &QuestionId,
        answer: &str,
        answered_by: String,
        answered_at: String,
        by: Actor,
    ) -> Result<Question, HubError> {
        self.communication(session)?;
        self.writable(session)?;
        let folder = self.dir.join(session.as_str());
        let answered = exclusive(self.backend(), session.as_str(), || {
            let question =
                questions::answer(&folder, session, id, answer, answered_by, answered_at)?;
            self.record_question(session, &folder, &question, by);
            Ok(question)
        });
        // Refreshed on a refusal too: the index may not have seen the first answer yet.
        self.refresh_ids([session.as_str().to_owned()]);
        answered
    }

    /// Records a question just asked or answered through the hub.
    fn record_question(&self, session: &SessionId, folder: &Path, question: &Question, by: Actor) {
        let Ok(_lock) = write::lock_session(folder, write::LOCK_TIMEOUT) else {
            return;
        };
        let _ = self.history.record(session.as_str(), folder, |recorded| {
            recorded.catch_up_questions(std::slice::from_ref(question), by)
        });
    }

    /// One question as its file says now.
    pub fn question(&self, session: &SessionId, id: &QuestionId) -> Result<Question, HubError> {
        self.communication(session)?;
        questions::read_one(&self.folder(session)?, session, id)
    }

    /// A folder the index has not seen yet is looked at before answering "not found", so a
    /// session is never missing just because the last refresh was earlier.
    fn readable_entry(&self, id: &SessionId) -> Result<Readable, HubError> {
        let id = id.as_str();
        let known = self
            .index
            .read()
            .expect("index lock")
            .entries
            .contains_key(id);
        if !known {
            self.refresh_ids([id.to_owned()]);
        }
        let entry = self
            .index
            .read()
            .expect("index lock")
            .entries
            .get(id)
            .cloned();
        match entry.map(|entry| entry.state) {
            None => Err(HubError::NotFound(format!(
                "no session {id:?} in {}",
                self.dir.display()
            ))),
            Some(EntryState::Invalid(bad)) => Err(HubError::Unreadable(format!(
                "session {id:?} cannot be read: {}",
                bad.error
            ))),
            Some(EntryState::Valid {
                file,
                summary,
                questions,
            }) => Ok(Readable {
                file,
                summary,
                questions,
            }),
        }
    }
}

/// A readable session as the index holds it.
struct Readable {
    file: Arc<CommunicationFile>,
    summary: Box<SessionSummary>,
    questions: Arc<Vec<Question>>,
}

/// Visible session folders: directories (or links to them) whose name is not hidden.
fn session_folder_name(entry: &fs::DirEntry) -> Option<String> {
    let name = entry.file_name();
    let name = name.to_str()?;
    if name.starts_with('.') {
        return None;
    }
    let is_dir = entry.file_type().ok()?.is_dir() || entry.path().is_dir();
    is_dir.then(|| name.to_owned())
}

fn stat_fingerprint(path: &Path) -> Option<Fingerprint> {
    fs::metadata(path).ok().map(|meta| Fingerprint::of(&meta))
}

fn same_view(a: &EntryState, b: &EntryState) -> bool {
    match (a, b) {
        (
            EntryState::Valid {
                file: fa,
                summary: sa,
                questions: qa,
            },
            EntryState::Valid {
                file: fb,
                summary: sb,
                questions: qb,
            },
        ) => sa == sb && fa == fb && qa == qb,
        (EntryState::Invalid(a), EntryState::Invalid(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::Changes;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn changes(created: &[&str], updated: &[&str], removed: &[&str]) -> Changes {
        let own = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect();
        Changes {
            created: own(created),
            updated: own(updated),
            removed: own(removed),
        }
    }

    #[test]
    fn each_session_is_listed_once_under_its_latest_fate() {
        let mut all = changes(&["new"], &["a"], &["gone"]);
        all.merge(&changes(&[], &["new", "a", "b"], &[]));
        assert_eq!(all, changes(&["new"], &["a", "b"], &["gone"]));
        // Created and removed within the window: the listener never needs to hear of it.
        all.merge(&changes(&[], &[], &["new"]));
        assert_eq!(all, changes(&[], &["a", "b"], &["gone"]));
        // Removed, then created again: for the listener, it changed.
        all.merge(&changes(&["gone"], &[], &[]));
        assert_eq!(all, changes(&[], &["a", "b", "gone"], &[]));
        // Updated, then removed: removed.
        all.merge(&changes(&[], &[], &["a"]));
        assert_eq!(all, changes(&[], &["b", "gone"], &["a"]));
    }

    #[derive(Clone, Debug)]
    enum Step {
        Create(u8),
        Update(u8),
        Remove(u8),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0..6u8).prop_map(Step::Create),
            (0..6u8).prop_map(Step::Update),
            (0..6u8).prop_map(Step::Remove),
        ]
    }

    proptest! {
        /// Merging the changes of every refresh in a window says exactly what differs between
        /// the folder at its start and at its end: what a listener needs to catch up.
        #[test]
        fn merged_changes_are_the_difference_between_the_first_and_last_folder(
            start in proptest::collection::btree_set(0..6u8, 0..6),
            steps in proptest::collection::vec(step(), 0..40),
        ) {
            // Each session's content is a counter; a refresh reports what it saw change.
            let mut folder: BTreeMap<u8, u32> = start.iter().map(|&id| (id, 0)).collect();
            let before = folder.clone();
            let mut merged = Changes::default();
            let mut content = 0;
            for step in steps {
                content += 1;
                let found = match step {
                    Step::Create(id) if !folder.contains_key(&id) => {
                        folder.insert(id, content);
                        changes(&[&id.to_string()], &[], &[])
                    }
                    Step::Update(id) if folder.contains_key(&id) => {
                        folder.insert(id, content);
                        changes(&[], &[&id.to_string()], &[])
                    }
                    Step::Remove(id) if folder.remove(&id).is_some() => {
                        changes(&[], &[], &[&id.to_string()])
                    }
                    _ => continue,
                };
                merged.merge(&found);
            }
            let set = |ids: &Vec<String>| ids.iter().cloned().collect::<BTreeSet<_>>();
            let ids = |pick: &dyn Fn(u8) -> bool| {
                (0..6u8).filter(|&id| pick(id)).map(|id| id.to_string()).collect::<BTreeSet<_>>()
            };
            let created = ids(&|id| !before.contains_key(&id) && folder.contains_key(&id));
            let removed = ids(&|id| before.contains_key(&id) && !folder.contains_key(&id));
            let updated = ids(&|id| {
                matches!((before.get(&id), folder.get(&id)), (Some(a), Some(b)) if a != b)
            });
            prop_assert_eq!(set(&merged.created), created);
            prop_assert_eq!(set(&merged.removed), removed);
            prop_assert_eq!(set(&merged.updated), updated);
            let listed = merged.created.len() + merged.updated.len() + merged.removed.len();
            prop_assert_eq!(listed, set(&merged.created).len() + set(&merged.updated).len() + set(&merged.removed).len());
        }
    }
}
