//! The timeline of a session, from its history: one lane per agent with the statuses it went
//! through, questions as markers, and each agent's time in each status. Drawn at a fixed
//! number of columns: a run of changes too short to see is one segment showing its most urgent
//! status, so 50 agents over two weeks stay as readable as one agent over two minutes (the
//! totals stay exact).

use super::format::utc_rfc3339_ms;
use super::history::{EventKind, HistoryEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many columns a lane is drawn in at most; a segment is at least one wide.
pub const COLUMNS: i64 = 600;
/// How many segments the whole chart may draw: with many lanes each gets fewer columns (50
/// lanes: 60 each, a segment at least 1/60 of the width), so the page stays light whatever
/// the history holds.
pub const SEGMENT_BUDGET: i64 = 3_000;
const MIN_COLUMNS: i64 = 60;

/// The columns of each lane when there are `lanes`.
pub fn columns_for(lanes: usize) -> i64 {
    (SEGMENT_BUDGET / lanes.max(1) as i64).clamp(MIN_COLUMNS, COLUMNS)
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub start_ms: i64,
    pub end_ms: i64,
    pub lanes: Vec<Lane>,
    pub markers: Vec<Marker>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    pub agent: String,
    pub segments: Vec<Segment>,
    /// Time in each status, longest first: (status, milliseconds).
    pub totals: Vec<(String, i64)>,
    /// Status changes in this lane.
    pub changes: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub status: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// Changes folded into it (1: none).
    pub folded: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub at_ms: i64,
    pub agent: String,
    pub kind: EventKind,
    pub text: String,
}

impl Timeline {
    pub fn elapsed_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }

    /// Where `ms` falls, 0.0 to 1.0 across the timeline.
    pub fn fraction(&self, ms: i64) -> f64 {
        let span = self.elapsed_ms().max(1) as f64;
        ((ms - self.start_ms) as f64 / span).clamp(0.0, 1.0)
    }
}

/// Most urgent first, for a folded run: a short block still shows.
fn urgency(status: &str) -> u8 {
    match status {
        "blocked" => 0,
        "in_progress" => 1,
        "complete" => 3,
        "pending" | "not_started" => 4,
        _ => 2,
    }
}

/// The timeline of `events` (oldest first) up to `now_ms`, lanes in `roster` order (agents the
/// history names but the roster does not come after, by name).
pub fn timeline(events: &[HistoryEvent], roster: &[String], now_ms: i64) -> Timeline {
    let timed: Vec<(i64, &HistoryEvent)> = events
        .iter()
        .filter(|e| e.is_shown())
        .filter_map(|e| utc_rfc3339_ms(&e.at).map(|ms| (ms, e)))
        .collect();
    let Some(start_ms) = timed.iter().map(|(ms, _)| *ms).min() else {
        return Timeline::default();
    };
    let end_ms = now_ms.max(timed.iter().map(|(ms, _)| *ms).max().unwrap_or(start_ms));

    let mut changes: BTreeMap<&str, Vec<(i64, &str)>> = BTreeMap::new();
    let mut markers = Vec::new();
    for (ms, event) in &timed {
        let agent = event.agent.as_deref().unwrap_or_default();
        match event.kind {
            EventKind::Status => {
                if let Some(to) = event.to.as_deref() {
                    changes.entry(agent).or_default().push((*ms, to));
                }
            }
            EventKind::QuestionAsked | EventKind::QuestionAnswered => markers.push(Marker {
                at_ms: *ms,
                agent: agent.to_owned(),
                kind: event.kind,
                text: event.message.clone().unwrap_or_default(),
            }),
            _ => {}
        }
    }

    let mut order: Vec<&str> = roster.iter().map(String::as_str).collect();
    for agent in changes.keys() {
        if !order.contains(agent) {
            order.push(agent);
        }
    }
    let min_ms = ((end_ms - start_ms) / columns_for(order.len())).max(1);
    let lanes = order
        .into_iter()
        .map(|agent| {
            lane(
                agent,
                changes.get(agent).map_or(&[][..], Vec::as_slice),
                end_ms,
                min_ms,
            )
        })
        .collect();
    Timeline {
        start_ms,
        end_ms,
        lanes,
        markers,
    }
}

fn lane(agent: &str, changes: &[(i64, &str)], end_ms: i64, min_ms: i64) -> Lane {
    let mut exact: Vec<Segment> = Vec::new();
    for (n, (from_ms, status)) in changes.iter().enumerate() {
        let to_ms = changes.get(n + 1).map_or(end_ms, |(next, _)| *next);
        exact.push(Segment {
            status: (*status).to_owned(),
            from_ms: *from_ms,
            to_ms: to_ms.max(*from_ms),
            folded: 1,
        });
    }
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for segment in &exact {
        *totals.entry(segment.status.clone()).or_default() += segment.to_ms - segment.from_ms;
    }
    let mut totals: Vec<(String, i64)> = totals.into_iter().collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    // A run too narrow to see takes in what follows until it is wide enough; a wide segment
    // ends the run, so the lane keeps about as many segments as it has columns.
    let mut drawn: Vec<Segment> = Vec::new();
    for segment in exact {
        let mergeable = drawn.last().is_some_and(|last| {
            last.status == segment.status || last.to_ms - last.from_ms < min_ms
        });
        match drawn.last_mut() {
            Some(last) if mergeable => {
                if last.status != segment.status
                    && (urgency(&segment.status) < urgency(&last.status)
                        // A wide segment keeps its own status over the sliver before it.
                        || last.to_ms - last.from_ms < min_ms
                            && segment.to_ms - segment.from_ms >= min_ms)
                {
                    last.status = segment.status.clone();
                }
                last.to_ms = segment.to_ms;
                last.folded += segment.folded;
            }
            _ => drawn.push(segment),
        }
    }
    Lane {
        agent: agent.to_owned(),
        segments: drawn,
        totals,
        changes: changes.len(),
    }
}

