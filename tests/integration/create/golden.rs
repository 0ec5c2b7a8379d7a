//! The generated files for a fixed request and time, byte for byte, against
//! `tests/fixtures/golden/create/`. Absolute paths are written as `<SESSIONS>` and `<PROJECT>`.
//! After an intended change: `UPDATE_GOLDEN=1 cargo test --features ssr --test integration golden`.

use super::{fixture_project, generate_request, sample_request, NOW_MS};
use sessions_hub::domain::create::{AgentInterface, CreateRequest};
use std::fs;
use std::path::Path;

fn golden_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(name)
}

#[test]
fn generated_files_match_the_golden_copies() {
    assert_golden("create", &sample_request());
}

/// The same session for agents connected through MCP: the prompts teach the tools.
#[test]
fn prompts_for_mcp_agents_match_the_golden_copies() {
    let request = CreateRequest {
        agent_interface: AgentInterface::Mcp,
        ..sample_request()
    };
    assert_golden("create-mcp", &request);
}

fn assert_golden(name: &str, request: &CreateRequest) {
    let (_tmp, sessions, generated) = generate_request(request);
    assert_eq!(generated.session_id, format!("AUTH-7-{NOW_MS}"));

    let sessions_abs = fs::canonicalize(&sessions).unwrap().display().to_string();
    let project_abs = fs::canonicalize(fixture_project())
        .unwrap()
        .display()
        .to_string();
    let normalise = |text: &str| {
        text.replace(&sessions_abs, "<SESSIONS>")
            .replace(&project_abs, "<PROJECT>")
    };

    let folder = Path::new(&generated.session_path);
    let mut actual: Vec<(String, String)> = generated
        .files
        .iter()
        .map(|file| {
            let text = fs::read_to_string(folder.join(file)).unwrap();
            (file.clone(), normalise(&text))
        })
        .collect();
    let one_liners: String = generated
        .one_liners
        .iter()
        .map(|line| {
            let connect = line
                .connect
                .as_deref()
                .map(|c| format!("{}\tconnect: {}\n", line.agent_id, normalise(c)))
                .unwrap_or_default();
            format!("{}\t{}\n{connect}", line.agent_id, normalise(&line.prompt))
        })
        .collect();
    actual.push(("one-liners.txt".into(), one_liners));
    actual.push(("files.txt".into(), generated.files.join("\n") + "\n"));

    let golden = golden_dir(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        for (name, text) in &actual {
            let path = golden.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }
    for (name, text) in &actual {
        let expected = fs::read_to_string(golden.join(name))
            .unwrap_or_else(|err| panic!("{name}: {err} (UPDATE_GOLDEN=1 writes it)"));
        assert_eq!(
            text, &expected,
            "{name} differs from its golden copy (UPDATE_GOLDEN=1 rewrites them)"
        );
    }
}
