//! PostgreSQL as the store of record for a team (`--store postgres://…`): several hubs, on
//! one machine or many, share one database and behave as one hub.
//!
//! Each hub keeps a replica of every session in its sessions folder, so the index and every
//! read path stay the folder's. The database gives what the folder cannot across machines:
//!
//! - **one writer per session**: a write locks the session's row (`SELECT … FOR UPDATE`),
//!   brings the replica up to date, runs the hub's ordinary write (version check included) on
//!   it, and sends what changed in the same transaction;
//! - **commit-ordered generations**: that transaction also bumps the one counter row, whose lock
//!   orders generations exactly as the commits are ordered, and logs the session in
//!   `hub_changes` under its generation;
//! - **a wake-up**: `NOTIFY hub_changes`; every hub `LISTEN`s, and catches up from the change
//!   log on every wake-up, every reconnect and every two seconds, so a lost notification or a
//!   restarted database costs at most a delay (see [`follow`]).

mod edge;
mod follow;
pub mod replica;

pub use edge::{default_edge_name, EdgeName};
use edge::{keep_mark, Mark, Missing};
pub use follow::{follow, Following, CATCH_UP_EVERY};

use super::backend::{Backend, Exclusive};
use super::lifecycle::{locate, Place, ARCHIVE_DIR, TRASH_DIR};
use crate::domain::HubError;
use postgres::{GenericClient, NoTls};
use r2d2_postgres::PostgresConnectionManager;
use replica::Files;
use std::path::{Path, PathBuf};
use std::time::Duration;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Connection = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// The schema, in order; each runs once, in a transaction, under an advisory lock (hubs that
/// start together take turns).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("0001_shared_store.sql")),
    (2, include_str!("0002_edges.sql")),
];

/// How long an edge waits for the database before it writes its folder alone (and publishes
/// what it wrote once the database is back).
const EDGE_WAIT: Duration = Duration::from_secs(2);

/// The advisory lock migrations run under (any fixed number; this one spells "hub").
const MIGRATION_LOCK: i64 = 0x0068_7562;

/// The channel hubs `LISTEN` on; the payload is the new generation.
const CHANNEL: &str = "hub_changes";

/// Change-log rows kept for hubs that were away; one further behind resyncs whole.
const CHANGES_KEPT: i64 = 100_000;

/// The shared store, from one hub's side.
pub struct Postgres {
    /// Always `Some` but while dropping (see the `Drop` impl).
    pool: Option<Pool>,
    /// Where it connects, without the password (for the log and `/healthz`).
    pub(crate) shown_url: String,
    url: String,
    /// The replica: this hub's sessions folder (an edge's store of record).
    dir: PathBuf,
    /// `Some` in edge mode (`--publish-to`): the folder is the store of record, and this hub
    /// publishes its sessions under this name (see [`edge`]).
    edge: Option<EdgeName>,
    /// False from a failed connection until the follower reaches the database again: an
    /// edge then writes its folder alone without waiting for a connection each time.
    reachable: std::sync::atomic::AtomicBool,
}

/// A database error as the hub reports it: the request failed through no fault of its own.
fn unavailable(what: &str, err: impl std::error::Error + Send + Sync + 'static) -> HubError {
    HubError::internal(format!("the shared store (PostgreSQL) failed {what}"), err)
}

