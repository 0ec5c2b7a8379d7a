//! Stubs: `<stubs-dir>/<feature>/stub.json`, read tolerantly for the wizard's stub picker.

use super::read::describe;
use crate::domain::ids::validate_session_id;
use crate::domain::stub::{Stub, StubEntry};
use crate::domain::HubError;
use crate::fsutil::read::read_capped;
use std::fs;
use std::path::Path;

pub const STUB_FILE: &str = "stub.json";

/// A stub file larger than this is refused, not read.
pub const MAX_STUB_BYTES: u64 = 1 << 20;

/// Every stub folder, sorted by folder name. A folder whose `stub.json` is missing, too large
/// or not a valid stub is listed with the reason instead of its stub. Hidden folders and plain
/// files are skipped; a missing or unreadable stubs directory lists nothing.
pub fn list_stubs(stubs_dir: &Path) -> Vec<StubEntry> {
    let Ok(entries) = fs::read_dir(stubs_dir) else {
        return Vec::new();
    };
    let mut stubs: Vec<StubEntry> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let folder = entry.file_name().into_string().ok()?;
            let is_dir = entry.file_type().ok()?.is_dir() || entry.path().is_dir();
            (is_dir && !folder.starts_with('.')).then_some(folder)
        })
        .map(|folder| StubEntry {
            stub: read_stub_file(&stubs_dir.join(&folder)),
            folder,
        })
        .collect();
    stubs.sort_by(|a, b| a.folder.cmp(&b.folder));
    stubs
}

/// One stub by folder name (as listed by [`list_stubs`]).
pub fn read_stub(stubs_dir: &Path, folder: &str) -> Result<Stub, HubError> {
    let folder = validate_session_id(folder)
        .map_err(|err| HubError::Invalid(format!("The stub folder name is not valid: {err}.")))?;
    let dir = stubs_dir.join(folder);
    if !dir.is_dir() {
        return Err(HubError::NotFound(format!(
            "There is no stub {folder:?} in {}.",
            stubs_dir.display()
        )));
    }
    read_stub_file(&dir).map_err(HubError::Unreadable)
}

fn read_stub_file(folder: &Path) -> Result<Stub, String> {
    let path = folder.join(STUB_FILE);
    let (bytes, _) = read_capped(&path, MAX_STUB_BYTES).map_err(|err| describe(&path, &err))?;
    Stub::parse(&bytes)
}
