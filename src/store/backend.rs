//! Where the sessions are kept for good: the seam between the store's index (which always reads
//! a folder) and the store of record behind it.
//!
//! - [`Folder`]: the sessions folder *is* the store of record (the default). Writers take turns
//!   through each session's lock file, and the watcher tells the index what changed.
//! - `postgres::Postgres`: a PostgreSQL database shared by several hubs; the folder is this
//!   hub's replica of it. Every write runs on the replica as the session's only writer on any
//!   hub (its row is locked), then what it changed goes into the database in the same
//!   transaction, numbered, and every hub applies it to its own replica.
//! - the same in edge mode (`--publish-to`): the folder stays the store of record (watched, as
//!   with [`Folder`]) and is published into the database, where the team's changes to its
//!   sessions come back from.
//!
//! Every read path (the index, outputs beneath a session, the history, the export) works on
//! files either way, so it is the same code for both.

use crate::domain::HubError;

/// The store of record.
pub trait Backend: Send + Sync {
    /// `folder` or `postgres`, for `/healthz` and the log.
    fn kind(&self) -> &'static str;

    /// Whether changes arrive from the backend rather than through the folder (then nothing
    /// but the hub writes the folder: no watcher, no recording of hand edits).
    fn is_shared(&self) -> bool;

    /// Makes this hub the only writer of session `id` on every hub until the answer is
    /// finished, with the session's files in the folder up to date.
    fn begin(&self, id: &str) -> Result<Box<dyn Exclusive + '_>, HubError>;

    /// Takes a session that was just written whole into the folder (a new one) into the store
    /// of record: all of it or, when its id is taken there, none (and the folder is removed).
    fn publish_new(&self, id: &str) -> Result<(), HubError>;

    /// Sessions whose folders changed without a write of this hub's (an agent wrote its files,
    /// or a session was removed by hand): a store of record elsewhere takes those changes.
    fn observed(&self, _ids: &[String]) {}
}

/// A write in progress on one session (see [`Backend::begin`]).
pub trait Exclusive {
    /// Makes what the write changed in the folder durable in the store of record.
    fn commit(self: Box<Self>) -> Result<(), HubError>;

    /// Forgets the write: the folder is brought back to what the store of record holds.
    fn abort(self: Box<Self>);
}

/// The sessions folder as the store of record: writers serialise on each session's lock file
/// inside the write itself, so there is nothing more to do here.
pub struct Folder;

struct FolderWrite;

impl Exclusive for FolderWrite {
    fn commit(self: Box<Self>) -> Result<(), HubError> {
        Ok(())
    }

    fn abort(self: Box<Self>) {}
}

impl Backend for Folder {
    fn kind(&self) -> &'static str {
        "folder"
    }

    fn is_shared(&self) -> bool {
        false
    }

    fn begin(&self, _id: &str) -> Result<Box<dyn Exclusive + '_>, HubError> {
        Ok(Box::new(FolderWrite))
    }

    fn publish_new(&self, _id: &str) -> Result<(), HubError> {
        Ok(())
    }
}

/// Runs `write` on session `id` as its only writer on any hub, and commits it to `backend`
/// when it succeeds (a failed write changes nothing there).
pub fn exclusive<T>(
    backend: &dyn Backend,
    id: &str,
    write: impl FnOnce() -> Result<T, HubError>,
) -> Result<T, HubError> {
    let session = backend.begin(id)?;
    match write() {
        Ok(value) => {
            session.commit()?;
            Ok(value)
        }
        Err(err) => {
            session.abort();
            Err(err)
        }
    }
}