/// `url` without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_info = &url[scheme + 3..at];
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Postgres {
    /// Connects to `url`, brings the schema up to date, and keeps the replica in `dir`.
    pub fn connect(url: &str, dir: &Path) -> Result<Self, String> {
        let shown_url = redact(url);
        let config: postgres::Config = url
            .parse()
            .map_err(|err| format!("--store {shown_url} is not a PostgreSQL URL: {err}"))?;
        // One connection first: its error says why (the pool's only says it timed out).
        let mut client = config
            .connect(NoTls)
            .map_err(|err| format!("cannot connect to {shown_url}: {err}"))?;
        migrate(&mut client)
            .map_err(|err| format!("cannot set up the schema in {shown_url}: {err}"))?;
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(|err| format!("cannot connect to {shown_url}: {err}"))?;
        Ok(Self {
            pool: Some(pool),
            shown_url,
            url: url.to_owned(),
            dir: dir.to_owned(),
            edge: None,
            reachable: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// Connects as an edge (`--publish-to`): `dir` stays the store of record and its
    /// sessions are published under `owner`.
    pub fn connect_edge(url: &str, dir: &Path, owner: &str) -> Result<Self, String> {
        let mut store =
            Self::connect(url, dir).map_err(|err| err.replace("--store", "--publish-to"))?;
        let store_id: String = store
            .connection()
            .and_then(|mut client| {
                client
                    .query_one("SELECT id FROM hub_store", &[])
                    .map_err(|err| unavailable("to read the store's id", err))
            })
            .map_err(|err| err.to_string())?
            .get(0);
        store.edge = Some(EdgeName {
            owner: owner.to_owned(),
            store_id,
        });
        Ok(store)
    }

    /// Whether this hub publishes its own folder (`--publish-to`) rather than replicating.
    pub fn is_edge(&self) -> bool {
        self.edge.is_some()
    }

    /// A connection for an edge, which would rather write its folder alone than wait long.
    fn edge_connection(&self) -> Result<Connection, HubError> {
        use std::sync::atomic::Ordering;
        if !self.reachable.load(Ordering::Relaxed) {
            return Err(HubError::internal_msg(
                "the shared store (PostgreSQL) cannot be reached",
            ));
        }
        let connection = self
            .pool
            .as_ref()
            .expect("the pool lives as long as the store")
            .get_timeout(EDGE_WAIT)
            .map_err(|err| unavailable("to give a connection", err));
        if connection.is_err() {
            self.reachable.store(false, Ordering::Relaxed);
        }
        connection
    }

    fn is_reachable(&self) -> bool {
        self.reachable.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// What the follower found: whether the database can be reached.
    fn set_reachable(&self, reachable: bool) {
        self.reachable
            .store(reachable, std::sync::atomic::Ordering::Relaxed);
    }

    fn connection(&self) -> Result<Connection, HubError> {
        self.pool
            .as_ref()
            .expect("the pool lives as long as the store")
            .get()
            .map_err(|err| unavailable("to give a connection", err))
    }

    /// Brings the replica in line with the database at start: sessions changed while this
    /// hub was away are re-read, sessions deleted elsewhere leave, and sessions that only this
    /// folder has (it was a plain sessions folder before) are published.
    pub fn sync_all(&self) -> Result<SyncReport, HubError> {
        if self.is_edge() {
            return self.meet_all();
        }
        let rows = self
            .connection()?
            .query("SELECT id, place, generation FROM hub_sessions", &[])
            .map_err(|err| unavailable("to list the sessions", err))?;
        let mut report = SyncReport::default();
        let mut known = std::collections::BTreeSet::new();
        for row in rows {
            let (id, place, generation): (String, String, i64) =
                (row.get(0), row.get(1), row.get(2));
            let place = place_of(&place);
            let here = locate(&self.dir, &id);
            let current = here == Some(place)
                && replica::generation(&place.folder(&self.dir, &id)) == Some(generation);
            if !current {
                self.materialise(&id)?;
                report.fetched += 1;
            }
            known.insert(id);
        }
        for (id, place) in self.local_sessions() {
            if known.contains(&id) {
                continue;
            }
            let folder = place.folder(&self.dir, &id);
            if replica::generation(&folder).is_some() {
                // It was replicated once, and the database no longer has it: deleted elsewhere.
                if self.remove_replica(&id) {
                    report.removed += 1;
                }
            } else {
                match self.publish(&id, place) {
                    Ok(()) => report.published += 1,
                    Err(err) => tracing::warn!(session = %id, %err, "cannot publish this session"),
                }
            }
        }
        Ok(report)
    }

    /// The session folders of the replica, active and archived.
    fn local_sessions(&self) -> Vec<(String, Place)> {
        let mut found = Vec::new();
        for (dir, place) in [
            (self.dir.clone(), Place::Active),
            (self.dir.join(ARCHIVE_DIR), Place::Archived),
        ] {
            let Ok(listing) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in listing.flatten() {
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                if !name.starts_with('.') && entry.path().is_dir() {
                    found.push((name, place));
                }
            }
        }
        found
    }

    /// Makes the replica of session `id` what the database holds (in a transaction that
    /// shares the row, so never half-way through another hub's write). Answers whether the
    /// replica changed.
    pub fn materialise(&self, id: &str) -> Result<bool, HubError> {
        if self.is_edge() {
            if !self.concerns_edge(id)? {
                return Ok(false);
            }
            return self.meet_now(id, Missing::Leave).map(|met| met.applied);
        }
        let mut client = self.connection()?;
        let mut tx = client
            .transaction()
            .map_err(|err| unavailable("to begin", err))?;
        let found = fetch_into(&mut tx, &self.dir, id, RowLock::Share)?;
        tx.commit().map_err(|err| unavailable("to commit", err))?;
        match found {
            Fetched::Changed => Ok(true),
            Fetched::Current => Ok(false),
            Fetched::Absent => Ok(self.remove_replica(id)),
        }
    }

    /// Moves the replica of a session the database no longer has into the local trash.
    /// A folder never replicated (a session being published right now) stays. Answers
    /// whether one went.
    fn remove_replica(&self, id: &str) -> bool {
        let Some(place) = locate(&self.dir, id) else {
            return false;
        };
        if replica::generation(&place.folder(&self.dir, id)).is_none() {
            return false;
        }
        let bin = self.dir.join(TRASH_DIR).join(format!(
            "{}",
            crate::fsutil::fingerprint::unix_ms(std::time::SystemTime::now())
        ));
        let moved = std::fs::create_dir_all(&bin)
            .and_then(|()| std::fs::rename(place.folder(&self.dir, id), bin.join(id)));
        if let Err(err) = moved {
            tracing::warn!(session = %id, %err, "cannot remove the replica of a deleted session");
            return false;
        }
        true
    }

    /// Sends a session folder only this hub has to the database, whole, in one transaction.
    fn publish(&self, id: &str, place: Place) -> Result<(), HubError> {
        let folder = place.folder(&self.dir, id);
        let mut files = replica::read_files(&folder)
            .map_err(|err| HubError::internal("cannot read the new session's files", err))?;
        let communication = replica::communication_value(&files).map_err(HubError::Unreadable)?;
        files.remove(super::COMMUNICATION_FILE);
        let mut client = self.connection()?;
        let mut tx = client
            .transaction()
            .map_err(|err| unavailable("to begin", err))?;
        let inserted = tx
            .execute(
                "INSERT INTO hub_sessions (id, place, communication, generation)
                 VALUES ($1, $2, $3, 0) ON CONFLICT (id) DO NOTHING",
                &[&id, &place_name(place), &communication],
            )
            .map_err(|err| unavailable("to add the session", err))?;
        if inserted == 0 {
            return Err(HubError::WrongState(format!(
                "a session {id:?} exists already in the shared store"
            )));
        }
        for (path, content) in &files {
            tx.execute(
                "INSERT INTO hub_files (session, path, content) VALUES ($1, $2, $3)",
                &[&id, path, content],
            )
            .map_err(|err| unavailable("to add the session's files", err))?;
        }
        let generation = number_change(&mut tx, id)?;
        tx.commit().map_err(|err| unavailable("to commit", err))?;
        let _ = replica::set_generation(&folder, generation);
        Ok(())
    }

    /// The change log after `cursor`, oldest first: (generation, session).
    fn changes_after(&self, cursor: i64) -> Result<Vec<(i64, String)>, HubError> {
        let rows = self
            .connection()?
            .query(
                "SELECT generation, session FROM hub_changes WHERE generation > $1
                 ORDER BY generation LIMIT 10000",
                &[&cursor],
            )
            .map_err(|err| unavailable("to read the change log", err))?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    /// The newest generation: what a replica brought in line now holds at least.
    pub fn newest_generation(&self) -> Result<i64, HubError> {
        self.log_bounds().map(|(newest, _)| newest)
    }

    /// The newest generation, and the oldest the change log still holds.
    fn log_bounds(&self) -> Result<(i64, Option<i64>), HubError> {
        let row = self
            .connection()?
            .query_one(
                "SELECT (SELECT generation FROM hub_counter), (SELECT min(generation) FROM hub_changes)",
                &[],
            )
            .map_err(|err| unavailable("to read the change log", err))?;
        Ok((row.get(0), row.get(1)))
    }

    /// Drops change-log rows no hub should still need.
    pub fn prune_changes(&self) -> Result<u64, HubError> {
        self.connection()?
            .execute(
                "DELETE FROM hub_changes
                  WHERE generation < (SELECT generation FROM hub_counter) - $1",
                &[&CHANGES_KEPT],
            )
            .map_err(|err| unavailable("to prune the change log", err))
    }
}

fn migrate(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS hub_migrations (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let applied: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM hub_migrations", &[])?
        .get(0);
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
        tracing::info!(version, "applying a schema migration to the shared store");
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO hub_migrations (version) VALUES ($1)",
            &[version],
        )?;
    }
    tx.commit()
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A blocking client closes its connection by blocking on it, which an async thread
        // (where the last hub handle may well be dropped) must not do.
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::Builder::new()
                .name("hub-pool-close".into())
                .spawn(move || drop(pool));
        }
    }
}

/// What [`Postgres::sync_all`] did.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub fetched: usize,
    pub removed: usize,
    pub published: usize,
}

fn place_of(name: &str) -> Place {
    if name == "archived" {
        Place::Archived
    } else {
        Place::Active
    }
}

fn place_name(place: Place) -> &'static str {
    match place {
        Place::Active => "active",
        Place::Archived => "archived",
    }
}

