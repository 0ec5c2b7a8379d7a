//! The project files a session embeds (selected context files, then path attachments), checked
//! against the real project root before anything is written.

use crate::domain::create::{normalize_relative_path, CreateRequest};
use crate::domain::HubError;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A context file bigger than this is refused: no agent reads a context that large.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

/// One project file to embed in the backbone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// As given (normalised): relative to the project root, `/`-separated.
    pub relative: String,
    /// Canonical: inside the canonical project root, symbolic links resolved.
    pub absolute: PathBuf,
    pub size: u64,
}

/// The canonical project root and the files to embed, each once: context files in request
/// order, then path attachments not already among them. Every problem is reported, in one
/// message; nothing has been written when this fails.
pub fn resolve(
    project_root: &Path,
    request: &CreateRequest,
) -> Result<(PathBuf, Vec<Source>), HubError> {
    let root = std::fs::canonicalize(project_root)
        .ok()
        .filter(|root| root.is_dir())
        .ok_or_else(|| {
            HubError::Invalid(format!(
                "The project root {} does not exist or is not a directory.",
                project_root.display()
            ))
        })?;
    let wanted = request
        .context_files
        .iter()
        .map(|p| ("context file", p.as_str()))
        .chain(
            request
                .attachments
                .iter()
                .filter_map(|a| a.given_path())
                .map(|p| ("attachment", p)),
        );
    let mut sources: Vec<Source> = Vec::new();
    let mut problems = Vec::new();
    for (what, raw) in wanted {
        match check(&root, raw) {
            Ok(source) => {
                if !sources.iter().any(|s| s.absolute == source.absolute) {
                    sources.push(source);
                }
            }
            Err(problem) => problems.push(format!("The {what} {raw:?} {problem}.")),
        }
    }
    if problems.is_empty() {
        Ok((root, sources))
    } else {
        Err(HubError::Invalid(problems.join(" ")))
    }
}

fn check(root: &Path, raw: &str) -> Result<Source, String> {
    let relative = normalize_relative_path(raw)
        .map_err(|_| "is not a relative path inside the project root".to_owned())?;
    let absolute = std::fs::canonicalize(root.join(&relative)).map_err(|err| {
        if err.kind() == std::io::ErrorKind::NotFound {
            format!("does not exist in the project root {}", root.display())
        } else {
            format!("cannot be opened: {err}")
        }
    })?;
    if !absolute.starts_with(root) {
        return Err(format!(
            "leads outside the project root {} (through a symbolic link)",
            root.display()
        ));
    }
    let meta = std::fs::metadata(&absolute).map_err(|err| format!("cannot be read: {err}"))?;
    if !meta.is_file() {
        return Err("is not a regular file".to_owned());
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(format!(
            "is {} bytes, more than the {} MiB a context file may have",
            meta.len(),
            MAX_SOURCE_BYTES >> 20
        ));
    }
    let mut probe = Vec::with_capacity(8 << 10);
    File::open(&absolute)
        .and_then(|file| file.take(8 << 10).read_to_end(&mut probe))
        .map_err(|err| format!("cannot be read: {err}"))?;
    if probe.contains(&0) {
        return Err("is a binary file, which cannot go into a Markdown context".to_owned());
    }
    Ok(Source {
        relative,
        absolute,
        size: meta.len(),
    })
}
