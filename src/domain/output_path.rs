//! The rules for an output path named in `communication.json`, which agents write: checked as a
//! string, before anything touches the filesystem. Malformed paths are refused outright; paths
//! that leave the session folder (absolute, `..`, Windows drive or UNC forms) are told apart, so
//! that the store opens them only under an `--allow-output-root` folder.
//!
//! Percent-encoding is not decoded: the path is a file name, not a URL, so `%2e%2e/x` names a
//! folder literally called `%2e%2e` inside the session folder.

use super::HubError;
use std::path::PathBuf;

pub const MAX_PATH_BYTES: usize = 4096;
pub const MAX_COMPONENT_BYTES: usize = 255;

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
pub fn shown(raw: &str) -> String {
    const MAX_CHARS: usize = 120;
    if raw.chars().count() <= MAX_CHARS {
        format!("{raw:?}")
    } else {
        let start: String = raw.chars().take(MAX_CHARS).collect();
        format!("{start:?}…")
    }
}

pub fn leaves_folder(raw: &str, absolute: bool, no_roots: bool) -> HubError {
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
}
