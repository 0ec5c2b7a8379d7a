//! What `export.zip` holds: which names of a session folder go in, and what the zip and its
//! entries are called.

/// A file or folder name that goes into the export: not hidden (the hub's lock, temp files,
/// questions' temp files, anyone's dotfiles), and safe to unpack anywhere: no separator of any
/// system (a `\` is one on Windows, so `..\..\x` would climb out), no drive colon, no control
/// characters, never `.` or `..`.
pub fn is_exported_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

/// The zip's file name for a download (see [`download_stem`]).
pub fn zip_file_name(session_id: &str) -> String {
    format!("{}.zip", download_stem(session_id))
}

/// The report's file name for a download.
pub fn report_file_name(session_id: &str) -> String {
    format!("{}-report.md", download_stem(session_id))
}

/// The session id with anything but letters, digits, `-`, `_` and `.` replaced (ids are folder
/// names, which may hold almost anything).
fn download_stem(session_id: &str) -> String {
    session_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_unportable_names_stay_out() {
        for name in [
            "communication.json",
            "agent-1.md",
            "outputs",
            "résumé.txt",
            "a b",
        ] {
            assert!(is_exported_name(name), "{name}");
        }
        for name in [
            "",
            ".",
            "..",
            ".hub.lock",
            ".~hub-1.tmp",
            "..\\..\\evil",
            "c:evil",
            "a\nb",
            "a\u{7}",
        ] {
            assert!(!is_exported_name(name), "{name:?}");
        }
        assert_eq!(zip_file_name("feat-1/../x y"), "feat-1_.._x_y.zip");
        assert_eq!(report_file_name("s<1>"), "s_1_-report.md");
    }
}
