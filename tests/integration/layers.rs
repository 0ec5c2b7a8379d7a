//! The dependency rule of docs/ARCHITECTURE.md, checked on the source: every `crate::<module>`
//! a file names must be one its layer may use.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module may use, besides itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("fsutil", &["domain"]),
    ("store", &["domain", "fsutil"]),
    ("render", &["domain", "fsutil"]),
    ("generate", &["domain", "fsutil"]),
    ("discovery", &["domain", "fsutil"]),
    ("live", &["domain", "fsutil", "store"]),
    (
        "service",
        &[
            "domain",
            "fsutil",
            "store",
            "render",
            "generate",
            "discovery",
            "live",
        ],
    ),
    ("agent", &["domain", "service"]),
    ("mcp", &["domain", "service", "agent"]),
    ("server_fns", &["domain", "service"]),
    ("ui", &["domain", "server_fns"]),
    ("server", &["domain", "service", "server_fns", "ui", "mcp"]),
    (
        "cli",
        &["domain", "fsutil", "service", "agent", "mcp", "server"],
    ),
];

/// The top-level modules `source` names through `crate::`, with the line each is first named on.
fn named_modules(source: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            // `crate::{a, b::c}` names each module of the group; a group that goes on past this
            // line is read to its closing brace.
            if let Some(group) = rest.strip_prefix('{') {
                let mut text = group.to_owned();
                let mut lines = source.lines().skip(number + 1);
                while !text.contains('}') {
                    match lines.next() {
                        Some(more) => text.push_str(more),
                        None => break,
                    }
                }
                let inner = text.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name = leading_ident(item.trim());
                    if !name.is_empty() {
                        found.push((name.to_owned(), number + 1));
                    }
                }
            } else {
                let name = leading_ident(rest);
                if !name.is_empty() {
                    found.push((name.to_owned(), number + 1));
                }
            }
        }
    }
    found
}

fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Every edge of `src/` against the rule, as "file:line: a -> b" lines.
fn violations(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap();
        let layer = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if layer == "lib" || layer == "main" {
            continue;
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(name, _)| *name == layer) else {
            found.push(format!(
                "{}: module `{layer}` has no place in the rule",
                relative.display()
            ));
            continue;
        };
        let source = std::fs::read_to_string(&file).unwrap();
        for (module, line) in named_modules(&source) {
            if module != layer && !allowed.contains(&module.as_str()) {
                found.push(format!(
                    "{}:{line}: {layer} -> {module}",
                    relative.display()
                ));
            }
        }
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "edges against docs/ARCHITECTURE.md's dependency rule:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_sees_every_form_of_path() {
    let source = "use crate::store::SessionStore;\n\
                  use crate::{server::AppState, ui::app::App};\n\
                  use crate::{\n    live::Watcher,\n    domain::HubError,\n};\n\
                  fn f() { crate::render::markdown(); } // crate::generate is a comment\n";
    let named: BTreeSet<String> = named_modules(source).into_iter().map(|(m, _)| m).collect();
    let expected = ["domain", "live", "render", "server", "store", "ui"];
    assert_eq!(named, expected.iter().map(|m| m.to_string()).collect());
}

#[test]
fn an_edge_against_the_rule_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("store")).unwrap();
    std::fs::write(
        dir.path().join("store/mod.rs"),
        "use crate::domain::HubError;\nuse crate::service::Hub;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("extra.rs"), "").unwrap();
    assert_eq!(
        violations(dir.path()),
        [
            "extra.rs: module `extra` has no place in the rule",
            "store/mod.rs:2: store -> service",
        ]
    );
}
