//! Results of context discovery (`GET /api/sessions/context-discovery`), shared with the
//! browser. camelCase on the wire, as the API has always returned them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Files at or above this relevance are pre-selected in the wizard.
pub const AUTO_SELECT_RELEVANCE: u8 = 90;

/// One project file that matched the description.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContextFile {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    /// See [`file_type`].
    pub file_type: String,
    /// 0-100.
    pub relevance: u8,
    /// The keywords found in the path, the content or the file's code elements.
    pub matched_keywords: Vec<String>,
    /// Bytes.
    pub size: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiscoveryResult {
    /// Relevance descending, then path ascending; at most the requested number.
    pub files: Vec<ContextFile>,
    /// Paths of `files` with relevance >= [`AUTO_SELECT_RELEVANCE`].
    pub auto_selected: Vec<String>,
    pub keywords: Vec<String>,
    /// Relevant files by type, counted over every relevant file found (also those cut from
    /// `files` by the result limit).
    pub stats_by_type: BTreeMap<String, usize>,
    /// Every relevant file found, before the result limit.
    pub matched_files: usize,
    /// True when the walk stopped early (time budget or cancellation): the results are what was
    /// found until then.
    pub partial: bool,
    /// Files looked at (after ignore rules).
    pub scanned_files: usize,
    pub elapsed_ms: u64,
}

/// How big the context package of a request is: the project files it embeds (selected context
/// files and path attachments, each once) plus pasted attachments. Shown before generating.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackageSize {
    /// Project files embedded.
    pub files: usize,
    /// Pasted attachments.
    pub pasted: usize,
    pub lines: u64,
    pub bytes: u64,
}

impl PackageSize {
    /// A rough token count (about four bytes a token for English and code): enough to tell
    /// whether the package fits an agent's context window.
    pub fn estimated_tokens(&self) -> u64 {
        self.bytes.div_ceil(4)
    }
}

/// One project file, as the wizard's attachment form checked it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFile {
    /// Normalised: relative to the project root, `/`-separated.
    pub path: String,
    pub size: u64,
}

/// Lines in `text` as an editor counts them (a last line without a newline counts).
pub fn count_lines(text: &[u8]) -> u64 {
    let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(text.last().is_some_and(|&b| b != b'\n'))
}

/// The type of a file from its name: `rust`, `markdown`, `typescript`, `javascript`, `json`,
/// `toml`, `yaml`, `python`, `go`, `java`, `c`, `cpp`, `html`, `css`, `shell`, `sql`, `text`, or
/// `other`.
pub fn file_type(path: &str) -> &'static str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let extension = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return "other",
    };
    match extension.as_str() {
        "rs" => "rust",
        "md" | "markdown" | "mdx" => "markdown",
        "ts" | "tsx" | "mts" | "cts" => "typescript",
        "js" | "jsx" | "mjs" | "cjs" => "javascript",
        "json" | "jsonc" => "json",
        "toml" => "toml",
        "yml" | "yaml" => "yaml",
        "py" => "python",
        "go" => "go",
        "java" | "kt" => "java",
        "c" | "h" => "c",
        "cc" | "cpp" | "cxx" | "hpp" | "hh" => "cpp",
        "html" | "htm" => "html",
        "css" | "scss" | "sass" => "css",
        "sh" | "bash" | "zsh" => "shell",
        "sql" => "sql",
        "txt" | "rst" | "adoc" => "text",
        _ => "other",
    }
}

/// The info string of a Markdown code fence for a file (empty when unknown).
pub fn fence_language(path: &str) -> &'static str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "rs" => "rust",
        "md" | "markdown" => "markdown",
        "ts" | "mts" | "cts" => "typescript",
        "tsx" => "tsx",
        "js" | "mjs" | "cjs" => "javascript",
        "jsx" => "jsx",
        "json" => "json",
        "toml" => "toml",
        "yml" | "yaml" => "yaml",
        "py" => "python",
        "go" => "go",
        "java" => "java",
        "kt" => "kotlin",
        "c" | "h" => "c",
        "cc" | "cpp" | "cxx" | "hpp" | "hh" => "cpp",
        "html" | "htm" => "html",
        "css" => "css",
        "scss" => "scss",
        "sh" | "bash" => "bash",
        "zsh" => "zsh",
        "sql" => "sql",
        "xml" => "xml",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_fence_languages_from_extensions() {
        for (path, kind, fence) in [
            ("src/lib.rs", "rust", "rust"),
            ("README.md", "markdown", "markdown"),
            ("a/b.TSX", "typescript", "tsx"),
            ("x.json", "json", "json"),
            ("Cargo.toml", "toml", "toml"),
            ("ci.yml", "yaml", "yaml"),
            ("notes.txt", "text", ""),
            (".gitignore", "other", ""),
            ("Makefile", "other", ""),
            ("archive.tar.gz", "other", ""),
            ("dir.rs/file", "other", ""),
        ] {
            assert_eq!(file_type(path), kind, "{path}");
            assert_eq!(fence_language(path), fence, "{path}");
        }
    }

    #[test]
    fn lines_and_tokens() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 2);
        let size = PackageSize {
            bytes: 10,
            ..PackageSize::default()
        };
        assert_eq!(size.estimated_tokens(), 3);
    }

    #[test]
    fn camel_case_on_the_wire() {
        let result = DiscoveryResult {
            files: vec![ContextFile {
                path: "src/a.rs".into(),
                file_type: "rust".into(),
                relevance: 95,
                matched_keywords: vec!["session".into()],
                size: 10,
            }],
            auto_selected: vec!["src/a.rs".into()],
            keywords: vec!["session".into()],
            stats_by_type: [("rust".to_string(), 1)].into(),
            matched_files: 1,
            partial: false,
            scanned_files: 3,
            elapsed_ms: 1,
        };
        let value = serde_json::to_value(&result).unwrap();
        for key in [
            "files",
            "autoSelected",
            "keywords",
            "statsByType",
            "partial",
            "scannedFiles",
            "elapsedMs",
            "matchedFiles",
        ] {
            assert!(value.get(key).is_some(), "{key}");
        }
        assert_eq!(value["files"][0]["fileType"], "rust");
        assert_eq!(value["files"][0]["matchedKeywords"][0], "session");
        let back: DiscoveryResult = serde_json::from_value(value).unwrap();
        assert_eq!(back, result);
    }
}
