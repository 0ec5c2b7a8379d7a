//! `hub --demo`: a throw-away sessions folder with sample sessions and simulated agents that
//! advance through their statuses, so a first look shows a live hub. The agents write through
//! the same locked, versioned update as the API and the CLI.

use crate::domain::ids::{AgentId, SessionId};
use crate::store::SessionStore;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A throw-away sessions folder with the sample sessions in it, removed when dropped.
pub struct DemoFolder(tempfile::TempDir);

impl DemoFolder {
    pub fn create() -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("sessions-hub-demo-")
            .tempdir()
            .map_err(|err| format!("cannot create the demo folder: {err}"))?;
        seed(dir.path(), super::now_ms() as u64)
            .map_err(|err| format!("cannot write the demo sessions: {err}"))?;
        tracing::info!(dir = %dir.path().display(), "demo: sample sessions with simulated agents");
        Ok(Self(dir))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

/// How often a simulated agent moves.
const STEP: Duration = Duration::from_millis(2500);

/// Creates the sample sessions in `dir`.
pub fn seed(dir: &Path, now_ms: u64) -> std::io::Result<()> {
    let checkout = format!("checkout-redesign-{now_ms}");
    write(
        dir,
        &checkout,
        "communication.json",
        &creation_shape(&checkout, now_ms),
    )?;
    write(dir, &checkout, "instructions.json", &instructions())?;
    write(
        dir,
        "WO-DOCS-001",
        "communication.json",
        &monitoring_shape(),
    )?;
    write(
        dir,
        "WO-DOCS-001",
        "outputs/docs-inventory.md",
        &Value::String(DOCS_OUTPUT.into()),
    )?;
    // The blocked agent asks a person, as agents do with `hub ask`.
    let asked_at = chrono::DateTime::from_timestamp_millis(now_ms as i64 - 90_000)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    write(
        dir,
        "WO-DOCS-001",
        "questions/q-demo-1.json",
        &json!({
            "id": "q-demo-1",
            "agent_id": "testing",
            "question": "The integration tests need a database. Which one should they run against?",
            "choices": ["SQLite in memory", "The staging Postgres"],
            "asked_at": asked_at,
        }),
    )?;
    write(
        dir,
        "broken-session",
        "communication.json",
        &Value::String("{ \"agents\": [ oops".into()),
    )?;
    Ok(())
}

fn write(dir: &Path, session: &str, name: &str, content: &Value) -> std::io::Result<()> {
    let path = dir.join(session).join(name);
    std::fs::create_dir_all(path.parent().expect("a file in a folder"))?;
    let text = match content {
        Value::String(text) => text.clone(),
        other => serde_json::to_string_pretty(other).expect("JSON serialises"),
    };
    std::fs::write(path, text)
}

fn creation_shape(id: &str, now_ms: u64) -> Value {
    let created = chrono::DateTime::from_timestamp_millis(now_ms as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let agent = |n: u32, role: &str, deps: &[&str], wave: u32| {
        json!({
            "agent_id": format!("agent-{n}"), "agent_number": n, "role": role, "status": "not_started",
            "assigned_instructions": 1, "assigned_attachments": 0,
            "output_files": [format!("outputs/agent-{n}.md")], "depends_on": deps, "execution_wave": wave,
        })
    };
    json!({
        "session_id": id, "stub_id": "checkout-redesign", "feature_name": "Checkout redesign",
        "description": "Split the checkout into steps, with a new payment form and tests",
        "created_at": created, "version": 0,
        "agents": [
            agent(1, "API: order and payment endpoints", &[], 1),
            agent(2, "UI: step-by-step checkout form", &[], 1),
            agent(3, "Wire the form to the API", &["agent-1", "agent-2"], 2),
            agent(4, "End-to-end tests", &["agent-3"], 3),
        ],
        "total_agents": 4, "coordination_mode": "parallel", "status": "created",
    })
}

fn instructions() -> Value {
    let blocks = [
        (
            "block-1",
            "task",
            "Split checkout into address, shipping and payment steps",
            ["agent-1", "agent-2"],
        ),
        (
            "block-2",
            "constraint",
            "Keep the public order API backwards compatible",
            ["agent-1", "agent-3"],
        ),
        (
            "block-3",
            "guideline",
            "Every step is usable by keyboard alone",
            ["agent-2", "agent-4"],
        ),
    ];
    let blocks: Vec<Value> = blocks
        .iter()
        .map(|(id, kind, content, to)| json!({ "id": id, "type": kind, "content": content, "assigned_to": to }))
        .collect();
    json!({ "total_blocks": 3, "blocks": blocks, "types_summary": { "task": 1, "guideline": 1, "example": 0, "constraint": 1 } })
}

fn monitoring_shape() -> Value {
    json!({
        "workorder_id": "WO-DOCS-001", "feature_name": "Docs compliance, phase 1",
        "created": "2026-01-10T09:30:00Z", "status": "in_progress",
        "description": "Inventory every doc that breaks the style rules",
        "orchestrator": { "agent_id": "orchestrator", "role": "Coordinate phase 1", "status": "in_progress" },
        "agents": [
            { "agent_id": "docs", "role": "Inventory the docs", "status": "complete", "output_file": "outputs/docs-inventory.md" },
            { "agent_id": "testing", "role": "Inventory the tests", "status": "blocked",
              "output_file": "outputs/testing-inventory.json", "depends_on": ["docs"], "notes": "waiting for access to CI logs" },
            { "agent_id": "examples", "role": "Check the code examples", "status": "in_progress", "output_file": "outputs/examples.md" },
        ],
    })
}

const DOCS_OUTPUT: &str = "# Docs inventory\n\n| Doc | Problem |\n|---|---|\n| README.md | no quick start |\n| API.md | ~~outdated~~ fixed |\n\n- [x] scan the docs\n- [ ] open issues\n";

/// Moves one not-yet-finished agent a step forward every few seconds until shutdown; when
/// everything is complete, the sessions start over.
pub async fn simulate(store: Arc<SessionStore>, mut shutdown: watch::Receiver<bool>) {
    let mut random = Random::seeded();
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|stopping| *stopping) => return,
            () = tokio::time::sleep(STEP) => {}
        }
        let store = store.clone();
        let pick = random.next();
        if let Err(err) = tokio::task::spawn_blocking(move || advance_one(&store, pick)).await {
            tracing::warn!(%err, "demo agent failed");
        }
    }
}

