//! `communication.json` as agents write it: arbitrary bytes through `CommunicationFile::parse`.
//!
//! Invariants beyond "no panic":
//! - an error is a sentence naming the file;
//! - a parsed file serialises (`to_pretty_json` has an `expect`), parses back to the same
//!   model (floats within a rounding step: serde_json parses them best-effort), and
//!   serialising is then stable, so a hub rewrite never drops or changes what an agent wrote;
//! - what the list and detail views derive from it (status, counts, warnings, outputs,
//!   execution waves) is computed without panicking and stays consistent.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sessions_hub::domain::waves::compute_waves;
use sessions_hub::domain::CommunicationFile;

fuzz_target!(|data: &[u8]| {
    let file = match CommunicationFile::parse(data) {
        Ok(file) => file,
        Err(message) => {
            assert!(message.starts_with("communication.json: "), "{message}");
            return;
        }
    };

    let text = file.to_pretty_json();
    assert!(text.ends_with('\n'));
    let again = CommunicationFile::parse(text.as_bytes())
        .unwrap_or_else(|err| panic!("the hub's own rewrite does not parse: {err}\n{text}"));
    assert!(
        same_file(&file, &again),
        "round trip changed the file:\n{file:?}\n{again:?}"
    );
    // Stable from the first rewrite on (any float has settled by then).
    let third = CommunicationFile::parse(again.to_pretty_json().as_bytes()).unwrap();
    assert_eq!(again.to_pretty_json(), third.to_pretty_json());

    // What the views derive from it.
    let (_status, _source) = file.status();
    let aggregation = file.aggregation();
    assert_eq!(aggregation.total, file.agents.len());
    assert_eq!(
        aggregation.completed
            + aggregation.in_progress
            + aggregation.not_started
            + aggregation.blocked
            + aggregation.unknown,
        aggregation.total
    );
    let _ = file.warnings();
    let _ = file.created();
    let _ = file.version();
    for agent in &file.agents {
        let outputs = agent.outputs();
        // `output_file` first, then `output_files` without repeats.
        if let Some(first) = &agent.output_file {
            assert_eq!(outputs.first(), Some(first));
        }
        for (i, path) in outputs.iter().enumerate() {
            assert!(!outputs[..i].contains(path), "{path:?} listed twice");
        }
        let _ = agent.status().label();
    }
    let roster: Vec<(String, Vec<String>)> = file
        .agents
        .iter()
        .map(|agent| (agent.agent_id.clone(), agent.dependencies().to_vec()))
        .collect();
    if let Ok(waves) = compute_waves(&roster) {
        // With a repeated agent id the last record's dependencies count for that id.
        let last: std::collections::BTreeMap<&str, &[String]> = roster
            .iter()
            .map(|(id, dependencies)| (id.as_str(), dependencies.as_slice()))
            .collect();
        assert_eq!(waves.len(), last.len());
        for (id, dependencies) in last {
            let wave = waves[id];
            assert!(wave >= 1);
            for dependency in dependencies {
                assert!(waves[dependency] < wave, "{id} runs before {dependency}");
            }
        }
    }
});

/// Equal, except that floats inside unknown fields may differ by a rounding step.
fn same_file(a: &CommunicationFile, b: &CommunicationFile) -> bool {
    let strip = |file: &CommunicationFile| {
        let mut file = file.clone();
        file.extra.clear();
        if let Some(orchestrator) = &mut file.orchestrator {
            orchestrator.extra.clear();
        }
        for agent in &mut file.agents {
            agent.extra.clear();
        }
        file
    };
    strip(a) == strip(b)
        && same_map(&a.extra, &b.extra)
        && match (&a.orchestrator, &b.orchestrator) {
            (Some(x), Some(y)) => same_map(&x.extra, &y.extra),
            (None, None) => true,
            _ => false,
        }
        && a.agents
            .iter()
            .zip(&b.agents)
            .all(|(x, y)| same_map(&x.extra, &y.extra))
}

fn same_map(a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x == y {
                return true;
            }
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs()),
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => same_map(x, y),
        _ => a == b,
    }
}