#[derive(Clone, Copy)]
enum RowLock {
    Share,
    Update,
}

/// What [`fetch_into`] found.
enum Fetched {
    Changed,
    Current,
    Absent,
}

/// Reads session `id`'s row (locked as asked) and files, and makes the replica hold them.
fn fetch_into(
    tx: &mut impl GenericClient,
    dir: &Path,
    id: &str,
    lock: RowLock,
) -> Result<Fetched, HubError> {
    let query = match lock {
        RowLock::Share => {
            "SELECT place, generation, communication FROM hub_sessions WHERE id = $1 FOR SHARE"
        }
        RowLock::Update => {
            "SELECT place, generation, communication FROM hub_sessions WHERE id = $1 FOR UPDATE"
        }
    };
    let row = tx
        .query_opt(query, &[&id])
        .map_err(|err| unavailable("to read the session", err))?;
    let Some(row) = row else {
        return Ok(Fetched::Absent);
    };
    let (place, generation, communication): (String, i64, serde_json::Value) =
        (row.get(0), row.get(1), row.get(2));
    let place = place_of(&place);
    let folder = place.folder(dir, id);
    let here = locate(dir, id);
    if here == Some(place) && replica::generation(&folder) == Some(generation) {
        return Ok(Fetched::Current);
    }
    let files = stored_files(tx, id, &communication)?;
    let moved = match here {
        Some(other) if other != place => {
            if let Some(parent) = folder.parent() {
                std::fs::create_dir_all(parent).map_err(|err| replica_error(&folder, err))?;
            }
            std::fs::rename(other.folder(dir, id), &folder)
                .map_err(|err| replica_error(&folder, err))?;
            true
        }
        _ => false,
    };
    let changed = replica::apply(&folder, &files).map_err(|err| replica_error(&folder, err))?;
    replica::set_generation(&folder, generation).map_err(|err| replica_error(&folder, err))?;
    Ok(if moved || changed {
        Fetched::Changed
    } else {
        Fetched::Current
    })
}

