//! 10,000 random path strings, biased to the characters that matter, over the
//! symlink farm. Invariant: whatever is opened is really under the session folder (or the
//! allowed root, when one is given), and whatever is read is the content of such a file.

use super::{Farm, CANARY, INSIDE, SHARED};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sessions_hub::store::output::{open_output, read_output};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// Names (and short paths) that exist in the farm, so random paths often reach real files,
/// links and canaries.
const NAMES: &[&str] = &[
    "out",
    "report.md",
    "notes.txt",
    "data.json",
    "link-inside.md",
    "link-dir-inside",
    "link-etc",
    "passwd",
    "etc",
    "link-outside",
    "link-abs-outside",
    "chain1",
    "dirlink",
    "outlink",
    "up",
    "outside",
    "secret.txt",
    "canary.txt",
    "sessions",
    "link-proc",
    "loop1",
    "fifo",
    "socket",
    "sub",
    "link-sessions",
    "link-root",
    "allowed",
    "shared.md",
    "link-allowed",
    "escape",
    "inner-up",
    "%2e%2e",
    "literal.txt",
    "other-session",
    "secret.md",
    "CON",
    "proc",
    "self",
    "mem",
    "out/report.md",
    "out/data.json",
    "link-dir-inside/report.md",
    "dirlink/data.json",
    "%2e%2e/literal.txt",
    "up/canary.txt",
    "outlink/secret.txt",
    "link-etc/passwd",
    "out/inner-up",
    "out/chain3",
    "link-sessions/canary.txt",
    "link-root/etc/passwd",
    "../allowed/shared.md",
    "communication.json",
];

/// Mostly real names, sometimes `..`, `.` or a run of the characters that matter.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::sample::select(NAMES).prop_map(str::to_owned),
        3 => Just("..".to_owned()),
        2 => Just(".".to_owned()),
        2 => "[./\\\\:\\x00]{1,4}",
        1 => "[a-zA-Z0-9%~$ .:-]{1,6}",
        1 => (prop::sample::select(NAMES), "[.:\\x00 ]{1,2}").prop_map(|(n, s)| format!("{n}{s}")),
        1 => any::<String>(),
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        16 => Just("/"),
        1 => Just("//"),
        1 => Just("/./"),
        1 => Just("\\"),
        1 => Just(":"),
        1 => Just("\0"),
        1 => Just(""),
    ]
}

fn random_path() -> impl Strategy<Value = String> {
    (
        segment(),
        prop::collection::vec((separator(), segment()), 0..4),
    )
        .prop_map(|(first, rest)| {
            let mut path = first;
            for (separator, segment) in rest {
                path.push_str(separator);
                path.push_str(&segment);
            }
            path
        })
}

#[test]
fn random_paths_never_open_or_read_anything_outside() {
    let farm = Farm::new();
    let session = farm.session.canonicalize().unwrap();
    let allowed = farm.allowed.canonicalize().unwrap();
    let allowed_root_path = format!("{}/", farm.allowed.display());
    let mut runner = TestRunner::new(Config {
        cases: 10_000,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        random_path(),
        any::<bool>(),
        prop_oneof![
            6 => Just(""),
            1 => Just("./"),
            1 => Just("/"),
            1 => Just("../"),
            1 => Just(allowed_root_path.as_str())
        ],
    );
    let opened = std::cell::Cell::new(0u32);
    runner
        .run(&strategy, |(tail, with_root, prefix)| {
            let raw = format!("{prefix}{tail}");
            let roots: Vec<PathBuf> = if with_root {
                vec![farm.allowed.clone()]
            } else {
                Vec::new()
            };
            if let Ok(Some((file, _))) = open_output(&farm.session, &raw, &roots) {
                opened.set(opened.get() + 1);
                let real =
                    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).unwrap();
                prop_assert!(
                    real.starts_with(&session) || (with_root && real.starts_with(&allowed)),
                    "{raw:?} opened {real:?}"
                );
            }
            if let Ok(Some(out)) = read_output(&farm.session, &raw, &roots, 1 << 20) {
                let text = String::from_utf8_lossy(&out.bytes);
                prop_assert!(!text.contains(CANARY), "{raw:?} read a canary");
                let known = INSIDE.iter().any(|(_, content)| *content == text)
                    || (with_root && text == SHARED)
                    || text == "{\"agents\": []}";
                prop_assert!(known, "{raw:?} read unknown content {text:?}");
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "random paths: 10,000 random paths, {} opened a file",
        opened.get()
    );
    // The bias must make random paths actually reach files, or the test proves little.
    assert!(
        opened.get() > 100,
        "only {} of 10,000 paths opened a file",
        opened.get()
    );
}
