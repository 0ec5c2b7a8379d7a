//! Shared by the bench binaries: generated sessions and simple statistics.

#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

/// Writes `count` sessions of about 3 KB each (8 agents, the creation shape).
pub fn generate_sessions(dir: &Path, count: usize) {
    for n in 0..count {
        let id = format!("bench-{n:05}-1767000000000");
        let folder = dir.join(&id);
        std::fs::create_dir_all(&folder).unwrap();
        let agents: Vec<serde_json::Value> = (1..=8)
            .map(|a| {
                let status = ["pending", "in_progress", "complete", "blocked"][(n + a) % 4];
                serde_json::json!({
                    "agent_id": format!("agent-{a}"), "agent_number": a,
                    "role": format!("Role number {a} with a description long enough to be realistic"),
                    "status": status,
                    "assigned_instructions": 2, "assigned_attachments": 1,
                    "output_files": [format!("outputs/agent-{a}.md")],
                    "depends_on": if a > 1 { vec![format!("agent-{}", a - 1)] } else { vec![] },
                    "execution_wave": a,
                })
            })
            .collect();
        let file = serde_json::json!({
            "session_id": id, "stub_id": format!("bench-{n:05}"), "feature_name": format!("Benchmark feature {n}"),
            "description": "A generated session for benchmarks, with a description of typical length.",
            "created_at": "2026-01-01T00:00:00Z", "agents": agents, "total_agents": 8,
            "coordination_mode": "parallel", "status": "created",
        });
        std::fs::write(
            folder.join("communication.json"),
            serde_json::to_vec_pretty(&file).unwrap(),
        )
        .unwrap();
    }
}

pub struct Stats {
    pub samples: Vec<Duration>,
}

impl Stats {
    pub fn measure(runs: usize, mut f: impl FnMut()) -> Self {
        let samples = (0..runs)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed()
            })
            .collect();
        Self::from(samples)
    }

    pub fn from(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        Self { samples }
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let index = ((self.samples.len() as f64 - 1.0) * p).round() as usize;
        self.samples[index]
    }

    pub fn median(&self) -> Duration {
        self.percentile(0.5)
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Drops the page cache (needs root); false when not permitted.
pub fn drop_caches() -> bool {
    let _ = std::process::Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Resident set size of this process, in KiB.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
