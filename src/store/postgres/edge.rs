//! Edge mode (`--publish-to postgres://…`): this machine's sessions folder stays the store of
//! record (agents write its files as before, the watcher notices) and every session in it is
//! mirrored into the team's database under this hub's name. A change the team makes to one of
//! those sessions through another hub lands in the database, and this hub applies it to its
//! files: it is the only hub that writes this folder.
//!
//! Both sides may change a session between two meetings, so each meeting is a three-way
//! merge, file by file, against what the two sides agreed on last. That agreement is the
//! session's *mark* (`.hub.edge` in its folder, never sent): the digest of every file as of the
//! last meeting, the generation and the place. A file only one side changed takes that side's
//! version; a file both changed keeps the folder's (the store of record), and the log says so.
//! Every meeting holds the session's row (`FOR UPDATE`) and its folder lock, so the team's
//! writes, this hub's writes and the agents' locked writes take turns with it.
//!
//! The folder does not need the database: when it cannot be reached, writes here go on, and
//! what they changed is published when it is back (each session is compared with its mark).

use super::replica::{self, Files};
use super::{number_change, place_name, place_of, unavailable, Postgres};
use crate::domain::HubError;
use crate::store::lifecycle::{locate, Place, TRASH_DIR};
use crate::store::write::{lock_session, LOCK_TIMEOUT};
use crate::store::COMMUNICATION_FILE;
use postgres::GenericClient;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The mark of a session folder: what it and the database agreed on last.
pub const MARK_FILE: &str = ".hub.edge";

/// Who this edge is in the database, and which database it agreed with.
#[derive(Clone, Debug)]
pub struct EdgeName {
    /// `hub_sessions.owner` of the sessions this hub publishes.
    pub owner: String,
    /// `hub_store.id`: marks made with another database (one recreated since) are void.
    pub store_id: String,
}

/// What a folder and the database agreed on at their last meeting.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Mark {
    store: String,
    generation: i64,
    place: String,
    files: BTreeMap<String, FileMark>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct FileMark {
    /// SHA-256 of the file (of `communication.json`'s JSON, keys sorted: the database keeps
    /// it as JSONB, which orders keys its own way).
    digest: String,
    len: u64,
}

/// Which side's version of a file a meeting keeps.
#[derive(Debug, PartialEq, Eq)]
enum Take {
    /// Both hold the same.
    Same,
    /// Only the folder changed it, or both did (the folder is the store of record).
    Local { conflict: bool },
    /// Only the database changed it.
    Remote,
}

/// The three-way choice for one file, by digest (`None`: the side has no such file).
fn take(base: Option<&str>, local: Option<&str>, remote: Option<&str>) -> Take {
    if local == remote {
        Take::Same
    } else if remote == base {
        Take::Local { conflict: false }
    } else if local == base {
        Take::Remote
    } else {
        Take::Local { conflict: true }
    }
}

/// What to do with an owned session whose folder is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Missing {
    /// It was deleted here while this hub watched: delete it in the database too.
    Delete,
    /// Found missing at start: bring it back from the database (nothing is lost; delete it
    /// through the hub to delete it everywhere).
    Fetch,
    /// Leave it (the follower: the watcher decides).
    Leave,
}

/// What a meeting did.
#[derive(Debug, Default)]
pub(super) struct Met {
    /// The database took something from the folder.
    pub sent: bool,
    /// The folder took something from the database (or was removed).
    pub applied: bool,
    /// What the two agree on now, to be kept once the transaction commits.
    pub mark: Option<(std::path::PathBuf, Mark)>,
    /// The session is this edge's in the database (a write here may be sent there).
    pub ours: bool,
}

fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `value` with every object's keys sorted, for a digest that ignores key order.
fn sorted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            serde_json::Value::Object(
                keys.into_iter()
                    .map(|key| (key.clone(), sorted(&map[key])))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(sorted).collect())
        }
        other => other.clone(),
    }
}

/// The mark of one file; `None` for a `communication.json` that is not JSON (an agent's
/// half-made edit: neither sent nor overwritten until it is).
fn file_mark(path: &str, bytes: &[u8]) -> Option<FileMark> {
    let digest = if path == COMMUNICATION_FILE {
        let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        sha256(&serde_json::to_vec(&sorted(&value)).expect("a JSON value always serialises"))
    } else {
        sha256(bytes)
    };
    Some(FileMark {
        digest,
        len: bytes.len() as u64,
    })
}

