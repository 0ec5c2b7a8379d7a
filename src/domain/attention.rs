//! Attention: what a person should look at first. Every agent gets one, from its status, its
//! open questions, its dependencies and how long it has been quiet; a session takes its most
//! urgent agent's. Pages lead with it; the API's `status` keeps the seed's rule.

use super::AgentStatus;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most urgent first: the derived order is the order of the Monitor list.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// An open question waits for a person.
    NeedsInput,
    /// The agent said it is blocked.
    Blocked,
    /// In progress, but quiet for longer than the hub's `--stale-after`.
    Stale,
    Running,
    /// Not started, and some dependency is not complete yet.
    Waiting,
    #[default]
    NotStarted,
    Complete,
}

impl Attention {
    pub const ALL: [Attention; 7] = [
        Self::NeedsInput,
        Self::Blocked,
        Self::Stale,
        Self::Running,
        Self::Waiting,
        Self::NotStarted,
        Self::Complete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsInput => "needs_input",
            Self::Blocked => "blocked",
            Self::Stale => "stale",
            Self::Running => "running",
            Self::Waiting => "waiting",
            Self::NotStarted => "not_started",
            Self::Complete => "complete",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NeedsInput => "Needs input",
            Self::Blocked => "Blocked",
            Self::Stale => "Stale",
            Self::Running => "Running",
            Self::Waiting => "Waiting",
            Self::NotStarted => "Not started",
            Self::Complete => "Complete",
        }
    }

    /// A person should act: someone asked, is stuck, or went quiet.
    pub fn needs_a_person(self) -> bool {
        matches!(self, Self::NeedsInput | Self::Blocked | Self::Stale)
    }

    /// "2 blocked", "1 needs input": the chips of a list row.
    pub fn count_label(self, count: usize) -> String {
        match self {
            Self::NeedsInput if count == 1 => "1 needs input".to_owned(),
            Self::NeedsInput => format!("{count} need input"),
            Self::NotStarted => format!("{count} not started"),
            other => format!("{count} {}", other.as_str()),
        }
    }
}

impl fmt::Display for Attention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When "quiet for too long" starts: the hub's clock and its `--stale-after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Staleness {
    pub now_ms: i64,
    pub after_ms: i64,
}

/// What the hub knows about one agent, apart from the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentFacts<'a> {
    pub agent_id: &'a str,
    pub status: &'a AgentStatus,
    /// It has an open question.
    pub needs_input: bool,
    /// Some dependency of it is not complete.
    pub waiting_for_others: bool,
    /// Its `updated_at`, else the file's modification time.
    pub last_activity_ms: i64,
    /// Why a person should look: the open question, or what a blocked agent said.
    pub reason: Option<&'a str>,
}

impl AgentFacts<'_> {
    pub fn attention(&self, clock: Staleness) -> Attention {
        if self.needs_input {
            return Attention::NeedsInput;
        }
        match self.status {
            AgentStatus::Blocked => Attention::Blocked,
            AgentStatus::Complete => Attention::Complete,
            AgentStatus::InProgress if self.goes_stale_at(clock) <= clock.now_ms => {
                Attention::Stale
            }
            AgentStatus::InProgress => Attention::Running,
            // Pending, not started, or a status the hub does not know.
            _ if self.waiting_for_others => Attention::Waiting,
            _ => Attention::NotStarted,
        }
    }

    fn goes_stale_at(&self, clock: Staleness) -> i64 {
        self.last_activity_ms.saturating_add(clock.after_ms)
    }

    /// When this agent's attention will change by itself (a running agent going stale).
    fn changes_at(&self, clock: Staleness) -> Option<i64> {
        (self.attention(clock) == Attention::Running).then(|| self.goes_stale_at(clock))
    }
}

