//! `export.zip`: a session folder written as a zip stream to any `Write`, file by file, in
//! name order, hidden and unportable names left out (see `domain::export`), symbolic links
//! never followed, FIFOs and devices skipped, each file read once up to the size it had.

use crate::domain::export::is_exported_name;
use crate::fsutil::read::NONBLOCKING_FLAGS;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Folders deeper than this are left out (a session folder is shallow; a loop of bind mounts is
/// not).
const MAX_DEPTH: usize = 32;

/// What went into the zip.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exported {
    pub files: usize,
    pub bytes: u64,
    /// Entries left out: hidden or unportable names, links, special files.
    pub skipped: usize,
}

/// Writes `folder` as a zip whose entries sit under `root_name/` to `out`.
pub fn write_zip(folder: &Path, root_name: &str, out: impl Write) -> io::Result<Exported> {
    let mut zip = ZipWriter::new_stream(out);
    let mut exported = Exported::default();
    add_folder(&mut zip, folder, root_name, 0, &mut exported)?;
    zip.finish().map_err(io::Error::other)?;
    Ok(exported)
}

fn add_folder<W: Write>(
    zip: &mut ZipWriter<zip::write::StreamWriter<W>>,
    folder: &Path,
    prefix: &str,
    depth: usize,
    exported: &mut Exported,
) -> io::Result<()> {
    let mut entries: Vec<(String, std::fs::DirEntry)> = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        match entry.file_name().into_string() {
            Ok(name) if is_exported_name(&name) => entries.push((name, entry)),
            _ => exported.skipped += 1,
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, entry) in entries {
        let path = entry.path();
        let kind = entry.file_type()?;
        let entry_name = format!("{prefix}/{name}");
        if kind.is_dir() && depth < MAX_DEPTH {
            zip.add_directory(&entry_name, options(0))
                .map_err(io::Error::other)?;
            add_folder(zip, &path, &entry_name, depth + 1, exported)?;
        } else if kind.is_file() {
            match open_file(&path) {
                Ok(Some((file, size))) => {
                    zip.start_file(&entry_name, options(size))
                        .map_err(io::Error::other)?;
                    // Never more than it had when it was opened: a growing log cannot hold
                    // the stream open.
                    exported.bytes += io::copy(&mut file.take(size), zip)?;
                    exported.files += 1;
                }
                // Swapped for a link or a FIFO since the listing, or gone: left out.
                Ok(None) | Err(_) => exported.skipped += 1,
            }
        } else {
            exported.skipped += 1;
        }
    }
    Ok(())
}

fn options(size: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(size >= u64::from(u32::MAX))
}

/// A regular file, opened without following a link and without blocking on a FIFO.
fn open_file(path: &Path) -> io::Result<Option<(File, u64)>> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(NONBLOCKING_FLAGS | libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    let size = meta.len();
    Ok(meta.is_file().then_some((file, size)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_zip_holds_the_visible_files_under_the_session_name() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("s-1");
        fs::create_dir_all(folder.join("outputs")).unwrap();
        fs::write(folder.join("communication.json"), "{}").unwrap();
        fs::write(folder.join("outputs/api.md"), "# API\n".repeat(1000)).unwrap();
        fs::write(folder.join(".hub.lock"), "").unwrap();
        fs::write(folder.join("..\\evil"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", folder.join("passwd")).unwrap();
        std::os::unix::fs::symlink("/etc", folder.join("etc")).unwrap();

        let mut bytes = Vec::new();
        let exported = write_zip(&folder, "s-1", &mut bytes).unwrap();
        assert_eq!(exported.files, 2);
        assert_eq!(exported.skipped, 4);

        let mut archive = zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "s-1/communication.json",
                "s-1/outputs/",
                "s-1/outputs/api.md"
            ]
        );
        let mut text = String::new();
        archive
            .by_name("s-1/outputs/api.md")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "# API\n".repeat(1000));
    }
}
