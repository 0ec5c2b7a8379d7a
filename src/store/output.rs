//! Opening agents' output files. The path comes from `communication.json`, which agents write,
//! so it is untrusted (RELIABILITY decision 6):
//!
//! 1. a lexical check of the raw string ([`check_output_path`]);
//! 2. an open *relative to* the session folder with cap-std, which refuses to resolve `..` or a
//!    symlink to anywhere outside that folder (a `Path::join` would not: an absolute argument
//!    replaces the base, and symlinks are followed anywhere);
//! 3. `fstat` on the opened file: regular files only, then a read of at most the preview cap.
//!
//! A path outside the session folder (absolute, or leaving it through `..` or a symlink) is
//! opened only when it lies under an `--allow-output-root` folder, and then relative to that
//! folder with cap-std in the same way.
//!
//! Percent-encoding is not decoded: the path is a file name, not a URL, so `%2e%2e/x` names a
//! folder literally called `%2e%2e` inside the session folder.

use super::SessionStore;
use crate::domain::format::human_bytes;
use crate::domain::output::{OutputKind, OutputPreview, OutputStamp, MISSING_OUTPUT};
use crate::domain::HubError;
use crate::render;
use cap_std::ambient_authority;
use cap_std::fs::{Dir, Metadata, OpenOptions};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub const MAX_PATH_BYTES: usize = 4096;
pub const MAX_COMPONENT_BYTES: usize = 255;

/// The start of an output file, as much as the cap allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputBytes {
    pub bytes: Vec<u8>,
    /// The file's size in bytes (at least `bytes.len()`).
    pub size: u64,
    /// The file goes on past `bytes`.
    pub truncated: bool,
}

/// What the lexical check makes of a raw output path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputPath {
    /// Inside the session folder: relative, without `.`, `..` or empty parts.
    Inside(PathBuf),
    /// Absolute, or leaving the session folder through `..`: allowed only under an
    /// `--allow-output-root` folder.
    Outside { absolute: bool },
}

/// The lexical check, before anything touches the filesystem. Malformed paths are
/// [`HubError::Invalid`]; paths that leave the session folder (absolute, `..`, Windows drive or
/// UNC forms) are classified, and refused later unless an allowed root takes them.
pub fn check_output_path(raw: &str) -> Result<OutputPath, HubError> {
    let invalid = |why: &str| {
        Err(HubError::Invalid(format!(
            "output path {} {why}",
            shown(raw)
        )))
    };
    if raw.trim().is_empty() {
        return Err(HubError::Invalid("the output path is empty".to_owned()));
    }
    if raw.len() > MAX_PATH_BYTES {
        return invalid(&format!("is longer than {MAX_PATH_BYTES} bytes"));
    }
    if raw.contains('\0') {
        return invalid("contains a NUL byte");
    }
    if raw.chars().any(char::is_control) {
        return invalid("contains a control character");
    }
    if is_windows_absolute(raw) {
        return Err(HubError::Forbidden(format!(
            "output path {} is a Windows absolute path; output paths are relative to the session folder",
            shown(raw)
        )));
    }
    if raw.contains('\\') {
        // Windows would read `..\` as a step up: say so rather than call it a bad name.
        if raw.split(['\\', '/']).any(|part| part == "..") {
            return Err(leaves_folder(raw, false, true));
        }
        return invalid("uses backslashes; write output paths with forward slashes");
    }
    if raw.contains(':') {
        return invalid("contains ':', which names a drive or an alternate data stream on Windows");
    }
    if raw.ends_with('/') {
        return invalid("ends with '/', so it names a folder, not a file");
    }
    let absolute = raw.starts_with('/');
    let mut climbs = false;
    let mut inside = PathBuf::new();
    for part in raw.split('/') {
        match part {
            "" | "." => continue,
            ".." => {
                climbs = true;
                continue;
            }
            _ => {}
        }
        if part.len() > MAX_COMPONENT_BYTES {
            return invalid(&format!(
                "has a part longer than {MAX_COMPONENT_BYTES} bytes"
            ));
        }
        if let Some(device) = reserved_device_name(part) {
            return invalid(&format!(
                "uses {device:?}, a reserved device name on Windows"
            ));
        }
        if part.ends_with([' ', '.']) {
            return invalid("has a part ending in a dot or a space, which Windows drops");
        }
        inside.push(part);
    }
    if absolute || climbs {
        Ok(OutputPath::Outside { absolute })
    } else if inside.as_os_str().is_empty() {
        invalid("names the session folder itself, not a file")
    } else {
        Ok(OutputPath::Inside(inside))
    }
}