/// Advances one agent; `None` when every agent of every readable session is complete.
fn advance_one(store: &SessionStore, pick: u64) -> Option<String> {
    let snapshot = store.list();
    let mut candidates = Vec::new();
    for session in &snapshot.list.sessions {
        let Ok(id) = SessionId::parse(&session.id) else {
            continue;
        };
        let Ok(file) = store.communication(&id) else {
            continue;
        };
        let complete = |id: &String| {
            file.agents
                .iter()
                .any(|a| &a.agent_id == id && a.status().as_str() == "complete")
        };
        for agent in &file.agents {
            // Like real agents, a simulated one starts once everything it waits for is done.
            let ready = agent.dependencies().iter().all(complete);
            let next = match agent.status().as_str() {
                "pending" | "not_started" if ready => "in_progress",
                "pending" | "not_started" => continue,
                "in_progress" => "complete",
                "blocked" => "in_progress",
                _ => continue,
            };
            candidates.push((id.clone(), AgentId::new(&agent.agent_id), next));
        }
    }
    if candidates.is_empty() {
        // Everything is done: start the sessions over so the demo keeps moving.
        for session in &snapshot.list.sessions {
            let Ok(id) = SessionId::parse(&session.id) else {
                continue;
            };
            let Ok(file) = store.communication(&id) else {
                continue;
            };
            for agent in &file.agents {
                let agent = AgentId::new(&agent.agent_id);
                let _ = store.set_agent_status(
                    &id,
                    &agent,
                    "not_started",
                    None,
                    crate::domain::history::Actor::Hub,
                );
            }
        }
        return None;
    }
    let (session, agent, next) = &candidates[(pick % candidates.len() as u64) as usize];
    match store.set_agent_status(
        session,
        agent,
        next,
        None,
        crate::domain::history::Actor::Hub,
    ) {
        Ok(_) => Some(format!("{session}/{agent} -> {next}")),
        Err(err) => {
            tracing::warn!(%err, "demo agent could not update its status");
            None
        }
    }
}

/// xorshift64*: enough randomness to vary which agent moves, without a dependency.
struct Random(u64);

impl Random {
    fn seeded() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Self(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_both_shapes_a_blocked_agent_and_an_invalid_session() {
        let dir = tempfile::tempdir().unwrap();
        seed(dir.path(), 1_767_000_000_000).unwrap();
        let store = SessionStore::new(dir.path());
        store.refresh().unwrap();
        let list = store.list();
        assert_eq!(list.list.count, 2);
        assert_eq!(list.list.invalid.len(), 1);
        assert!(list
            .list
            .sessions
            .iter()
            .any(|s| s.aggregation.blocked == 1));
        let before = store.generation();
        assert!(advance_one(&store, 7).is_some());
        assert!(store.generation() > before, "a simulated agent moved");
    }
}