/// Every file of session `id` as the database holds it, `communication` (its row's) included.
fn stored_files(
    tx: &mut impl GenericClient,
    id: &str,
    communication: &serde_json::Value,
) -> Result<Files, HubError> {
    let mut files: Files = tx
        .query(
            "SELECT path, content FROM hub_files WHERE session = $1",
            &[&id],
        )
        .map_err(|err| unavailable("to read the session's files", err))?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    files.insert(
        super::COMMUNICATION_FILE.to_owned(),
        replica::communication_bytes(communication),
    );
    Ok(files)
}

fn replica_error(folder: &Path, err: std::io::Error) -> HubError {
    HubError::internal(
        format!("cannot update the replica in {}", folder.display()),
        err,
    )
}

/// Numbers a change of session `id`: the next generation (the counter row stays locked until
/// the commit, which orders generations as commits), logged and announced at commit.
fn number_change(tx: &mut impl GenericClient, id: &str) -> Result<i64, HubError> {
    let generation: i64 = tx
        .query_one(
            "UPDATE hub_counter SET generation = generation + 1 RETURNING generation",
            &[],
        )
        .map_err(|err| unavailable("to number the change", err))?
        .get(0);
    tx.execute(
        "UPDATE hub_sessions SET generation = $2, updated_at = now() WHERE id = $1",
        &[&id, &generation],
    )
    .and_then(|_| {
        tx.execute(
            "INSERT INTO hub_changes (generation, session) VALUES ($1, $2)",
            &[&generation, &id],
        )
    })
    .and_then(|_| {
        tx.execute(
            "SELECT pg_notify($1, $2)",
            &[&CHANNEL, &generation.to_string()],
        )
    })
    .map_err(|err| unavailable("to log the change", err))?;
    Ok(generation)
}

