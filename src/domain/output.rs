//! Agent output files: which kind a file is, and what the output viewer shows of it.
//! Shared with the browser, so nothing here touches the filesystem.

use serde::{Deserialize, Serialize};

/// Previews larger than this are cut (`--max-preview-bytes` overrides it); the full file stays
/// downloadable.
pub const DEFAULT_MAX_PREVIEW_BYTES: u64 = 2 * 1024 * 1024;

/// Shown in place of an output file the agent has not written yet.
pub const MISSING_OUTPUT: &str = "Output file not yet created by agent.";

/// How an output file is rendered, decided by its extension alone: content sniffing would let
/// an agent choose the renderer by writing tricky bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    Markdown,
    Json,
    Text,
}

impl OutputKind {
    /// `.md`/`.markdown` are Markdown, `.json` is JSON (case-insensitive), anything else is text.
    pub fn from_path(path: &str) -> Self {
        // Either separator: the name may come from a Windows-minded agent.
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let extension = match name.rsplit_once('.') {
            Some((stem, extension)) if !stem.is_empty() => extension.to_ascii_lowercase(),
            _ => return Self::Text,
        };
        match extension.as_str() {
            "md" | "markdown" => Self::Markdown,
            "json" => Self::Json,
            _ => Self::Text,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Markdown => "Markdown",
            Self::Json => "JSON",
            Self::Text => "Plain text",
        }
    }
}

/// What the output viewer shows for one output file of one agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputPreview {
    /// The session id (the API calls it `feature`).
    pub feature: String,
    pub agent: String,
    /// The path as the agent names it in `communication.json`.
    pub path: String,
    /// Every output path of the agent, for a picker.
    pub outputs: Vec<String>,
    pub kind: OutputKind,
    /// `false` while the agent has not written the file yet.
    pub exists: bool,
    /// The file's real size in bytes, however much of it the preview holds.
    pub size: u64,
    /// The preview holds only the first part of the file.
    pub truncated: bool,
    /// The raw text (invalid UTF-8 replaced), at most the preview cap.
    pub content: String,
    /// Rendered and sanitised on the server: safe to inject as inner HTML.
    pub html: String,
    /// Sentences for the reader about what is shown ("Showing the first 2.0 MiB of 100.0 MiB.").
    pub notes: Vec<String>,
    /// Size and modification time when read, to tell cheaply whether the file changed since.
    #[serde(default)]
    pub stamp: Option<OutputStamp>,
}

/// What identifies one version of an output file without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputStamp {
    pub size: u64,
    pub modified_ms: i64,
}

/// The session's own files the viewer can show as they are on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RawFile {
    #[serde(rename = "communication.json")]
    Communication,
    #[serde(rename = "instructions.json")]
    Instructions,
}

impl RawFile {
    pub const ALL: [RawFile; 2] = [Self::Communication, Self::Instructions];

    pub fn file_name(self) -> &'static str {
        match self {
            Self::Communication => "communication.json",
            Self::Instructions => "instructions.json",
        }
    }

    /// Only these two names: the `&raw=` parameter never names a path.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|file| file.file_name() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_extension() {
        let cases = [
            ("out/report.md", OutputKind::Markdown),
            ("REPORT.MD", OutputKind::Markdown),
            ("notes.markdown", OutputKind::Markdown),
            ("a/b/result.json", OutputKind::Json),
            ("result.JSON", OutputKind::Json),
            ("out\\win.json", OutputKind::Json),
            ("log.txt", OutputKind::Text),
            ("Makefile", OutputKind::Text),
            (".md", OutputKind::Text),
            ("dir.md/file", OutputKind::Text),
            ("archive.json.gz", OutputKind::Text),
            ("", OutputKind::Text),
            ("trailing.", OutputKind::Text),
        ];
        for (path, kind) in cases {
            assert_eq!(OutputKind::from_path(path), kind, "{path:?}");
        }
    }

    #[test]
    fn labels_are_for_people() {
        assert_eq!(OutputKind::Markdown.label(), "Markdown");
        assert_eq!(OutputKind::Json.label(), "JSON");
        assert_eq!(OutputKind::Text.label(), "Plain text");
    }

    #[test]
    fn kinds_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&OutputKind::Markdown).unwrap(),
            "\"markdown\""
        );
    }
}