fn read_mark(folder: &Path, store_id: &str) -> Option<Mark> {
    let bytes = std::fs::read(folder.join(MARK_FILE)).ok()?;
    serde_json::from_slice::<Mark>(&bytes)
        .ok()
        .filter(|mark| mark.store == store_id)
}

/// Keeps `mark` in `folder` (after the transaction it describes committed).
pub(super) fn keep_mark(folder: &Path, mark: &Mark) {
    let bytes = serde_json::to_vec(mark).expect("a mark always serialises");
    if let Err(err) = crate::fsutil::atomic::write_atomic(folder, MARK_FILE, &bytes) {
        tracing::warn!(folder = %folder.display(), %err, "cannot keep the session's edge mark");
    }
}

fn folder_error(folder: &Path, err: impl std::error::Error + Send + Sync + 'static) -> HubError {
    HubError::internal(format!("cannot update {}", folder.display()), err)
}

impl Postgres {
    pub(super) fn edge_name(&self) -> &EdgeName {
        self.edge.as_ref().expect("only an edge hub meets")
    }

    /// The mark of `files` as agreed at `generation` in `place`; a file without a mark of
    /// its own (an unreadable `communication.json`) keeps the one it had.
    pub(super) fn mark_of(
        &self,
        files: &Files,
        generation: i64,
        place: Place,
        before: Option<&Mark>,
    ) -> Mark {
        let mut marks = BTreeMap::new();
        for (path, bytes) in files {
            let mark = file_mark(path, bytes)
                .or_else(|| before.and_then(|before| before.files.get(path).cloned()));
            if let Some(mark) = mark {
                marks.insert(path.clone(), mark);
            }
        }
        Mark {
            store: self.edge_name().store_id.clone(),
            generation,
            place: place_name(place).to_owned(),
            files: marks,
        }
    }

