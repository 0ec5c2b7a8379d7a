//! Search, attention filter and order of the session list (pure, so the server render and the
//! browser agree on what is shown).

use crate::domain::attention::Attention;
use crate::domain::{InvalidSession, SessionSummary};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusFilter {
    All,
    /// Needs input, blocked or stale: a person should act.
    NeedsAttention,
    Only(Attention),
    Unreadable,
    /// The archived sessions: a list of their own, fetched when chosen.
    Archived,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 11] = [
        Self::All,
        Self::NeedsAttention,
        Self::Only(Attention::NeedsInput),
        Self::Only(Attention::Blocked),
        Self::Only(Attention::Stale),
        Self::Only(Attention::Running),
        Self::Only(Attention::Waiting),
        Self::Only(Attention::NotStarted),
        Self::Only(Attention::Complete),
        Self::Unreadable,
        Self::Archived,
    ];

    /// `?status=` value; anything unknown means all.
    pub fn from_query(raw: Option<&str>) -> Self {
        match raw {
            Some("unreadable") => Self::Unreadable,
            Some("archived") => Self::Archived,
            Some("needs_attention") => Self::NeedsAttention,
            Some(raw) => Attention::parse(raw).map_or(Self::All, Self::Only),
            None => Self::All,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::NeedsAttention => "needs_attention",
            Self::Only(attention) => attention.as_str(),
            Self::Unreadable => "unreadable",
            Self::Archived => "archived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All sessions",
            Self::NeedsAttention => "Needs attention",
            Self::Only(attention) => attention.label(),
            Self::Unreadable => "Unreadable",
            Self::Archived => "Archived",
        }
    }

    /// The list to show it from is the archived one, not the active one.
    pub fn wants_archived(self) -> bool {
        self == Self::Archived
    }

    fn keeps(self, session: &SessionSummary) -> bool {
        let attention = session.attention.attention;
        match self {
            Self::All | Self::Archived => true,
            Self::NeedsAttention => attention.needs_a_person(),
            Self::Only(wanted) => attention == wanted,
            Self::Unreadable => false,
        }
    }

    fn keeps_invalid(self) -> bool {
        matches!(self, Self::All | Self::Unreadable | Self::Archived)
    }

    /// The option's label with its count: counted in `list` where it is the list the filter
    /// applies to, `None` where it is not (the other list is shown).
    pub fn counted_label(self, list: &crate::domain::SessionList) -> String {
        if self.wants_archived() {
            return format!("{} ({})", self.label(), list.archived_count);
        }
        if list.archived {
            return self.label().to_owned();
        }
        format!(
            "{} ({})",
            self.label(),
            self.count(&list.sessions, &list.invalid)
        )
    }

    pub fn count(self, sessions: &[SessionSummary], invalid: &[InvalidSession]) -> usize {
        let readable = sessions.iter().filter(|s| self.keeps(s)).count();
        readable
            + if self.keeps_invalid() {
                invalid.len()
            } else {
                0
            }
    }
}

/// The list's order: `?sort=newest`, else most urgent first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortOrder {
    #[default]
    Attention,
    Newest,
    /// The sessions that cost the most first (from the agents' reported usage).
    Cost,
}

impl SortOrder {
    pub const ALL: [SortOrder; 3] = [Self::Attention, Self::Newest, Self::Cost];

    pub fn from_query(raw: Option<&str>) -> Self {
        match raw {
            Some("newest") => Self::Newest,
            Some("cost") => Self::Cost,
            _ => Self::Attention,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Attention => "attention",
            Self::Newest => "newest",
            Self::Cost => "cost",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Attention => "Needs attention first",
            Self::Newest => "Newest first",
            Self::Cost => "Highest cost first",
        }
    }
}

/// Case-insensitive match of every word of `query` against the session's visible text.
pub fn matches_search(session: &SessionSummary, query: &str) -> bool {
    let haystack = format!(
        "{} {} {} {}",
        session.feature_name,
        session.id,
        session.description,
        session.workorder_id.as_deref().unwrap_or_default()
    )
    .to_lowercase();
    words(query).all(|word| haystack.contains(&word))
}

pub fn invalid_matches_search(session: &InvalidSession, query: &str) -> bool {
    let haystack = format!("{} {}", session.id, session.error).to_lowercase();
    words(query).all(|word| haystack.contains(&word))
}

fn words(query: &str) -> impl Iterator<Item = String> + '_ {
    query.split_whitespace().map(str::to_lowercase)
}

/// The sessions to show, in `order`.
pub fn filter_sessions<'a>(
    sessions: &'a [SessionSummary],
    query: &str,
    status: StatusFilter,
    order: SortOrder,
) -> Vec<&'a SessionSummary> {
    let mut shown: Vec<&SessionSummary> = sessions
        .iter()
        .filter(|s| status.keeps(s))
        .filter(|s| matches_search(s, query))
        .collect();
    match order {
        SortOrder::Attention => shown.sort_by(|a, b| SessionSummary::attention_first(a, b)),
        SortOrder::Newest => shown.sort_by(|a, b| SessionSummary::newest_first(a, b)),
        SortOrder::Cost => shown.sort_by(|a, b| SessionSummary::costliest_first(a, b)),
    }
    shown
}

