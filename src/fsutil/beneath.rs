//! Opening a file beneath a folder, so that a name from an untrusted source cannot lead
//! anywhere else: cap-std resolves the path relative to the folder and refuses `..` or a
//! symbolic link that would leave it (a `Path::join` would not: an absolute argument replaces
//! the base, and links are followed anywhere). Only regular files are opened.

use cap_std::ambient_authority;
use cap_std::fs::{Dir, Metadata, OpenOptions};
use std::fs::File;
use std::io;
use std::path::Path;

/// Why an open beneath a folder was refused.
#[derive(Debug)]
pub enum Refusal {
    /// `..` or a symbolic link led outside the folder.
    Escapes,
    TooManyLinks,
    Folder,
    /// A FIFO, device or socket: opening or reading it could block or have side effects.
    Special(&'static str),
    /// The folder itself could not be opened.
    Base(io::Error),
    Io(io::Error),
}

/// Opens `relative` beneath `folder`: the file and its size, or `None` while it does not exist.
/// Symbolic links are followed only while they stay beneath the folder.
pub fn open_beneath(folder: &Path, relative: &Path) -> Result<Option<(File, u64)>, Refusal> {
    let dir = Dir::open_ambient_dir(folder, ambient_authority()).map_err(Refusal::Base)?;
    // Look before opening, so a FIFO or device is never even opened in the normal case...
    match dir.metadata(relative) {
        Ok(meta) => check_type(&meta)?,
        Err(err) => return missing_or_refused(err),
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use cap_std::fs::OpenOptionsExt;
        // Should it have been swapped for a FIFO or a terminal since the look, the open
        // neither hangs nor takes a controlling terminal.
        options.custom_flags(super::read::NONBLOCKING_FLAGS);
    }
    let file = match dir.open_with(relative, &options) {
        Ok(file) => file,
        Err(err) => return missing_or_refused(err),
    };
    // ...and decide on what was actually opened.
    let meta = file.metadata().map_err(Refusal::Io)?;
    check_type(&meta)?;
    Ok(Some((file.into_std(), meta.len())))
}

fn check_type(meta: &Metadata) -> Result<(), Refusal> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(Refusal::Folder);
    }
    Err(Refusal::Special(special_kind(meta)))
}

#[cfg(unix)]
fn special_kind(meta: &Metadata) -> &'static str {
    use cap_std::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "device"
    } else if kind.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &Metadata) -> &'static str {
    "special file"
}

fn missing_or_refused<T>(err: io::Error) -> Result<Option<T>, Refusal> {
    match err.kind() {
        // Not written yet (or a parent of it is a file, so it cannot exist either).
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Ok(None),
        // cap-std's own "a path led outside of the filesystem" carries no OS error code;
        // openat2(RESOLVE_BENEATH) answers EXDEV.
        io::ErrorKind::PermissionDenied if err.raw_os_error().is_none() => Err(Refusal::Escapes),
        io::ErrorKind::CrossesDevices => Err(Refusal::Escapes),
        _ if is_symlink_loop(&err) => Err(Refusal::TooManyLinks),
        _ => Err(Refusal::Io(err)),
    }
}

/// `ELOOP`: `io::ErrorKind::FilesystemLoop` is not stable yet.
fn is_symlink_loop(err: &io::Error) -> bool {
    #[cfg(unix)]
    {
        err.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = err;
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn opens_files_beneath_and_refuses_the_way_out() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ok.md"), "hello").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();

        let (_, size) = open_beneath(dir.path(), Path::new("ok.md"))
            .unwrap()
            .unwrap();
        assert_eq!(size, 5);
        assert!(open_beneath(dir.path(), Path::new("missing"))
            .unwrap()
            .is_none());
        assert!(matches!(
            open_beneath(dir.path(), Path::new("sub")),
            Err(Refusal::Folder)
        ));
        assert!(matches!(
            open_beneath(dir.path(), Path::new("link")),
            Err(Refusal::Escapes)
        ));
        assert!(matches!(
            open_beneath(dir.path(), Path::new("../x")),
            Err(Refusal::Escapes)
        ));
        assert!(matches!(
            open_beneath(dir.path(), Path::new("loop")),
            Err(Refusal::TooManyLinks)
        ));
        assert!(matches!(
            open_beneath(&dir.path().join("nope"), Path::new("x")),
            Err(Refusal::Base(_))
        ));
    }
}