    /// Brings session `id`'s folder and its row together, in `tx` (which then holds the row
    /// until it ends). Sessions another owner publishes are left alone.
    pub(super) fn meet(
        &self,
        tx: &mut impl GenericClient,
        id: &str,
        missing: Missing,
    ) -> Result<Met, HubError> {
        let edge = self.edge_name().clone();
        let row = tx
            .query_opt(
                "SELECT owner, place, generation FROM hub_sessions WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .map_err(|err| unavailable("to read the session", err))?;
        let here = locate(&self.dir, id);
        let Some(row) = row else {
            let Some(place) = here else {
                return Ok(Met::default());
            };
            let folder = place.folder(&self.dir, id);
            if read_mark(&folder, &edge.store_id).is_some() {
                // Agreed with this database once, and gone from it: deleted by the team.
                return Ok(Met {
                    applied: self.to_trash(id, place),
                    ..Met::default()
                });
            }
            return self.insert(tx, id, place);
        };
        let (owner, row_place, generation): (Option<String>, String, i64) =
            (row.get(0), row.get(1), row.get(2));
        if owner.as_deref() != Some(edge.owner.as_str()) {
            // Said once per start (and reconnect), not at every change.
            if here.is_some() && missing == Missing::Fetch {
                tracing::warn!(
                    session = %id,
                    owner = owner.as_deref().unwrap_or("the team"),
                    "not published: the shared store has a session of this id already"
                );
            }
            return Ok(Met::default());
        }
        let Some(place) = here else {
            return match missing {
                Missing::Delete => {
                    tx.execute("DELETE FROM hub_sessions WHERE id = $1", &[&id])
                        .map_err(|err| unavailable("to delete the session", err))?;
                    number_change(tx, id)?;
                    Ok(Met {
                        sent: true,
                        ..Met::default()
                    })
                }
                Missing::Fetch => self.fetch_whole(tx, id, place_of(&row_place), generation),
                Missing::Leave => Ok(Met {
                    ours: true,
                    ..Met::default()
                }),
            };
        };
        let met = self.merge(tx, id, place, place_of(&row_place), generation)?;
        Ok(Met { ours: true, ..met })
    }

    /// A session only the folder has: into the database whole, under this edge's name.
    fn insert(&self, tx: &mut impl GenericClient, id: &str, place: Place) -> Result<Met, HubError> {
        let folder = place.folder(&self.dir, id);
        let _lock =
            lock_session(&folder, LOCK_TIMEOUT).map_err(|err| folder_error(&folder, err))?;
        let mut files = replica::read_files(&folder).map_err(|err| folder_error(&folder, err))?;
        let Ok(communication) = replica::communication_value(&files) else {
            // Not a session yet (or an agent's half-made file): published once it reads.
            return Ok(Met::default());
        };
        let mark_files = files.clone();
        files.remove(COMMUNICATION_FILE);
        let inserted = tx
            .execute(
                "INSERT INTO hub_sessions (id, place, communication, generation, owner)
                 VALUES ($1, $2, $3, 0, $4) ON CONFLICT (id) DO NOTHING",
                &[
                    &id,
                    &place_name(place),
                    &communication,
                    &self.edge_name().owner,
                ],
            )
            .map_err(|err| unavailable("to add the session", err))?;
        if inserted == 0 {
            // Published meanwhile (by this hub's other thread, or by someone else): the next
            // meeting sorts it out.
            return Ok(Met::default());
        }
        for (path, content) in &files {
            tx.execute(
                "INSERT INTO hub_files (session, path, content) VALUES ($1, $2, $3)",
                &[&id, path, content],
            )
            .map_err(|err| unavailable("to add the session's files", err))?;
        }
        let generation = number_change(tx, id)?;
        let mark = self.mark_of(&mark_files, generation, place, None);
        Ok(Met {
            sent: true,
            applied: false,
            mark: Some((folder, mark)),
            ours: true,
        })
    }

    /// An owned session the folder lost while no hub ran: back from the database.
    fn fetch_whole(
        &self,
        tx: &mut impl GenericClient,
        id: &str,
        place: Place,
        generation: i64,
    ) -> Result<Met, HubError> {
        let files = self.remote_files(tx, id)?;
        let folder = place.folder(&self.dir, id);
        replica::apply(&folder, &files).map_err(|err| folder_error(&folder, err))?;
        tracing::info!(session = %id, "brought back from the shared store (its folder was gone)");
        let mark = self.mark_of(&files, generation, place, None);
        Ok(Met {
            sent: false,
            applied: true,
            mark: Some((folder, mark)),
            ours: true,
        })
    }

    /// Every file of session `id` as the database holds it, `communication.json` included.
    fn remote_files(&self, tx: &mut impl GenericClient, id: &str) -> Result<Files, HubError> {
        let communication: serde_json::Value = tx
            .query_one(
                "SELECT communication FROM hub_sessions WHERE id = $1",
                &[&id],
            )
            .map_err(|err| unavailable("to read the session", err))?
            .get(0);
        super::stored_files(tx, id, &communication)
    }

    /// The three-way merge of a session both sides hold (see the module's comment).
    fn merge(
        &self,
        tx: &mut impl GenericClient,
        id: &str,
        mut place: Place,
        row_place: Place,
        generation: i64,
    ) -> Result<Met, HubError> {
        let edge = self.edge_name().clone();
        let mut folder = place.folder(&self.dir, id);
        let _lock =
            lock_session(&folder, LOCK_TIMEOUT).map_err(|err| folder_error(&folder, err))?;
        let mark = read_mark(&folder, &edge.store_id);
        let mut met = Met::default();

        if place != row_place {
            let marked_place = mark.as_ref().map(|mark| place_of(&mark.place));
            if marked_place == Some(place) {
                // Archived or restored by the team: the folder follows.
                let to = row_place.folder(&self.dir, id);
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(|err| folder_error(&to, err))?;
                }
                std::fs::rename(&folder, &to).map_err(|err| folder_error(&to, err))?;
                place = row_place;
                folder = to;
                met.applied = true;
            } else {
                tx.execute(
                    "UPDATE hub_sessions SET place = $2 WHERE id = $1",
                    &[&id, &place_name(place)],
                )
                .map_err(|err| unavailable("to move the session", err))?;
                met.sent = true;
            }
        }

        let local = replica::read_files(&folder).map_err(|err| folder_error(&folder, err))?;
        let base = mark.as_ref().map(|mark| &mark.files);
        // Unchanged in the database since the mark: it holds what the mark says.
        let remote = match &mark {
            Some(mark) if mark.generation == generation => None,
            _ => Some(self.remote_files(tx, id)?),
        };
        let paths: BTreeSet<&String> = local
            .keys()
            .chain(base.into_iter().flat_map(|base| base.keys()))
            .chain(remote.iter().flat_map(|remote| remote.keys()))
            .collect();
        let mut kept = Files::new();
        for path in paths {
            let base_mark = base.and_then(|base| base.get(path));
            let local_bytes = local.get(path);
            let local_mark = local_bytes.map(|bytes| file_mark(path, bytes));
            if let (Some(None), Some(bytes)) = (&local_mark, local_bytes) {
                // An unreadable communication.json: left for a meeting once it reads (its
                // mark stays what it was).
                kept.insert(path.clone(), bytes.clone());
                continue;
            }
            let local_mark = local_mark.flatten();
            let remote_bytes = remote.as_ref().and_then(|remote| remote.get(path));
            let remote_mark = match &remote {
                None => base_mark.cloned(),
                Some(_) => remote_bytes.and_then(|bytes| file_mark(path, bytes)),
            };
            let digest = |mark: &Option<FileMark>| mark.as_ref().map(|m| m.digest.clone());
            match take(
                base_mark.map(|m| m.digest.as_str()),
                digest(&local_mark).as_deref(),
                digest(&remote_mark).as_deref(),
            ) {
                Take::Same => {}
                Take::Local { conflict } => {
                    if conflict {
                        tracing::warn!(
                            session = %id,
                            path,
                            "changed here and in the team's hub at once: kept this machine's"
                        );
                    }
                    let grown_from = base_mark.filter(|_| !conflict);
                    self.send_file(tx, id, path, local_bytes.map(Vec::as_slice), grown_from)?;
                    met.sent = true;
                }
                Take::Remote => {
                    match remote_bytes {
                        Some(bytes) => {
                            replica::write_file(
                                &folder,
                                path,
                                local_bytes.map(Vec::as_slice),
                                bytes,
                            )
                            .map_err(|err| folder_error(&folder, err))?;
                            kept.insert(path.clone(), bytes.clone());
                        }
                        None => replica::remove_file(&folder, path)
                            .map_err(|err| folder_error(&folder, err))?,
                    }
                    met.applied = true;
                    continue;
                }
            }
            if let Some(bytes) = local_bytes {
                kept.insert(path.clone(), bytes.clone());
            }
        }
        let generation = if met.sent {
            number_change(tx, id)?
        } else {
            generation
        };
        met.mark = Some((
            folder,
            self.mark_of(&kept, generation, place, mark.as_ref()),
        ));
        Ok(met)
    }

