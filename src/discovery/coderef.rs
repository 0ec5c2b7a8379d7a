//! CodeRef data: `<root>/.coderef/index.json`, a list of code elements. When it
//! is there, a file whose elements are named after keywords gets a boost.
//!
//! Read tolerantly: the list may be the whole document or its `elements` field; an element needs
//! a `file` (or `path`) and a `name`; anything else, or a missing or malformed file, is ignored.

use super::matcher::Matcher;
use crate::fsutil::read::read_capped;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// A bigger index is ignored rather than read.
const MAX_INDEX_BYTES: u64 = 64 << 20;

/// Keyword flags (by keyword index) per file path relative to `root`.
pub fn element_hits(root: &Path, matcher: &Matcher) -> HashMap<String, Vec<bool>> {
    let mut hits: HashMap<String, Vec<bool>> = HashMap::new();
    if matcher.is_empty() {
        return hits;
    }
    let Ok((bytes, _)) = read_capped(&root.join(".coderef").join("index.json"), MAX_INDEX_BYTES)
    else {
        return hits;
    };
    let Ok(document) = serde_json::from_slice::<Value>(&bytes) else {
        return hits;
    };
    let elements = match &document {
        Value::Array(items) => items,
        Value::Object(fields) => match fields.get("elements") {
            Some(Value::Array(items)) => items,
            _ => return hits,
        },
        _ => return hits,
    };
    let root_text = root.to_string_lossy();
    for element in elements {
        let file = element
            .get("file")
            .or_else(|| element.get("path"))
            .and_then(Value::as_str);
        let name = element.get("name").and_then(Value::as_str);
        let (Some(file), Some(name)) = (file, name) else {
            continue;
        };
        let Some(file) = relative(file, &root_text) else {
            continue;
        };
        let flags = matcher.flags(name);
        if flags.iter().any(|&f| f) {
            let entry = hits.entry(file).or_insert_with(|| vec![false; flags.len()]);
            for (seen, found) in entry.iter_mut().zip(flags) {
                *seen |= found;
            }
        }
    }
    hits
}

/// `file` as a `/`-separated path relative to the root, if it can be one.
fn relative(file: &str, root: &str) -> Option<String> {
    let file = file.replace('\\', "/");
    let file = match file.strip_prefix(root) {
        Some(rest) => rest.trim_start_matches('/').to_owned(),
        None => file,
    };
    crate::domain::create::normalize_relative_path(&file).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new(&["session".to_string(), "store".to_string()])
    }

    #[test]
    fn reads_both_shapes_and_ignores_junk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(".coderef")).unwrap();
        let index = root.join(".coderef/index.json");

        std::fs::write(
            &index,
            format!(
                r#"[{{"file": "src/a.rs", "name": "SessionStore"}},
                    {{"path": "./src\\b.rs", "name": "open_session"}},
                    {{"file": "{}/src/c.rs", "name": "store_all"}},
                    {{"file": "src/d.rs", "name": "unrelated"}},
                    {{"file": "../outside.rs", "name": "session"}},
                    {{"name": "no file"}}, 42, null]"#,
                root.display()
            ),
        )
        .unwrap();
        let hits = element_hits(root, &matcher());
        assert_eq!(hits["src/a.rs"], [true, true]);
        assert_eq!(hits["src/b.rs"], [true, false]);
        assert_eq!(hits["src/c.rs"], [false, true]);
        assert_eq!(hits.len(), 3);

        std::fs::write(
            &index,
            r#"{"elements": [{"file": "x.rs", "name": "session"}]}"#,
        )
        .unwrap();
        assert_eq!(element_hits(root, &matcher())["x.rs"], [true, false]);

        for junk in ["", "{", "{\"elements\": 3}", "\"text\""] {
            std::fs::write(&index, junk).unwrap();
            assert!(element_hits(root, &matcher()).is_empty(), "{junk:?}");
        }
        std::fs::remove_file(&index).unwrap();
        assert!(element_hits(root, &matcher()).is_empty());
    }
}