/// How many agents are in each attention state (`{"blocked": 2, "running": 1, …}` in JSON).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct AttentionCounts {
    // Zeros are left out of the JSON: the list of 10,000 sessions carries them all.
    #[serde(skip_serializing_if = "is_zero")]
    pub needs_input: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub blocked: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub stale: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub running: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub waiting: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub not_started: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub complete: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl AttentionCounts {
    pub fn get(&self, attention: Attention) -> usize {
        let mut copy = *self;
        *copy.slot_mut(attention)
    }

    fn add(&mut self, attention: Attention) {
        *self.slot_mut(attention) += 1;
    }

    fn slot_mut(&mut self, attention: Attention) -> &mut usize {
        match attention {
            Attention::NeedsInput => &mut self.needs_input,
            Attention::Blocked => &mut self.blocked,
            Attention::Stale => &mut self.stale,
            Attention::Running => &mut self.running,
            Attention::Waiting => &mut self.waiting,
            Attention::NotStarted => &mut self.not_started,
            Attention::Complete => &mut self.complete,
        }
    }

    /// The states with at least one agent, most urgent first.
    pub fn present(&self) -> impl Iterator<Item = (Attention, usize)> + '_ {
        Attention::ALL
            .into_iter()
            .map(|a| (a, self.get(a)))
            .filter(|&(_, n)| n > 0)
    }

    pub fn total(&self) -> usize {
        Attention::ALL.into_iter().map(|a| self.get(a)).sum()
    }
}

/// The agent behind a session's attention and what it said.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttentionReason {
    pub agent_id: String,
    pub text: String,
}

/// A session's attention, with what a list row shows of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionAttention {
    pub attention: Attention,
    pub attention_counts: AttentionCounts,
    /// The newest activity of any agent (unix ms).
    pub last_activity_ms: i64,
    /// Why the most urgent agent needs a person, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention_reason: Option<AttentionReason>,
}

/// Every agent's attention, the session's, and when it will next change by itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    pub agents: Vec<Attention>,
    pub session: SessionAttention,
    /// The earliest moment a running agent goes stale: assess again then.
    pub changes_at: Option<i64>,
}