    /// Sends the folder's version of one file (`None`: it has none). A file that only grew
    /// since the mark (a history) sends its new end.
    fn send_file(
        &self,
        tx: &mut impl GenericClient,
        id: &str,
        path: &str,
        bytes: Option<&[u8]>,
        grown_from: Option<&FileMark>,
    ) -> Result<(), HubError> {
        let sent = match bytes {
            None if path == COMMUNICATION_FILE => return Ok(()),
            None => tx.execute(
                "DELETE FROM hub_files WHERE session = $1 AND path = $2",
                &[&id, &path],
            ),
            Some(bytes) if path == COMMUNICATION_FILE => {
                let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
                    HubError::Unreadable(format!("{COMMUNICATION_FILE} is not JSON: {err}"))
                })?;
                tx.execute(
                    "UPDATE hub_sessions SET communication = $2 WHERE id = $1",
                    &[&id, &value],
                )
            }
            Some(bytes) => {
                let grown = grown_from.and_then(|mark| {
                    let len = usize::try_from(mark.len).ok()?;
                    (bytes.len() > len && sha256(&bytes[..len]) == mark.digest)
                        .then(|| &bytes[len..])
                });
                match grown {
                    Some(suffix) => tx.execute(
                        "UPDATE hub_files SET content = content || $3
                          WHERE session = $1 AND path = $2",
                        &[&id, &path, &suffix],
                    ),
                    None => tx.execute(
                        "INSERT INTO hub_files (session, path, content) VALUES ($1, $2, $3)
                         ON CONFLICT (session, path) DO UPDATE SET content = excluded.content",
                        &[&id, &path, &bytes],
                    ),
                }
            }
        };
        sent.map_err(|err| unavailable("to save the session's files", err))?;
        Ok(())
    }

    /// Moves a session the team deleted into the local trash (purged after `--trash-days`,
    /// so a mistake can still be undone here). Answers whether it went.
    fn to_trash(&self, id: &str, place: Place) -> bool {
        let bin = self.dir.join(TRASH_DIR).join(format!(
            "{}",
            crate::fsutil::fingerprint::unix_ms(std::time::SystemTime::now())
        ));
        let moved = std::fs::create_dir_all(&bin)
            .and_then(|()| std::fs::rename(place.folder(&self.dir, id), bin.join(id)));
        match moved {
            Ok(()) => {
                tracing::info!(session = %id, "deleted in the team's hub: moved to the trash");
                true
            }
            Err(err) => {
                tracing::warn!(session = %id, %err, "cannot remove a session the team deleted");
                false
            }
        }
    }

    /// One meeting in a transaction of its own; the mark is kept once it committed.
    pub(super) fn meet_now(&self, id: &str, missing: Missing) -> Result<Met, HubError> {
        let mut client = self.edge_connection()?;
        let mut tx = client
            .transaction()
            .map_err(|err| unavailable("to begin", err))?;
        let met = self.meet(&mut tx, id, missing)?;
        tx.commit().map_err(|err| unavailable("to commit", err))?;
        if let Some((folder, mark)) = &met.mark {
            keep_mark(folder, mark);
        }
        Ok(met)
    }

    /// Every session this edge holds or published, met once: at start, and when the
    /// database is back after an outage (what changed meanwhile goes out).
    pub(super) fn meet_all(&self) -> Result<super::SyncReport, HubError> {
        let owned = self
            .edge_connection()?
            .query(
                "SELECT id FROM hub_sessions WHERE owner = $1",
                &[&self.edge_name().owner],
            )
            .map_err(|err| unavailable("to list the sessions", err))?;
        let ids: BTreeSet<String> = owned
            .iter()
            .map(|row| row.get::<_, String>(0))
            .chain(self.local_sessions().into_iter().map(|(id, _)| id))
            .collect();
        let mut report = super::SyncReport::default();
        for id in ids {
            match self.meet_now(&id, Missing::Fetch) {
                Ok(met) => {
                    report.published += usize::from(met.sent);
                    report.fetched += usize::from(met.applied);
                }
                Err(err) => {
                    tracing::warn!(session = %id, %err, "cannot publish this session yet");
                }
            }
        }
        Ok(report)
    }

    /// Whether a change the log announced concerns this edge at all (its row is this edge's,
    /// or the folder holds it), read without locking anything.
    pub(super) fn concerns_edge(&self, id: &str) -> Result<bool, HubError> {
        if locate(&self.dir, id).is_some() {
            return Ok(true);
        }
        let owner: Option<Option<String>> = self
            .edge_connection()?
            .query_opt("SELECT owner FROM hub_sessions WHERE id = $1", &[&id])
            .map_err(|err| unavailable("to read the session", err))?
            .map(|row| row.get(0));
        Ok(owner.flatten().as_deref() == Some(self.edge_name().owner.as_str()))
    }
}