/// A write in progress: the session's row locked in an open transaction, and what its folder
/// held when the write began.
struct Write<'a> {
    store: &'a Postgres,
    client: Connection,
    id: String,
    before: Files,
    place: Place,
    open: bool,
    /// An edge's agreement with the database once the meeting in `begin` commits.
    mark: Option<(PathBuf, Mark)>,
    /// What `send` sent: the folder's files after the write.
    sent: Option<Files>,
    /// False for an edge's write to a session that is not its own in the database (one whose
    /// id the team has too): the folder alone takes it.
    ours: bool,
}

/// An edge's write while the database cannot be reached: the folder alone (published later).
struct Offline;

impl Exclusive for Offline {
    fn commit(self: Box<Self>) -> Result<(), HubError> {
        Ok(())
    }

    fn abort(self: Box<Self>) {}
}

impl Backend for Postgres {
    fn kind(&self) -> &'static str {
        if self.is_edge() {
            "edge"
        } else {
            "postgres"
        }
    }

    fn is_shared(&self) -> bool {
        !self.is_edge()
    }

    fn begin(&self, id: &str) -> Result<Box<dyn Exclusive + '_>, HubError> {
        let client = if self.is_edge() {
            match self.edge_connection() {
                Ok(client) => client,
                Err(err) => {
                    tracing::warn!(session = %id, %err, "writing the folder alone; published once the shared store is back");
                    return Ok(Box::new(Offline));
                }
            }
        } else {
            self.connection()?
        };
        let mut client = client;
        client
            .batch_execute("BEGIN")
            .map_err(|err| unavailable("to begin", err))?;
        let mut write = Write {
            store: self,
            client,
            id: id.to_owned(),
            before: Files::new(),
            place: Place::Active,
            open: true,
            mark: None,
            sent: None,
            ours: true,
        };
        write.lock_and_fetch()?;
        Ok(Box::new(write))
    }

    fn publish_new(&self, id: &str) -> Result<(), HubError> {
        if self.is_edge() {
            // The folder holds it: published now, or at the next meeting.
            if let Err(err) = self.meet_now(id, Missing::Leave) {
                tracing::warn!(session = %id, %err, "published once the shared store is back");
            }
            return Ok(());
        }
        let published = self.publish(id, Place::Active);
        if published.is_err() {
            // All or nothing: a session the shared store does not have is not shown here.
            let _ = std::fs::remove_dir_all(Place::Active.folder(&self.dir, id));
        }
        published
    }

    fn observed(&self, ids: &[String]) {
        if self.is_edge() {
            self.publish_observed(ids);
        }
    }
}