/// `without_agents` is the attention of a session that lists no agent (from its own status);
/// `fallback_activity_ms` its last activity then (the file's time).
pub fn assess<'a>(
    agents: impl IntoIterator<Item = AgentFacts<'a>>,
    without_agents: Attention,
    fallback_activity_ms: i64,
    clock: Staleness,
) -> Assessment {
    let mut assessment = Assessment::default();
    let mut most_urgent: Option<(Attention, Option<AttentionReason>)> = None;
    let mut last_activity = None;
    for agent in agents {
        let attention = agent.attention(clock);
        assessment.agents.push(attention);
        assessment.session.attention_counts.add(attention);
        last_activity = last_activity.max(Some(agent.last_activity_ms));
        if let Some(at) = agent.changes_at(clock) {
            assessment.changes_at = Some(assessment.changes_at.map_or(at, |due| due.min(at)));
        }
        let reason = agent
            .reason
            .filter(|_| matches!(attention, Attention::NeedsInput | Attention::Blocked))
            .map(|text| AttentionReason {
                agent_id: agent.agent_id.to_owned(),
                text: text.trim().to_owned(),
            })
            .filter(|reason| !reason.text.is_empty());
        most_urgent = match most_urgent {
            Some((urgent, known)) if urgent < attention => Some((urgent, known)),
            // Same urgency: the first agent that says why wins.
            Some((urgent, known)) if urgent == attention => Some((urgent, known.or(reason))),
            _ => Some((attention, reason)),
        };
    }
    let (attention, reason) = most_urgent.unwrap_or((without_agents, None));
    assessment.session.attention = attention;
    assessment.session.attention_reason = reason;
    assessment.session.last_activity_ms = last_activity.unwrap_or(fallback_activity_ms);
    assessment
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgentStatus::*;

    const MINUTE: i64 = 60_000;
    const CLOCK: Staleness = Staleness {
        now_ms: 100 * MINUTE,
        after_ms: 30 * MINUTE,
    };

    fn facts(status: &AgentStatus) -> AgentFacts<'_> {
        AgentFacts {
            agent_id: "agent-1",
            status,
            needs_input: false,
            waiting_for_others: false,
            last_activity_ms: CLOCK.now_ms - MINUTE,
            reason: None,
        }
    }

    #[test]
    fn each_agent_state_has_its_attention() {
        assert_eq!(facts(&Complete).attention(CLOCK), Attention::Complete);
        assert_eq!(facts(&Blocked).attention(CLOCK), Attention::Blocked);
        assert_eq!(facts(&InProgress).attention(CLOCK), Attention::Running);
        assert_eq!(facts(&NotStarted).attention(CLOCK), Attention::NotStarted);
        assert_eq!(facts(&Pending).attention(CLOCK), Attention::NotStarted);
        let waiting = AgentFacts {
            waiting_for_others: true,
            ..facts(&Pending)
        };
        assert_eq!(waiting.attention(CLOCK), Attention::Waiting);
        // A blocked agent is blocked, whatever it waits for: the two are never mixed up.
        let blocked_and_waiting = AgentFacts {
            waiting_for_others: true,
            ..facts(&Blocked)
        };
        assert_eq!(blocked_and_waiting.attention(CLOCK), Attention::Blocked);
        let asking = AgentFacts {
            needs_input: true,
            ..facts(&Complete)
        };
        assert_eq!(asking.attention(CLOCK), Attention::NeedsInput);
    }

    #[test]
    fn a_running_agent_goes_stale_when_quiet_for_too_long() {
        let quiet = AgentFacts {
            last_activity_ms: CLOCK.now_ms - 30 * MINUTE,
            ..facts(&InProgress)
        };
        assert_eq!(quiet.attention(CLOCK), Attention::Stale);
        let almost = AgentFacts {
            last_activity_ms: CLOCK.now_ms - 30 * MINUTE + 1,
            ..facts(&InProgress)
        };
        assert_eq!(almost.attention(CLOCK), Attention::Running);
        assert_eq!(almost.changes_at(CLOCK), Some(CLOCK.now_ms + 1));
        // Only running agents go stale.
        let idle = AgentFacts {
            last_activity_ms: 0,
            ..facts(&NotStarted)
        };
        assert_eq!(idle.attention(CLOCK), Attention::NotStarted);
        assert_eq!(idle.changes_at(CLOCK), None);
    }

    #[test]
    fn a_session_takes_its_most_urgent_agents_attention_and_reason() {
        let (running, blocked, complete) = (InProgress, Blocked, Complete);
        let agents = [
            facts(&complete),
            AgentFacts {
                agent_id: "agent-2",
                reason: Some(" "),
                ..facts(&blocked)
            },
            AgentFacts {
                agent_id: "agent-3",
                reason: Some("needs the staging database credentials"),
                last_activity_ms: 5,
                ..facts(&blocked)
            },
            AgentFacts {
                last_activity_ms: CLOCK.now_ms,
                ..facts(&running)
            },
        ];
        let assessment = assess(agents, Attention::NotStarted, 1, CLOCK);
        assert_eq!(
            assessment.agents,
            [
                Attention::Complete,
                Attention::Blocked,
                Attention::Blocked,
                Attention::Running
            ]
        );
        let session = &assessment.session;
        assert_eq!(session.attention, Attention::Blocked);
        assert_eq!(
            session.attention_reason,
            Some(AttentionReason {
                agent_id: "agent-3".into(),
                text: "needs the staging database credentials".into()
            })
        );
        assert_eq!(session.last_activity_ms, CLOCK.now_ms);
        assert_eq!(
            session.attention_counts.present().collect::<Vec<_>>(),
            [
                (Attention::Blocked, 2),
                (Attention::Running, 1),
                (Attention::Complete, 1)
            ]
        );
        assert_eq!(assessment.changes_at, Some(CLOCK.now_ms + CLOCK.after_ms));
    }

    #[test]
    fn a_session_without_agents_keeps_its_own_state() {
        let assessment = assess([], Attention::Complete, 42, CLOCK);
        assert_eq!(assessment.session.attention, Attention::Complete);
        assert_eq!(assessment.session.last_activity_ms, 42);
        assert_eq!(assessment.session.attention_counts.total(), 0);
    }

    #[test]
    fn the_order_is_most_urgent_first_and_names_round_trip() {
        let mut sorted = Attention::ALL;
        sorted.sort();
        assert_eq!(sorted, Attention::ALL);
        for attention in Attention::ALL {
            assert_eq!(Attention::parse(attention.as_str()), Some(attention));
            let json = serde_json::to_string(&attention).unwrap();
            assert_eq!(json, format!("\"{attention}\""));
        }
        assert_eq!(Attention::NeedsInput.count_label(2), "2 need input");
        let counts = AttentionCounts {
            blocked: 2,
            ..Default::default()
        };
        let json = serde_json::to_string(&counts).unwrap();
        assert_eq!(json, r#"{"blocked":2}"#);
        assert_eq!(
            serde_json::from_str::<AttentionCounts>(&json).unwrap(),
            counts
        );
        assert_eq!(Attention::Stale.count_label(3), "3 stale");
    }
}