/// The name this edge publishes under by default: the host and the sessions folder, so two
/// folders on one machine are two edges.
pub fn default_edge_name(sessions_dir: &Path) -> String {
    let host = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    let folder = std::fs::canonicalize(sessions_dir).unwrap_or_else(|_| sessions_dir.to_owned());
    format!("{host}:{}", folder.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_takes_the_side_that_changed_it_and_the_folder_wins_a_tie() {
        let (a, b, c) = (Some("a"), Some("b"), Some("c"));
        assert_eq!(take(a, a, a), Take::Same);
        assert_eq!(take(a, b, b), Take::Same, "both made the same change");
        assert_eq!(take(a, b, a), Take::Local { conflict: false });
        assert_eq!(take(a, a, b), Take::Remote);
        assert_eq!(take(a, b, c), Take::Local { conflict: true });
        assert_eq!(
            take(None, a, None),
            Take::Local { conflict: false },
            "new here"
        );
        assert_eq!(take(None, None, a), Take::Remote, "new there");
        assert_eq!(
            take(a, None, a),
            Take::Local { conflict: false },
            "removed here"
        );
        assert_eq!(take(a, a, None), Take::Remote, "removed there");
        assert_eq!(
            take(None, a, b),
            Take::Local { conflict: true },
            "no mark: the folder wins"
        );
    }

    #[test]
    fn communication_json_is_compared_as_json_and_a_torn_one_has_no_mark() {
        let one = file_mark(
            COMMUNICATION_FILE,
            br#"{"a": 1, "b": {"x": [1, 2], "y": null}}"#,
        );
        let other = file_mark(
            COMMUNICATION_FILE,
            b"{\n  \"b\": {\"y\": null, \"x\": [1, 2]},\n  \"a\": 1\n}\n",
        );
        assert_eq!(
            one.as_ref().map(|m| &m.digest),
            other.as_ref().map(|m| &m.digest)
        );
        assert!(file_mark(COMMUNICATION_FILE, br#"{"a": 1, "#).is_none());
        assert_ne!(
            file_mark("out.md", b"x").unwrap().digest,
            file_mark("out.md", b"y").unwrap().digest
        );
        assert!(
            file_mark("out.md", b"{").is_some(),
            "only communication.json is parsed"
        );
    }
}
