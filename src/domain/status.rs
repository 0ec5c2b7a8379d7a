//! Agent and session statuses, and the rule that derives a session's status from its agents.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What an agent says about itself in `communication.json`.
///
/// Agents write this field by hand, so any string is accepted: a value the hub does not know is
/// kept as [`AgentStatus::Unknown`] and shown with a warning rather than rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum AgentStatus {
    #[default]
    Pending,
    NotStarted,
    InProgress,
    Complete,
    Blocked,
    Unknown(String),
}

impl AgentStatus {
    /// The statuses a writer (API, CLI, demo) may set.
    pub const SETTABLE: [AgentStatus; 5] = [
        AgentStatus::Pending,
        AgentStatus::NotStarted,
        AgentStatus::InProgress,
        AgentStatus::Complete,
        AgentStatus::Blocked,
    ];

    /// Parses any string; unknown values are kept verbatim.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "pending" => Self::Pending,
            "not_started" => Self::NotStarted,
            "in_progress" => Self::InProgress,
            "complete" => Self::Complete,
            "blocked" => Self::Blocked,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// Parses only the known values: what a writer may store.
    pub fn parse_known(raw: &str) -> Result<Self, String> {
        match Self::parse(raw) {
            Self::Unknown(value) => Err(format!(
                "unknown agent status {value:?}: expected one of pending, not_started, in_progress, complete, blocked"
            )),
            known => Ok(known),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Complete => "complete",
            Self::Blocked => "blocked",
            Self::Unknown(raw) => raw,
        }
    }

    /// Human label, used next to the icon so status is never colour alone.
    pub fn label(&self) -> String {
        match self {
            Self::Pending => "Pending".into(),
            Self::NotStarted => "Not started".into(),
            Self::InProgress => "In progress".into(),
            Self::Complete => "Complete".into(),
            Self::Blocked => "Blocked".into(),
            Self::Unknown(raw) => format!("Unknown ({raw})"),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}

impl fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AgentStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AgentStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(Self::parse(&raw))
    }
}

/// The status of a whole session. Ordered: a session only moves forward through these.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    #[default]
    NotStarted,
    InProgress,
    Complete,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 3] = [Self::NotStarted, Self::InProgress, Self::Complete];

    /// Only the three session statuses count as explicit; `created` and anything else do not.
    pub fn parse_explicit(raw: &str) -> Option<Self> {
        match raw {
            "not_started" => Some(Self::NotStarted),
            "in_progress" => Some(Self::InProgress),
            "complete" => Some(Self::Complete),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Complete => "complete",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::InProgress => "In progress",
            Self::Complete => "Complete",
        }
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a session's status was written in its file or derived from its agents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusSource {
    Explicit,
    #[default]
    Calculated,
}

/// Derives a session's status from its agents:
/// all complete -> complete; any in progress -> in progress; otherwise (and with no agents)
/// not started.
pub fn calculate_status<'a>(agents: impl IntoIterator<Item = &'a AgentStatus>) -> SessionStatus {
    let mut any = false;
    let mut all_complete = true;
    let mut any_in_progress = false;
    for status in agents {
        any = true;
        all_complete &= *status == AgentStatus::Complete;
        any_in_progress |= *status == AgentStatus::InProgress;
    }
    if any && all_complete {
        SessionStatus::Complete
    } else if any_in_progress {
        SessionStatus::InProgress
    } else {
        SessionStatus::NotStarted
    }
}

/// An explicit session status wins; `created`, an unknown value or no value means calculated.
pub fn resolve_status<'a>(
    explicit: Option<&str>,
    agents: impl IntoIterator<Item = &'a AgentStatus>,
) -> (SessionStatus, StatusSource) {
    match explicit.and_then(SessionStatus::parse_explicit) {
        Some(status) => (status, StatusSource::Explicit),
        None => (calculate_status(agents), StatusSource::Calculated),
    }
}

/// Agent counts by status. `pending` counts as not started; unknown values are counted apart so
/// that the counts always sum to `total`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregation {
    pub total: usize,
    pub completed: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub blocked: usize,
    pub unknown: usize,
    /// Agents with an open question (counted apart: they also count under their status).
    #[serde(default)]
    pub needs_input: usize,
}