impl Postgres {
    /// An edge publishes what changed in its folder (a removed folder: deleted there too).
    fn publish_observed(&self, ids: &[String]) {
        for id in ids {
            if let Err(err) = self.meet_now(id, Missing::Delete) {
                tracing::warn!(session = %id, %err, "published once the shared store is back");
            }
        }
    }
}

impl Write<'_> {
    /// Locks the row, brings the folder up to date under the lock, and notes what it holds.
    fn lock_and_fetch(&mut self) -> Result<(), HubError> {
        let dir = self.store.dir.clone();
        if self.store.is_edge() {
            let met = self
                .store
                .meet(&mut *self.client, &self.id, Missing::Leave)?;
            self.mark = met.mark;
            self.ours = met.ours;
        } else if let Fetched::Absent =
            fetch_into(&mut *self.client, &dir, &self.id, RowLock::Update)?
        {
            return Err(HubError::NotFound(format!(
                "no session {:?} in the shared store",
                self.id
            )));
        }
        self.place = locate(&dir, &self.id).unwrap_or(Place::Active);
        self.before = replica::read_files(&self.place.folder(&dir, &self.id))
            .map_err(|err| HubError::internal("cannot read the session's files", err))?;
        Ok(())
    }

    /// Sends what the write changed, numbered; answers the generation (`None`: no change).
    fn send(&mut self) -> Result<Option<i64>, HubError> {
        let dir = self.store.dir.clone();
        let id = self.id.clone();
        // The transaction `begin` opened, on its connection.
        let tx = &mut *self.client;
        let Some(place) = locate(&dir, &id) else {
            // Deleted: the rows go, the files with them.
            tx.execute("DELETE FROM hub_sessions WHERE id = $1", &[&id])
                .map_err(|err| unavailable("to delete the session", err))?;
            return number_change(tx, &id).map(Some);
        };
        let folder = place.folder(&dir, &id);
        let after = replica::read_files(&folder)
            .map_err(|err| HubError::internal("cannot read the session's files", err))?;
        if after == self.before && place == self.place {
            return Ok(None);
        }
        if place != self.place {
            tx.execute(
                "UPDATE hub_sessions SET place = $2 WHERE id = $1",
                &[&id, &place_name(place)],
            )
            .map_err(|err| unavailable("to move the session", err))?;
        }
        for (path, content) in &after {
            let old = self.before.get(path);
            if old == Some(content) {
                continue;
            }
            let sent = if path == super::COMMUNICATION_FILE {
                let value = replica::communication_value(&after).map_err(HubError::Unreadable)?;
                tx.execute(
                    "UPDATE hub_sessions SET communication = $2 WHERE id = $1",
                    &[&id, &value],
                )
            } else if let Some(old) = old.filter(|old| content.starts_with(old)) {
                // Grown only (a history file): send the new end.
                tx.execute(
                    "UPDATE hub_files SET content = content || $3 WHERE session = $1 AND path = $2",
                    &[&id, path, &&content[old.len()..]],
                )
            } else {
                tx.execute(
                    "INSERT INTO hub_files (session, path, content) VALUES ($1, $2, $3)
                     ON CONFLICT (session, path) DO UPDATE SET content = excluded.content",
                    &[&id, path, content],
                )
            };
            sent.map_err(|err| unavailable("to save the session's files", err))?;
        }
        for path in self.before.keys().filter(|path| !after.contains_key(*path)) {
            tx.execute(
                "DELETE FROM hub_files WHERE session = $1 AND path = $2",
                &[&id, path],
            )
            .map_err(|err| unavailable("to save the session's files", err))?;
        }
        let generation = number_change(tx, &id)?;
        self.sent = Some(after);
        Ok(Some(generation))
    }

    fn finish(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.open = false;
        self.client.batch_execute(sql)
    }
}

