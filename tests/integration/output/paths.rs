//! A corpus of hostile output paths, every one refused (or, for names that
//! are only strange, answered "not written yet") with no byte from outside the session folder
//! coming back; plus the paths that must keep working.

use super::{Farm, CANARY, INSIDE, SESSION, SHARED};
use crate::support::{aid, sid};
use sessions_hub::domain::output::{DEFAULT_MAX_PREVIEW_BYTES, MISSING_OUTPUT};
use sessions_hub::domain::HubError;
use sessions_hub::service::output_preview;
use sessions_hub::store::output::{open_output, read_output};
use sessions_hub::store::SessionStore;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// 403: it leads outside the session folder, or is not a regular file.
    Forbidden,
    /// 400: malformed, or a folder.
    Invalid,
    /// Only a strange name inside the folder (percent-encoding is not decoded): nothing there.
    Missing,
}
use Expect::*;

fn corpus(farm: &Farm) -> Vec<(String, Expect)> {
    let outside = farm.outside.display().to_string();
    let session = farm.session.display().to_string();
    let root = farm.root().display().to_string();
    let mut corpus: Vec<(String, Expect)> = vec![
        // Traversal in many spellings.
        ("../../etc/passwd".into(), Forbidden),
        ("../../outside/secret.txt".into(), Forbidden),
        ("../canary.txt".into(), Forbidden),
        ("../other-session/secret.md".into(), Forbidden),
        ("a/../../x".into(), Forbidden),
        ("out/../../../outside/secret.txt".into(), Forbidden),
        ("..".into(), Forbidden),
        ("../".into(), Invalid),
        ("./../canary.txt".into(), Forbidden),
        ("out/./../../canary.txt".into(), Forbidden),
        ("..//..//etc/passwd".into(), Forbidden),
        ("....//....//etc/passwd".into(), Invalid),
        ("dirlink/../../../outside/secret.txt".into(), Forbidden),
        ("out/report.md/../../../canary.txt".into(), Forbidden),
        ("../".repeat(40) + "etc/passwd", Forbidden),
        ("..%2f..%2fetc%2fpasswd".into(), Missing),
        ("%2e%2e/%2e%2e/etc/passwd".into(), Missing),
        ("%2e%2e%2f%2e%2e%2fetc%2fpasswd".into(), Missing),
        ("%252e%252e/%252e%252e/etc/passwd".into(), Missing),
        ("..%c0%af..%c0%afetc/passwd".into(), Missing),
        ("..%c0%af../etc/passwd".into(), Invalid),
        ("\u{2025}/etc/passwd".into(), Missing),
        (
            "\u{FF0E}\u{FF0E}/\u{FF0E}\u{FF0E}/etc/passwd".into(),
            Missing,
        ),
        ("..\u{2215}..\u{2215}etc\u{2215}passwd".into(), Missing),
        ("~/.ssh/id_rsa".into(), Missing),
        // Absolute paths.
        ("/etc/passwd".into(), Forbidden),
        ("/etc/shadow".into(), Forbidden),
        ("//etc/passwd".into(), Forbidden),
        ("/./etc/passwd".into(), Forbidden),
        ("/../../etc/passwd".into(), Forbidden),
        ("/proc/self/mem".into(), Forbidden),
        ("/proc/self/environ".into(), Forbidden),
        ("/dev/zero".into(), Forbidden),
        ("/dev/random".into(), Forbidden),
        ("/".into(), Invalid),
        (format!("{outside}/secret.txt"), Forbidden),
        (format!("{outside}/nested/deep.md"), Forbidden),
        (format!("{root}/sessions/canary.txt"), Forbidden),
        // Absolute even where it points inside: output paths are relative.
        (format!("{session}/out/report.md"), Forbidden),
        ("file:///etc/passwd".into(), Invalid),
        // Windows forms.
        ("..\\..\\etc\\passwd".into(), Forbidden),
        ("..\\/..\\/etc/passwd".into(), Forbidden),
        ("out\\..\\..\\canary.txt".into(), Forbidden),
        ("C:\\Windows\\win.ini".into(), Forbidden),
        ("C:/Windows/win.ini".into(), Forbidden),
        ("c:..\\x".into(), Forbidden),
        ("\\\\?\\C:\\Windows\\win.ini".into(), Forbidden),
        ("\\\\.\\PhysicalDrive0".into(), Forbidden),
        ("\\\\server\\share\\x.md".into(), Forbidden),
        ("\\etc\\passwd".into(), Forbidden),
        ("out\\report.md".into(), Invalid),
        ("CON".into(), Invalid),
        ("con.md".into(), Invalid),
        ("out/NUL.txt".into(), Invalid),
        ("COM1".into(), Invalid),
        ("LPT9.log".into(), Invalid),
        ("aux .md".into(), Invalid),
        ("file.md:stream".into(), Invalid),
        ("file.md::$DATA".into(), Invalid),
        ("report.md.".into(), Invalid),
        ("report.md ".into(), Invalid),
        // NUL, control characters, length.
        ("out/report.md\0.txt".into(), Invalid),
        ("\0".into(), Invalid),
        ("../../etc/passwd\0.md".into(), Invalid),
        ("a\nb.md".into(), Invalid),
        ("a\rb.md".into(), Invalid),
        ("\u{1b}[31mred.md".into(), Invalid),
        ("a".repeat(4097), Invalid),
        ("a".repeat(300) + ".md", Invalid),
        ("a/".repeat(2100) + "x.md", Invalid),
        ("".into(), Invalid),
        ("   ".into(), Invalid),
        // Symlinks that lead out.
        ("link-etc/passwd".into(), Forbidden),
        ("link-etc".into(), Forbidden),
        ("link-outside".into(), Forbidden),
        ("link-abs-outside".into(), Forbidden),
        ("chain1".into(), Forbidden),
        ("outlink/secret.txt".into(), Forbidden),
        ("outlink/nested/deep.md".into(), Forbidden),
        ("up/outside/secret.txt".into(), Forbidden),
        ("up/canary.txt".into(), Forbidden),
        ("link-proc".into(), Forbidden),
        ("link-dev".into(), Forbidden),
        ("loop1".into(), Forbidden),
        ("dangling-outside".into(), Forbidden),
        ("link-sibling".into(), Forbidden),
        ("link-sessions/canary.txt".into(), Forbidden),
        ("link-root/etc/passwd".into(), Forbidden),
        ("out/inner-up".into(), Forbidden),
        // Not regular files.
        ("fifo".into(), Forbidden),
        ("link-fifo".into(), Forbidden),
        ("socket".into(), Forbidden),
        ("sub".into(), Invalid),
        ("out".into(), Invalid),
        ("link-sub".into(), Invalid),
        ("link-dir-inside".into(), Invalid),
        ("./".into(), Invalid),
        (".".into(), Invalid),
    ];
    corpus.sort_by(|a, b| a.0.cmp(&b.0));
    corpus.dedup_by(|a, b| a.0 == b.0);
    corpus
}

