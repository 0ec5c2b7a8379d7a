//! Opening agents' output files. The path comes from `communication.json`, which agents write,
//! so it is untrusted:
//!
//! 1. a lexical check of the raw string (`domain::output_path`);
//! 2. an open *beneath* the session folder (`fsutil::beneath`), which refuses `..` or a symbolic
//!    link to anywhere outside it;
//! 3. `fstat` on the opened file: regular files only, then a read of at most the preview cap.
//!
//! A path outside the session folder (absolute, or leaving it through `..` or a symlink) is
//! opened only when it lies under an `--allow-output-root` folder, and then beneath that folder
//! in the same way. Rendering what was read is the service's business.

use super::SessionStore;
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::output::OutputStamp;
use crate::domain::output_path::{
    check_output_path, download_name, leaves_folder, shown, OutputPath,
};
use crate::domain::HubError;
use crate::fsutil::beneath::{open_beneath, Refusal};
use crate::fsutil::fingerprint::unix_ms;
use crate::fsutil::read::{read_prefix, Prefix};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Opens the output file named `raw` for reading (to stream it as a download): the file and
/// its size, or `None` while it does not exist.
pub fn open_output(
    session_dir: &Path,
    raw: &str,
    allow_roots: &[PathBuf],
) -> Result<Option<(File, u64)>, HubError> {
    match check_output_path(raw)? {
        OutputPath::Inside(relative) => match open_beneath(session_dir, &relative) {
            Err(Refusal::Escapes) => {
                // A symlink in the session folder may point into an allowed root.
                let target = std::fs::canonicalize(session_dir.join(&relative)).ok();
                match target.and_then(|target| under_root(&target, allow_roots)) {
                    Some((root, relative)) => {
                        open_beneath(&root, &relative).map_err(|r| refused(r, raw, &root))
                    }
                    None => Err(refused(Refusal::Escapes, raw, session_dir)),
                }
            }
            other => other.map_err(|refusal| refused(refusal, raw, session_dir)),
        },
        OutputPath::Outside { absolute } => {
            let target = lexical_target(session_dir, raw, absolute)?;
            match under_root(&target, allow_roots) {
                Some((root, relative)) => {
                    open_beneath(&root, &relative).map_err(|r| refused(r, raw, &root))
                }
                None => Err(leaves_folder(raw, absolute, allow_roots.is_empty())),
            }
        }
    }
}

/// Reads at most `max_bytes` of the output file named `raw`; `None` while it does not exist.
pub fn read_output(
    session_dir: &Path,
    raw: &str,
    allow_roots: &[PathBuf],
    max_bytes: u64,
) -> Result<Option<Prefix>, HubError> {
    let Some((file, size)) = open_output(session_dir, raw, allow_roots)? else {
        return Ok(None);
    };
    read_prefix(&file, size, max_bytes)
        .map(Some)
        .map_err(|err| {
            HubError::Unreadable(format!("output file {} cannot be read: {err}", shown(raw)))
        })
}

/// What a refused open tells a person.
fn refused(refusal: Refusal, raw: &str, base: &Path) -> HubError {
    let raw = shown(raw);
    match refusal {
            Refusal::Escapes => HubError::Forbidden(format!(
                "output path {raw} leads outside its folder through a symbolic link; start the hub with --allow-output-root to allow the folder it points to"
            )),
            Refusal::TooManyLinks => HubError::Forbidden(format!(
                "output path {raw} goes through too many symbolic links"
            )),
            Refusal::Folder => HubError::Invalid(format!("output path {raw} names a folder, not a file")),
            Refusal::Special(kind) => HubError::Forbidden(format!(
                "output path {raw} is a {kind}, not a regular file; only regular files are shown"
            )),
            Refusal::Base(err) if err.kind() == io::ErrorKind::NotFound => HubError::NotFound(format!(
                "the folder {} of output path {raw} does not exist",
                base.display()
            )),
            Refusal::Base(err) => HubError::Unreadable(format!(
                "the folder {} of output path {raw} cannot be opened: {err}",
                base.display()
            )),
            Refusal::Io(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                HubError::Unreadable(format!("output file {raw} cannot be read: permission denied"))
            }
            Refusal::Io(err) => HubError::Unreadable(format!("output file {raw} cannot be read: {err}")),
        }
}

/// The absolute path `raw` names, resolving `..` lexically from the real session folder.
fn lexical_target(session_dir: &Path, raw: &str, absolute: bool) -> Result<PathBuf, HubError> {
    let mut target = if absolute {
        PathBuf::from("/")
    } else {
        std::fs::canonicalize(session_dir).map_err(|err| {
            HubError::NotFound(format!(
                "the session folder {} cannot be opened: {err}",
                session_dir.display()
            ))
        })?
    };
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                target.pop();
            }
            name => target.push(name),
        }
    }
    Ok(target)
}