/// `C:\x`, `C:x`, `C:/x`, `\\server\share`, `\\?\C:\x`, `\x` (rooted on the current drive).
fn is_windows_absolute(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    raw.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// Windows opens a device instead of a file for these names, with any extension.
fn reserved_device_name(part: &str) -> Option<&str> {
    let stem = part.split('.').next().unwrap_or(part).trim_end_matches(' ');
    let upper = stem.to_ascii_uppercase();
    let numbered = (upper.starts_with("COM") || upper.starts_with("LPT"))
        && matches!(
            &upper[3..],
            "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
        );
    let named = matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    );
    (numbered || named).then_some(stem)
}

/// The raw path for a message: quoted, control characters escaped, long ones shortened.
fn shown(raw: &str) -> String {
    const MAX_CHARS: usize = 120;
    if raw.chars().count() <= MAX_CHARS {
        format!("{raw:?}")
    } else {
        let start: String = raw.chars().take(MAX_CHARS).collect();
        format!("{start:?}…")
    }
}

fn leaves_folder(raw: &str, absolute: bool, no_roots: bool) -> HubError {
    let what = if absolute {
        "is absolute, outside the session folder"
    } else {
        "leaves the session folder"
    };
    let hint = if no_roots {
        "start the hub with --allow-output-root to allow a folder outside it"
    } else {
        "it is not under any --allow-output-root folder"
    };
    HubError::Forbidden(format!("output path {} {what}; {hint}", shown(raw)))
}

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
                        open_beneath(&root, &relative).map_err(|r| r.into_error(raw, &root))
                    }
                    None => Err(Refusal::Escapes.into_error(raw, session_dir)),
                }
            }
            other => other.map_err(|refusal| refusal.into_error(raw, session_dir)),
        },
        OutputPath::Outside { absolute } => {
            let target = lexical_target(session_dir, raw, absolute)?;
            match under_root(&target, allow_roots) {
                Some((root, relative)) => {
                    open_beneath(&root, &relative).map_err(|r| r.into_error(raw, &root))
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
) -> Result<Option<OutputBytes>, HubError> {
    let Some((file, size)) = open_output(session_dir, raw, allow_roots)? else {
        return Ok(None);
    };
    read_capped(&file, size, max_bytes)
        .map(Some)
        .map_err(|err| {
            HubError::Unreadable(format!("output file {} cannot be read: {err}", shown(raw)))
        })
}

/// Never allocates more up front than this, whatever the cap: the file may be shorter than
/// `fstat` said by the time it is read.
const MAX_INITIAL_CAPACITY: u64 = 16 << 20;

fn read_capped(file: &File, size: u64, max_bytes: u64) -> io::Result<OutputBytes> {
    let capacity = size.min(max_bytes).min(MAX_INITIAL_CAPACITY) as usize;
    let mut bytes = Vec::with_capacity(capacity);
    file.take(max_bytes).read_to_end(&mut bytes)?;
    // The size from fstat may be stale (a growing log): one more byte settles "truncated".
    let mut more = Vec::new();
    if bytes.len() as u64 == max_bytes {
        file.take(1).read_to_end(&mut more)?;
    }
    let truncated = !more.is_empty();
    let read = bytes.len() as u64;
    let size = if truncated { size.max(read + 1) } else { read };
    Ok(OutputBytes {
        bytes,
        size,
        truncated,
    })
}

/// Why an open under a folder was refused.
#[derive(Debug)]
enum Refusal {
    /// `..` or a symlink led outside the folder.
    Escapes,
    TooManyLinks,
    Folder,
    /// A FIFO, device or socket: opening or reading it could block or have side effects.
    Special(&'static str),
    /// The folder itself could not be opened.
    Base(io::Error),
    Io(io::Error),
}

impl Refusal {
    fn into_error(self, raw: &str, base: &Path) -> HubError {
        let raw = shown(raw);
        match self {
            Self::Escapes => HubError::Forbidden(format!(
                "output path {raw} leads outside its folder through a symbolic link; start the hub with --allow-output-root to allow the folder it points to"
            )),
            Self::TooManyLinks => HubError::Forbidden(format!(
                "output path {raw} goes through too many symbolic links"
            )),
            Self::Folder => HubError::Invalid(format!("output path {raw} names a folder, not a file")),
            Self::Special(kind) => HubError::Forbidden(format!(
                "output path {raw} is a {kind}, not a regular file; only regular files are shown"
            )),
            Self::Base(err) if err.kind() == io::ErrorKind::NotFound => HubError::NotFound(format!(
                "the folder {} of output path {raw} does not exist",
                base.display()
            )),
            Self::Base(err) => HubError::Unreadable(format!(
                "the folder {} of output path {raw} cannot be opened: {err}",
                base.display()
            )),
            Self::Io(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                HubError::Unreadable(format!("output file {raw} cannot be read: permission denied"))
            }
            Self::Io(err) => HubError::Unreadable(format!("output file {raw} cannot be read: {err}")),
        }
    }
}

/// Opens `relative` beneath `folder`; symlinks are followed only while they stay beneath it.
fn open_beneath(folder: &Path, relative: &Path) -> Result<Option<(File, u64)>, Refusal> {
    let dir = Dir::open_ambient_dir(folder, ambient_authority()).map_err(Refusal::Base)?;
    // Look before opening, so a FIFO or device is never even opened in the normal case...
    match dir.metadata(relative) {
        Ok(meta) => check_type(&meta)?,
        Err(err) => return missing_or_refused(err),
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use cap_std::fs::OpenOptionsExt;
        // O_NONBLOCK | O_NOCTTY: should it have been swapped for a FIFO or a terminal since
        // the look, the open neither hangs nor takes a controlling terminal.
        options.custom_flags(0o4000 | 0o400);
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

fn is_symlink_loop(err: &io::Error) -> bool {
    // ELOOP; `ErrorKind::FilesystemLoop` is not stable yet.
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    err.raw_os_error() == Some(ELOOP)
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

/// A file name for a download: the last part of the path, with characters that would need
/// quoting in a `Content-Disposition` header replaced, and bidi and zero-width controls gone
/// (`report\u{202E}fdp.exe` would otherwise show as `reportexe.pdf`).
pub fn download_name(raw: &str) -> String {
    let name = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let name: String = name
        .chars()
        .filter(|c| !crate::domain::untrusted::is_invisible_control(*c))
        .map(|c| {
            if c.is_control() || matches!(c, '"' | '\\' | ';') {
                '_'
            } else {
                c
            }
        })
        .take(200)
        .collect();
    if name.is_empty() {
        "output".to_owned()
    } else {
        name
    }
}

/// The output the viewer asked for, found in the session's roster.
struct ChosenOutput {
    folder: PathBuf,
    path: String,
    outputs: Vec<String>,
}

impl SessionStore {
    /// The preview of one output file of one agent: `path` if given (it must be one of the
    /// agent's outputs), else the agent's first. A file not written yet is a preview with
    /// `exists: false` and the [`MISSING_OUTPUT`] placeholder, not an error.
    pub fn agent_output(
        &self,
        id: &str,
        agent_id: &str,
        path: Option<&str>,
        allow_roots: &[PathBuf],
        max_bytes: u64,
    ) -> Result<OutputPreview, HubError> {
        let chosen = self.chosen_output(id, agent_id, path)?;
        let kind = OutputKind::from_path(&chosen.path);
        let mut preview = OutputPreview {
            feature: id.to_owned(),
            agent: agent_id.to_owned(),
            path: chosen.path.clone(),
            outputs: chosen.outputs,
            kind,
            exists: false,
            size: 0,
            truncated: false,
            content: MISSING_OUTPUT.to_owned(),
            html: format!(
                "<p class=\"output-missing\">{}</p>",
                render::escape_html(MISSING_OUTPUT)
            ),
            notes: Vec::new(),
            stamp: None,
        };
        preview.stamp = stamp_of(&chosen.folder, &chosen.path, allow_roots)?;
        let Some(output) = read_output(&chosen.folder, &chosen.path, allow_roots, max_bytes)?
        else {
            return Ok(preview);
        };
        let content = render::lossy_text(&output.bytes, output.truncated);
        let rendered =
            render::render_str(kind, &content, output.truncated, render::RENDER_DEADLINE);
        if output.truncated {
            preview.notes.push(format!(
                "Showing the first {} of {}.",
                human_bytes(output.bytes.len() as u64),
                human_bytes(output.size)
            ));
        }
        if output.size == 0 {
            preview.notes.push("The file is empty.".to_owned());
        }
        preview.notes.extend(rendered.notes);
        preview.exists = true;
        preview.size = output.size;
        preview.truncated = output.truncated;
        preview.content = content;
        preview.html = rendered.html;
        Ok(preview)
    }

    /// Size and modification time of an agent's output file (`None` while it does not exist):
    /// how an open viewer tells, without reading it, that the file changed.
    pub fn agent_output_stamp(
        &self,
        id: &str,
        agent_id: &str,
        path: Option<&str>,
        allow_roots: &[PathBuf],
    ) -> Result<Option<OutputStamp>, HubError> {
        let chosen = self.chosen_output(id, agent_id, path)?;
        stamp_of(&chosen.folder, &chosen.path, allow_roots)
    }

    /// The whole output file for a download: the open file, its size and a file name.
    pub fn agent_output_file(
        &self,
        id: &str,
        agent_id: &str,
        path: Option<&str>,
        allow_roots: &[PathBuf],
    ) -> Result<(File, u64, String), HubError> {
        let chosen = self.chosen_output(id, agent_id, path)?;
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
        id: &str,
        agent_id: &str,
        path: Option<&str>,
    ) -> Result<ChosenOutput, HubError> {
        let file = self.communication(id)?;
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
            folder: self.dir().join(id),
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
        .map(super::read::unix_ms)
        .unwrap_or(0);
    Ok(Some(OutputStamp { size, modified_ms }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> &'static str {
        match check_output_path(raw) {
            Ok(OutputPath::Inside(_)) => "inside",
            Ok(OutputPath::Outside { absolute: true }) => "absolute",
            Ok(OutputPath::Outside { absolute: false }) => "climbs",
            Err(HubError::Invalid(_)) => "invalid",
            Err(HubError::Forbidden(_)) => "forbidden",
            Err(_) => "other",
        }
    }

    #[test]
    fn lexical_checks() {
        let long_part = format!("{}.md", "a".repeat(256));
        let long_path = "a/".repeat(2049) + "x.md";
        let ok_part = format!("{}.md", "a".repeat(252));
        let cases: &[(&str, &str)] = &[
            ("out/report.md", "inside"),
            ("./out/report.md", "inside"),
            ("out//report.md", "inside"),
            ("report", "inside"),
            (".hidden.md", "inside"),
            ("%2e%2e/%2e%2e/etc/passwd", "inside"),
            ("..%2fetc", "inside"),
            ("~/x.md", "inside"),
            ("con-notes.md", "inside"),
            ("COM10.md", "inside"),
            (&ok_part, "inside"),
            ("", "invalid"),
            ("   ", "invalid"),
            (".", "invalid"),
            ("./", "invalid"),
            ("out/", "invalid"),
            ("a\0b", "invalid"),
            ("a\nb.md", "invalid"),
            ("a\u{7f}b", "invalid"),
            ("a\u{85}b", "invalid"),
            ("CON", "invalid"),
            ("con.md", "invalid"),
            ("out/NUL.txt", "invalid"),
            ("Lpt1", "invalid"),
            ("COM¹.md", "invalid"),
            ("aux .md", "invalid"),
            ("CONOUT$", "invalid"),
            ("file.md:stream", "invalid"),
            ("file.md::$DATA", "invalid"),
            ("report.md.", "invalid"),
            ("report.md ", "invalid"),
            ("out\\report.md", "invalid"),
            (&long_part, "invalid"),
            (&long_path, "invalid"),
            ("../x", "climbs"),
            ("../../etc/passwd", "climbs"),
            ("a/../../x", "climbs"),
            ("a/../b", "climbs"),
            ("..", "climbs"),
            ("/etc/passwd", "absolute"),
            ("//etc/passwd", "absolute"),
            ("/proc/self/mem", "absolute"),
            ("..\\..\\etc\\passwd", "forbidden"),
            ("a\\..\\..\\x", "forbidden"),
            ("C:\\Windows\\win.ini", "forbidden"),
            ("C:/Windows/win.ini", "forbidden"),
            ("c:x", "forbidden"),
            ("\\\\?\\C:\\x", "forbidden"),
            ("\\\\server\\share\\x", "forbidden"),
            ("\\x", "forbidden"),
        ];
        for (raw, expected) in cases {
            assert_eq!(kind(raw), *expected, "{:?}", shown(raw));
        }
    }

    #[test]
    fn inside_paths_are_normalised() {
        assert_eq!(
            check_output_path("./out//a/./b.md").unwrap(),
            OutputPath::Inside(PathBuf::from("out/a/b.md"))
        );
    }

    #[test]
    fn messages_are_sentences_that_name_the_path() {
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
        let err = check_output_path("a\0b").unwrap_err();
        assert_eq!(
            err,
            HubError::Invalid("output path \"a\\0b\" contains a NUL byte".to_owned())
        );
        let message = check_output_path(&"x".repeat(5000))
            .unwrap_err()
            .to_string();
        assert!(
            message.ends_with("\"… is longer than 4096 bytes"),
            "{message}"
        );
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn download_names_are_header_safe() {
        assert_eq!(download_name("out/report.md"), "report.md");
        assert_eq!(download_name("a\"b;c.md"), "a_b_c.md");
        assert_eq!(download_name("x/"), "output");
        assert_eq!(download_name("report\u{202E}fdp.exe"), "reportfdp.exe");
        assert_eq!(download_name("a\\..\\b.md"), "b.md");
        assert_eq!(download_name(&"x".repeat(1000)).len(), 200);
    }

    #[test]
    fn reads_stop_at_the_cap_and_notice_growth() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let file = File::open(&path).unwrap();
        let out = read_capped(&file, 10, 4).unwrap();
        assert_eq!(
            (out.bytes.as_slice(), out.size, out.truncated),
            (&b"0123"[..], 10, true)
        );

        let file = File::open(&path).unwrap();
        let out = read_capped(&file, 10, 10).unwrap();
        assert_eq!((out.size, out.truncated), (10, false));

        // fstat said 3 bytes, but the file has grown since: still truncated at the cap.
        let file = File::open(&path).unwrap();
        let out = read_capped(&file, 3, 5).unwrap();
        assert_eq!((out.bytes.len(), out.size, out.truncated), (5, 6, true));

        let file = File::open(&path).unwrap();
        let out = read_capped(&file, 10, 0).unwrap();
        assert_eq!((out.bytes.len(), out.truncated), (0, true));
    }
}