/// "45 s", "12 min", "3 h 05 min", "2 d 4 h".
pub fn duration_words(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        s => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::Actor;

    fn at(minutes: i64) -> String {
        let ms = 1_764_583_200_000 + minutes * 60_000; // 2025-12-01T10:00:00Z
        let secs = ms / 1000;
        let (days, rest) = (secs / 86_400, secs % 86_400);
        // Civil date from days since the epoch (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
            rest / 3600,
            (rest % 3600) / 60,
            rest % 60
        )
    }

    fn status(agent: &str, to: &str, minute: i64) -> HistoryEvent {
        HistoryEvent::status(agent, None, to, &at(minute), Actor::Disk)
    }

    #[test]
    fn lanes_follow_the_roster_with_exact_totals() {
        let events = vec![
            status("b", "in_progress", 0),
            status("a", "in_progress", 10),
            status("a", "blocked", 20),
            status("a", "complete", 50),
        ];
        let roster = ["a".to_string(), "b".to_string()];
        let end = utc_rfc3339_ms(&at(60)).unwrap();
        let t = timeline(&events, &roster, end);
        assert_eq!(t.elapsed_ms(), 60 * 60_000);
        assert_eq!(t.lanes[0].agent, "a");
        let statuses: Vec<_> = t.lanes[0]
            .segments
            .iter()
            .map(|s| s.status.as_str())
            .collect();
        assert_eq!(statuses, ["in_progress", "blocked", "complete"]);
        assert_eq!(
            t.lanes[0].totals,
            [
                ("blocked".to_string(), 30 * 60_000),
                // Ties by name.
                ("complete".to_string(), 10 * 60_000),
                ("in_progress".to_string(), 10 * 60_000),
            ]
        );
        assert_eq!(
            t.lanes[1].totals,
            [("in_progress".to_string(), 60 * 60_000)]
        );
        assert_eq!(duration_words(t.elapsed_ms()), "1 h 00 min");
    }

    #[test]
    fn a_storm_of_changes_folds_into_drawable_segments() {
        // 1,000 changes in two weeks: far more than there are columns.
        let mut events = Vec::new();
        for n in 0..1000 {
            let to = if n % 50 == 7 {
                "blocked"
            } else if n % 2 == 0 {
                "in_progress"
            } else {
                "pending"
            };
            events.push(status("a", to, n * 20));
        }
        let end = utc_rfc3339_ms(&at(20_000)).unwrap();
        let t = timeline(&events, &["a".to_string()], end);
        let lane = &t.lanes[0];
        assert!(
            lane.segments.len() <= COLUMNS as usize,
            "{}",
            lane.segments.len()
        );
        // Folded into runs about a column wide, not into one lane-long block.
        assert!(
            lane.segments.len() >= COLUMNS as usize / 2,
            "{}",
            lane.segments.len()
        );
        let column = t.elapsed_ms() / COLUMNS;
        let (last, runs) = lane.segments.split_last().unwrap();
        assert!(runs.iter().all(|s| s.to_ms - s.from_ms >= column));
        assert_eq!(last.to_ms, t.end_ms);
        assert_eq!(lane.segments.iter().map(|s| s.folded).sum::<usize>(), 1000);
        assert!(lane.segments.iter().any(|s| s.status == "blocked"));
        assert_eq!(lane.changes, 1000);
        let total: i64 = lane.totals.iter().map(|(_, ms)| ms).sum();
        assert_eq!(total, t.elapsed_ms());
    }

    #[test]
    fn fifty_busy_lanes_stay_within_the_segment_budget() {
        let agents: Vec<String> = (0..50).map(|n| format!("agent-{n}")).collect();
        let mut events = Vec::new();
        for n in 0..50 * 1000 {
            let to = ["in_progress", "blocked", "complete"][(n / 50) % 3];
            events.push(status(&agents[n % 50], to, n as i64 / 2));
        }
        let end = utc_rfc3339_ms(&at(25_000)).unwrap();
        let t = timeline(&events, &agents, end);
        let drawn: usize = t.lanes.iter().map(|lane| lane.segments.len()).sum();
        assert!(drawn <= SEGMENT_BUDGET as usize, "{drawn}");
        assert!(drawn >= SEGMENT_BUDGET as usize / 3, "{drawn}");
        assert_eq!(columns_for(50), 60);
        assert_eq!(columns_for(1), COLUMNS);
        assert_eq!(columns_for(5), COLUMNS);
        assert_eq!(columns_for(500), 60);
    }

    #[test]
    fn questions_are_markers_and_an_empty_history_is_empty() {
        let mut asked = HistoryEvent::new(EventKind::QuestionAsked, &at(5), Actor::Mcp);
        asked.agent = Some("a".into());
        asked.message = Some("Which DB?".into());
        let t = timeline(
            &[status("a", "in_progress", 0), asked],
            &[],
            utc_rfc3339_ms(&at(10)).unwrap(),
        );
        assert_eq!(t.markers.len(), 1);
        assert!((t.fraction(t.markers[0].at_ms) - 0.5).abs() < 1e-9);
        assert_eq!(timeline(&[], &[], 0), Timeline::default());
        assert_eq!(duration_words(45_000), "45 s");
        assert_eq!(duration_words(2 * 86_400_000 + 4 * 3_600_000), "2 d 4 h");
    }
}