impl Aggregation {
    pub fn of<'a>(agents: impl IntoIterator<Item = &'a AgentStatus>) -> Self {
        let mut counts = Self::default();
        for status in agents {
            counts.total += 1;
            match status {
                AgentStatus::Complete => counts.completed += 1,
                AgentStatus::InProgress => counts.in_progress += 1,
                AgentStatus::Pending | AgentStatus::NotStarted => counts.not_started += 1,
                AgentStatus::Blocked => counts.blocked += 1,
                AgentStatus::Unknown(_) => counts.unknown += 1,
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use AgentStatus::*;

    #[test]
    fn no_agents_means_not_started() {
        assert_eq!(calculate_status([]), SessionStatus::NotStarted);
    }

    #[test]
    fn table_of_rosters() {
        let cases: &[(&[AgentStatus], SessionStatus)] = &[
            (&[Complete], SessionStatus::Complete),
            (&[Complete, Complete], SessionStatus::Complete),
            (&[Complete, InProgress], SessionStatus::InProgress),
            (&[Blocked, InProgress], SessionStatus::InProgress),
            (&[Complete, Blocked], SessionStatus::NotStarted),
            (&[Pending, NotStarted], SessionStatus::NotStarted),
            (&[Complete, Pending], SessionStatus::NotStarted),
        ];
        for (agents, expected) in cases {
            assert_eq!(calculate_status(agents.iter()), *expected, "{agents:?}");
        }
        assert_eq!(
            calculate_status(&[Unknown("done".into()), Complete]),
            SessionStatus::NotStarted
        );
    }

    #[test]
    fn explicit_session_status_wins_but_created_is_calculated() {
        let agents = [Complete, Complete];
        assert_eq!(
            resolve_status(Some("in_progress"), &agents),
            (SessionStatus::InProgress, StatusSource::Explicit)
        );
        assert_eq!(
            resolve_status(Some("created"), &agents),
            (SessionStatus::Complete, StatusSource::Calculated)
        );
        assert_eq!(
            resolve_status(None, &agents),
            (SessionStatus::Complete, StatusSource::Calculated)
        );
        assert_eq!(
            resolve_status(Some("finished"), &[]),
            (SessionStatus::NotStarted, StatusSource::Calculated)
        );
    }

    #[test]
    fn statuses_round_trip_through_json_including_unknown() {
        for raw in [
            "pending",
            "not_started",
            "in_progress",
            "complete",
            "blocked",
            "done?",
        ] {
            let status: AgentStatus = serde_json::from_str(&format!("{raw:?}")).unwrap();
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("{raw:?}"));
        }
        assert!(AgentStatus::parse_known("done").is_err());
        assert_eq!(AgentStatus::parse_known("blocked"), Ok(Blocked));
    }

    fn any_status() -> impl Strategy<Value = AgentStatus> {
        prop_oneof![
            Just(Pending),
            Just(NotStarted),
            Just(InProgress),
            Just(Complete),
            Just(Blocked),
            "[a-z_]{0,12}".prop_map(|raw| AgentStatus::parse(&raw)),
        ]
    }

    // Random rosters of 0-64 agents, known and unknown statuses.
    proptest! {
        #[test]
        fn counts_sum_to_total(agents in prop::collection::vec(any_status(), 0..64)) {
            let counts = Aggregation::of(&agents);
            prop_assert_eq!(counts.total, agents.len());
            prop_assert_eq!(
                counts.completed + counts.in_progress + counts.not_started + counts.blocked + counts.unknown,
                counts.total
            );
        }

        #[test]
        fn status_is_a_pure_function_of_the_multiset(mut agents in prop::collection::vec(any_status(), 0..64)) {
            let before = calculate_status(&agents);
            agents.reverse();
            prop_assert_eq!(calculate_status(&agents), before);
        }

        #[test]
        fn adding_a_complete_agent_never_moves_backwards(agents in prop::collection::vec(any_status(), 0..64)) {
            let before = calculate_status(&agents);
            let mut after = agents.clone();
            after.push(Complete);
            prop_assert!(calculate_status(&after) >= before);
        }

        #[test]
        fn complete_iff_every_agent_complete(agents in prop::collection::vec(any_status(), 1..64)) {
            let all = agents.iter().all(|s| *s == Complete);
            prop_assert_eq!(calculate_status(&agents) == SessionStatus::Complete, all);
        }

        #[test]
        fn explicit_status_always_wins(agents in prop::collection::vec(any_status(), 0..16), pick in 0usize..3) {
            let explicit = SessionStatus::ALL[pick];
            prop_assert_eq!(resolve_status(Some(explicit.as_str()), &agents), (explicit, StatusSource::Explicit));
        }
    }
}