fn outcome<T>(result: &Result<Option<T>, HubError>) -> Result<Expect, String> {
    match result {
        Ok(None) => Ok(Missing),
        Ok(Some(_)) => Err("content was returned".to_owned()),
        Err(HubError::Forbidden(_)) => Ok(Forbidden),
        Err(HubError::Invalid(_)) => Ok(Invalid),
        Err(other) => Err(format!("unexpected error {other:?}")),
    }
}

fn short(raw: &str) -> String {
    let shown: String = raw.chars().take(60).collect();
    format!("{shown:?}")
}

#[test]
fn every_hostile_path_is_refused_and_no_canary_leaks() {
    let farm = Farm::new();
    let corpus = corpus(&farm);
    assert!(corpus.len() >= 60, "only {} payloads", corpus.len());
    let refused = corpus.iter().filter(|(_, e)| *e != Missing).count();
    eprintln!(
        "hostile paths: {} payloads ({refused} refused, {} strange-but-inside names)",
        corpus.len(),
        corpus.len() - refused
    );

    let mut failures = Vec::new();
    for roots in [Vec::new(), vec![farm.allowed.clone()]] {
        for (raw, expect) in &corpus {
            let read = read_output(&farm.session, raw, &roots, DEFAULT_MAX_PREVIEW_BYTES);
            let opened = open_output(&farm.session, raw, &roots);
            for (what, got, debug) in [
                ("read_output", outcome(&read), format!("{read:?}")),
                ("open_output", outcome(&opened), format!("{opened:?}")),
            ] {
                if got.as_ref() != Ok(expect) {
                    failures.push(format!(
                        "{what}({}, roots {}): expected {expect:?}, got {got:?}: {debug}",
                        short(raw),
                        roots.len()
                    ));
                }
                assert!(!debug.contains(CANARY), "canary leaked for {}", short(raw));
            }
            if let Err(err) = &read {
                let message = err.to_string();
                assert!(
                    message.starts_with("output path ") || message.starts_with("the output path"),
                    "{message}"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_store_refuses_the_same_corpus_end_to_end() {
    let farm = Farm::new();
    let corpus = corpus(&farm);
    let outputs: Vec<String> = corpus.iter().map(|(raw, _)| raw.clone()).collect();
    farm.set_outputs(&outputs);
    let store = SessionStore::new(&farm.sessions);
    store.refresh().unwrap();

    let mut failures = Vec::new();
    for (i, (raw, expect)) in corpus.iter().enumerate() {
        let agent = format!("agent-{i}");
        let preview = output_preview(
            &store,
            &sid(SESSION),
            &aid(&agent),
            None,
            &[],
            DEFAULT_MAX_PREVIEW_BYTES,
        );
        let debug = format!("{preview:?}");
        assert!(!debug.contains(CANARY), "canary leaked for {}", short(raw));
        let got = match &preview {
            Ok(preview) if !preview.exists => {
                assert_eq!(preview.content, MISSING_OUTPUT);
                assert_eq!(preview.path, *raw);
                Missing
            }
            Ok(_) => {
                failures.push(format!("{}: content returned", short(raw)));
                continue;
            }
            Err(HubError::Forbidden(_)) => Forbidden,
            Err(HubError::Invalid(_)) => Invalid,
            Err(other) => {
                failures.push(format!("{}: {other:?}", short(raw)));
                continue;
            }
        };
        if got != *expect {
            failures.push(format!("{}: expected {expect:?}, got {got:?}", short(raw)));
        }
        // The download refuses too; a file not written yet is "not found" there.
        match store.agent_output_file(&sid(SESSION), &aid(&agent), None, &[]) {
            Ok(_) => failures.push(format!("{}: download opened", short(raw))),
            Err(HubError::NotFound(_)) if *expect == Missing => {}
            Err(HubError::Forbidden(_)) if *expect == Forbidden => {}
            Err(HubError::Invalid(_)) if *expect == Invalid => {}
            Err(other) => failures.push(format!("{}: download {other:?}", short(raw))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_fifo_is_refused_at_once() {
    let farm = Farm::new();
    farm.set_outputs(&["fifo".to_owned(), "link-fifo".to_owned()]);
    let store = SessionStore::new(&farm.sessions);
    store.refresh().unwrap();
    for raw in ["fifo", "link-fifo"] {
        let started = Instant::now();
        let err = read_output(&farm.session, raw, &[], 1024).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            err.to_string(),
            format!(
                "output path {raw:?} is a FIFO, not a regular file; only regular files are shown"
            )
        );
        let started = Instant::now();
        assert!(open_output(&farm.session, raw, &[]).is_err());
        assert!(started.elapsed() < Duration::from_millis(100));
    }
    let started = Instant::now();
    assert!(matches!(
        output_preview(&store, &sid(SESSION), &aid("agent-0"), None, &[], 1024),
        Err(HubError::Forbidden(_))
    ));
    assert!(started.elapsed() < Duration::from_millis(100));
}

fn read(farm: &Farm, raw: &str, roots: &[PathBuf]) -> Result<Option<String>, HubError> {
    read_output(&farm.session, raw, roots, DEFAULT_MAX_PREVIEW_BYTES)
        .map(|out| out.map(|out| String::from_utf8(out.bytes).unwrap()))
}

#[test]
fn paths_inside_the_folder_and_under_allowed_roots_are_read() {
    let farm = Farm::new();
    let none: &[PathBuf] = &[];
    for (path, content) in INSIDE {
        assert_eq!(read(&farm, path, none).unwrap().as_deref(), Some(*content));
    }
    let report = Some("# Inside report\n\nAll good.\n");
    assert_eq!(
        read(&farm, "./out//report.md", none).unwrap().as_deref(),
        report
    );
    // A symlink inside the folder to a file (or folder) inside it is fine.
    assert_eq!(
        read(&farm, "link-inside.md", none).unwrap().as_deref(),
        report
    );
    assert_eq!(
        read(&farm, "link-dir-inside/report.md", none)
            .unwrap()
            .as_deref(),
        report
    );
    assert_eq!(read(&farm, "out/not-yet.md", none).unwrap(), None);
    assert_eq!(read(&farm, "no/such/folder/x.md", none).unwrap(), None);
    assert_eq!(read(&farm, "notes.txt/below", none).unwrap(), None);

    let allowed = format!("{}/shared.md", farm.allowed.display());
    let roots = vec![farm.allowed.clone()];
    for raw in [allowed.as_str(), "../../allowed/shared.md", "link-allowed"] {
        assert_eq!(
            read(&farm, raw, &roots).unwrap().as_deref(),
            Some(SHARED),
            "{raw}"
        );
        assert!(
            matches!(read(&farm, raw, none), Err(HubError::Forbidden(_))),
            "{raw} without --allow-output-root"
        );
    }
    // The root is canonicalised, so naming it through a symlink works too.
    let via_link = farm.root().join("allowed-link");
    std::os::unix::fs::symlink(&farm.allowed, &via_link).unwrap();
    assert_eq!(
        read(&farm, &allowed, std::slice::from_ref(&via_link))
            .unwrap()
            .as_deref(),
        Some(SHARED)
    );
    // Inside an allowed root the same rules hold: no way out of it.
    let escape = format!("{}/escape", farm.allowed.display());
    let climb = format!("{}/../outside/secret.txt", farm.allowed.display());
    let missing = format!("{}/later.md", farm.allowed.display());
    let itself = farm.allowed.display().to_string();
    assert!(matches!(
        read(&farm, &escape, &roots),
        Err(HubError::Forbidden(_))
    ));
    assert!(matches!(
        read(&farm, &climb, &roots),
        Err(HubError::Forbidden(_))
    ));
    assert_eq!(read(&farm, &missing, &roots).unwrap(), None);
    assert!(matches!(
        read(&farm, &itself, &roots),
        Err(HubError::Invalid(_))
    ));
    // A root that does not exist allows nothing.
    let ghost = vec![farm.root().join("ghost")];
    assert!(matches!(
        read(&farm, &allowed, &ghost),
        Err(HubError::Forbidden(_))
    ));
}