impl Exclusive for Write<'_> {
    fn commit(mut self: Box<Self>) -> Result<(), HubError> {
        if !self.ours {
            // What the meeting in `begin` did (nothing of this session's) ends with it.
            return self
                .finish("COMMIT")
                .map_err(|err| unavailable("to commit", err));
        }
        let sent = self.send();
        let ended = match &sent {
            Ok(_) => self.finish("COMMIT"),
            Err(_) => self.finish("ROLLBACK"),
        };
        let failed = match (sent, ended) {
            (Ok(generation), Ok(())) => {
                self.committed(generation);
                return Ok(());
            }
            (Err(err), _) => err,
            (Ok(_), Err(err)) => unavailable("to commit", err),
        };
        if self.store.is_edge() {
            // The folder has the write, and is the store of record: the next meeting
            // publishes it.
            tracing::warn!(session = %self.id, err = %failed, "published once the shared store is back");
            return Ok(());
        }
        self.restore();
        Err(failed)
    }

    fn abort(mut self: Box<Self>) {
        let _ = self.finish("ROLLBACK");
        if !self.store.is_edge() {
            self.restore();
        }
    }
}

impl Write<'_> {
    /// Marks the folder with the generation it now holds.
    fn committed(&mut self, generation: Option<i64>) {
        let dir = &self.store.dir;
        let Some(place) = locate(dir, &self.id) else {
            return;
        };
        let folder = place.folder(dir, &self.id);
        if !self.store.is_edge() {
            if let Some(generation) = generation {
                let _ = replica::set_generation(&folder, generation);
            }
            return;
        }
        let met = self.mark.take();
        let mark = match (generation, self.sent.take()) {
            (Some(generation), Some(after)) => {
                let before = met.as_ref().map(|(_, mark)| mark);
                Some(self.store.mark_of(&after, generation, place, before))
            }
            _ => met.map(|(_, mark)| mark),
        };
        if let Some(mark) = mark {
            keep_mark(&folder, &mark);
        }
    }
}

impl Write<'_> {
    /// After a write that did not reach the database, the folder goes back to what it holds.
    fn restore(&self) {
        let dir = &self.store.dir;
        let place = locate(dir, &self.id);
        if let Some(place) = place {
            let folder = place.folder(dir, &self.id);
            if place == self.place
                && replica::read_files(&folder).is_ok_and(|now| now == self.before)
            {
                return;
            }
            // Forces a full fetch: the mark no longer matches.
            let _ = std::fs::remove_file(folder.join(replica::GENERATION_FILE));
        }
        if let Err(err) = self.store.materialise(&self.id) {
            tracing::warn!(session = %self.id, %err, "cannot restore the replica after a failed write");
        }
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        if self.open {
            // A write that panicked must not hand its transaction to the next user of the
            // connection.
            let _ = self.finish("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            redact("postgres://hub:s3cret@db:5432/hub"),
            "postgres://hub@db:5432/hub"
        );
        assert_eq!(redact("postgres://hub@db/hub"), "postgres://hub@db/hub");
        assert_eq!(redact("postgres://db/hub"), "postgres://db/hub");
        assert_eq!(
            redact("postgresql://u:p@ss:w@rd@db/x"),
            "postgresql://u@db/x",
            "the last @ ends the user info"
        );
    }
}