/// The allowed root `target` lies under (canonicalised) and the path relative to it.
fn under_root(target: &Path, allow_roots: &[PathBuf]) -> Option<(PathBuf, PathBuf)> {
    allow_roots
        .iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .find_map(|root| {
            let relative = target.strip_prefix(&root).ok()?.to_path_buf();
            let relative = if relative.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                relative
            };
            Some((root, relative))
        })
}

/// The output the viewer asked for, found in the session's roster.
pub struct ChosenOutput {
    pub folder: PathBuf,
    /// As the agent named it.
    pub path: String,
    /// All of the agent's outputs, in roster order.
    pub outputs: Vec<String>,
}

impl SessionStore {
    /// One output file of one agent: `path` if given (it must be one of the agent's outputs),
    /// else the agent's first; its stamp and at most `max_bytes` of it, or `None` for both while
    /// it does not exist.
    pub fn agent_output(
        &self,
        id: &SessionId,
        agent_id: &AgentId,
        path: Option<&str>,
        allow_roots: &[PathBuf],
        max_bytes: u64,
    ) -> Result<(ChosenOutput, Option<OutputStamp>, Option<Prefix>), HubError> {
        let chosen = self.chosen_output(id, agent_id, path)?;
        let stamp = stamp_of(&chosen.folder, &chosen.path, allow_roots)?;
        let bytes = read_output(&chosen.folder, &chosen.path, allow_roots, max_bytes)?;
        Ok((chosen, stamp, bytes))
    }

    /// Size and modification time of an agent's output file (`None` while it does not exist):
    /// how an open viewer tells, without reading it, that the file changed.
    pub fn agent_output_stamp(
        &self,
        id: &SessionId,
        agent_id: &AgentId,
        path: Option<&str>,
        allow_roots: &[PathBuf],
    ) -> Result<Option<OutputStamp>, HubError> {
        let chosen = self.chosen_output(id, agent_id, path)?;
        stamp_of(&chosen.folder, &chosen.path, allow_roots)
    }

    /// The whole output file for a download: the open file, its size and a file name.
    pub fn agent_output_file(
        &self,
        id: &SessionId,
        agent_id: &AgentId,
        path: Option<&str>,
        allow_roots: &[PathBuf],
    ) -> Result<(File, u64, String), HubError> {
        let chosen = self.chosen_output(id, agent_id, path)?;
        let agent_id = agent_id.as_str();
        match open_output(&chosen.folder, &chosen.path, allow_roots)? {
            Some((file, size)) => Ok((file, size, download_name(&chosen.path))),
            None => Err(HubError::NotFound(format!(
                "agent {agent_id:?} has not written its output file {:?} yet",
                chosen.path
            ))),
        }
    }

    fn chosen_output(
        &self,
        id: &SessionId,
        agent_id: &AgentId,
        path: Option<&str>,
    ) -> Result<ChosenOutput, HubError> {
        let file = self.communication(id)?;
        let (id, agent_id) = (id.as_str(), agent_id.as_str());
        let agent = file
            .agents
            .iter()
            .find(|agent| agent.agent_id == agent_id)
            .ok_or_else(|| {
                HubError::NotFound(format!("no agent {agent_id:?} in session {id:?}"))
            })?;
        let outputs = agent.outputs();
        let path = match path {
            Some(wanted) => outputs
                .iter()
                .find(|output| output.as_str() == wanted)
                .cloned()
                .ok_or_else(|| {
                    HubError::NotFound(format!(
                        "agent {agent_id:?} names no output file {}; its output files are {}",
                        shown(wanted),
                        if outputs.is_empty() {
                            "none".to_owned()
                        } else {
                            outputs
                                .iter()
                                .map(|output| shown(output))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ))
                })?,
            None => outputs.first().cloned().ok_or_else(|| {
                HubError::NotFound(format!(
                    "agent {agent_id:?} in session {id:?} names no output file"
                ))
            })?,
        };
        Ok(ChosenOutput {
            folder: self.folder(&SessionId::parse(id)?)?,
            path,
            outputs,
        })
    }
}

/// Through the same safe open as a read, so a stamp never describes a file outside the roots.
fn stamp_of(
    folder: &Path,
    raw: &str,
    allow_roots: &[PathBuf],
) -> Result<Option<OutputStamp>, HubError> {
    let Some((file, size)) = open_output(folder, raw, allow_roots)? else {
        return Ok(None);
    };
    let modified_ms = file
        .metadata()
        .and_then(|meta| meta.modified())
        .map(unix_ms)
        .unwrap_or(0);
    Ok(Some(OutputStamp { size, modified_ms }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_sentences_that_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_output(dir.path(), "../../etc/passwd", &[]).unwrap_err();
        assert_eq!(
            err,
            HubError::Forbidden("output path \"../../etc/passwd\" leaves the session folder; start the hub with --allow-output-root to allow a folder outside it".to_owned())
        );
        let err = open_output(dir.path(), "/etc/passwd", &[dir.path().join("none")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "output path \"/etc/passwd\" is absolute, outside the session folder; it is not under any --allow-output-root folder"
        );
    }
}