pub fn filter_invalid<'a>(
    invalid: &'a [InvalidSession],
    query: &str,
    status: StatusFilter,
) -> Vec<&'a InvalidSession> {
    if !status.keeps_invalid() {
        return Vec::new();
    }
    invalid
        .iter()
        .filter(|s| invalid_matches_search(s, query))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attention::SessionAttention;
    use crate::domain::{Aggregation, SessionStatus, StatusSource};

    fn session(id: &str, attention: Attention, active_ms: i64) -> SessionSummary {
        SessionSummary {
            id: id.into(),
            workorder_id: None,
            feature_name: format!("Login form {id}"),
            description: "Refactor the Auth module".into(),
            status: SessionStatus::InProgress,
            status_source: StatusSource::Calculated,
            created: None,
            created_ms: active_ms,
            updated_ms: 0,
            total_agents: 0,
            completed_agents: 0,
            aggregation: Aggregation::default(),
            open_questions: 0,
            attention: SessionAttention {
                attention,
                last_activity_ms: active_ms,
                ..Default::default()
            },
            version: 0,
            warnings: vec![],
            stale: false,
            stale_error: None,
            archived: false,
            phase: None,
            previous_session: None,
            usage: None,
        }
    }

    fn ids(shown: Vec<&SessionSummary>) -> Vec<&str> {
        shown.into_iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn search_matches_every_word_anywhere_ignoring_case() {
        let s = session("WO-1", Attention::Running, 0);
        assert!(matches_search(&s, ""));
        assert!(matches_search(&s, "login AUTH"));
        assert!(matches_search(&s, "wo-1"));
        assert!(!matches_search(&s, "login payments"));
    }

    #[test]
    fn most_urgent_first_then_most_recently_active() {
        let sessions = vec![
            session("done", Attention::Complete, 9),
            session("old-running", Attention::Running, 1),
            session("blocked", Attention::Blocked, 0),
            session("new-running", Attention::Running, 5),
            session("asking", Attention::NeedsInput, 0),
        ];
        let all = StatusFilter::All;
        assert_eq!(
            ids(filter_sessions(&sessions, "", all, SortOrder::Attention)),
            ["asking", "blocked", "new-running", "old-running", "done"]
        );
        assert_eq!(
            ids(filter_sessions(&sessions, "", all, SortOrder::Newest)),
            ["done", "new-running", "old-running", "asking", "blocked"]
        );
    }

    #[test]
    fn the_costliest_sessions_first_and_those_without_a_cost_last() {
        let priced = |id: &str, usd: Option<f64>| SessionSummary {
            usage: usd.map(|cost_usd| crate::domain::usage::Usage {
                cost_usd,
                ..Default::default()
            }),
            ..session(id, Attention::Running, 0)
        };
        let sessions = vec![
            priced("none", None),
            priced("cheap", Some(0.1)),
            priced("dear", Some(12.5)),
            priced("free", Some(0.0)),
        ];
        assert_eq!(
            ids(filter_sessions(
                &sessions,
                "",
                StatusFilter::All,
                SortOrder::Cost
            )),
            ["dear", "cheap", "free", "none"]
        );
    }

    #[test]
    fn attention_filters_and_counts() {
        let sessions = vec![
            session("a", Attention::Running, 0),
            session("b", Attention::Stale, 0),
            session("c", Attention::Blocked, 0),
            session("d", Attention::Complete, 0),
        ];
        let invalid = vec![InvalidSession {
            id: "x".into(),
            error: "bad json".into(),
            updated_ms: 0,
            archived: false,
        }];
        let order = SortOrder::Attention;
        let needs = StatusFilter::NeedsAttention;
        assert_eq!(
            ids(filter_sessions(&sessions, "", needs, order)),
            ["c", "b"]
        );
        assert_eq!(needs.count(&sessions, &invalid), 2);
        let running = StatusFilter::Only(Attention::Running);
        assert_eq!(ids(filter_sessions(&sessions, "", running, order)), ["a"]);
        // "All" counts what it shows: the readable sessions and the unreadable ones.
        assert_eq!(StatusFilter::All.count(&sessions, &invalid), 5);
        assert!(filter_sessions(&sessions, "", StatusFilter::Unreadable, order).is_empty());
        assert_eq!(
            filter_invalid(&invalid, "json", StatusFilter::Unreadable).len(),
            1
        );
        assert!(filter_invalid(&invalid, "", needs).is_empty());
    }

    #[test]
    fn the_archived_filter_counts_the_archive_and_keeps_all_of_its_list() {
        let mut list = crate::domain::SessionList {
            sessions: vec![session("a", Attention::Running, 0)],
            archived_count: 3,
            ..Default::default()
        };
        assert_eq!(StatusFilter::Archived.counted_label(&list), "Archived (3)");
        assert_eq!(StatusFilter::All.counted_label(&list), "All sessions (1)");
        list.archived = true;
        assert_eq!(StatusFilter::All.counted_label(&list), "All sessions");
        let shown = filter_sessions(
            &list.sessions,
            "",
            StatusFilter::Archived,
            SortOrder::Newest,
        );
        assert_eq!(ids(shown), ["a"]);
        assert!(StatusFilter::Archived.wants_archived());
    }

    #[test]
    fn filter_and_order_queries_round_trip() {
        for filter in StatusFilter::ALL {
            assert_eq!(StatusFilter::from_query(Some(filter.slug())), filter);
        }
        assert_eq!(StatusFilter::from_query(Some("created")), StatusFilter::All);
        for order in SortOrder::ALL {
            assert_eq!(SortOrder::from_query(Some(order.slug())), order);
        }
    }
}
