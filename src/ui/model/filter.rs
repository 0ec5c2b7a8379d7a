//! Search and status filtering of the session list (pure, so the server render and the browser
//! agree on what is shown).

use crate::domain::{InvalidSession, SessionStatus, SessionSummary};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusFilter {
    All,
    Only(SessionStatus),
    Unreadable,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [
        Self::All,
        Self::Only(SessionStatus::NotStarted),
        Self::Only(SessionStatus::InProgress),
        Self::Only(SessionStatus::Complete),
        Self::Unreadable,
    ];

    /// `?status=` value; anything unknown means all.
    pub fn from_query(raw: Option<&str>) -> Self {
        match raw {
            Some("unreadable") => Self::Unreadable,
            Some(raw) => SessionStatus::parse_explicit(raw).map_or(Self::All, Self::Only),
            None => Self::All,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Only(status) => status.as_str(),
            Self::Unreadable => "unreadable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All statuses",
            Self::Only(status) => status.label(),
            Self::Unreadable => "Unreadable",
        }
    }

    pub fn count(self, sessions: &[SessionSummary], invalid: &[InvalidSession]) -> usize {
        match self {
            Self::All => sessions.len() + invalid.len(),
            Self::Only(status) => sessions.iter().filter(|s| s.status == status).count(),
            Self::Unreadable => invalid.len(),
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

pub fn filter_sessions<'a>(
    sessions: &'a [SessionSummary],
    query: &str,
    status: StatusFilter,
) -> Vec<&'a SessionSummary> {
    sessions
        .iter()
        .filter(|s| match status {
            StatusFilter::All => true,
            StatusFilter::Only(wanted) => s.status == wanted,
            StatusFilter::Unreadable => false,
        })
        .filter(|s| matches_search(s, query))
        .collect()
}

pub fn filter_invalid<'a>(
    invalid: &'a [InvalidSession],
    query: &str,
    status: StatusFilter,
) -> Vec<&'a InvalidSession> {
    if !matches!(status, StatusFilter::All | StatusFilter::Unreadable) {
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
    use crate::domain::{Aggregation, StatusSource};

    fn session(id: &str, name: &str, status: SessionStatus) -> SessionSummary {
        SessionSummary {
            id: id.into(),
            workorder_id: None,
            feature_name: name.into(),
            description: "Refactor the Auth module".into(),
            status,
            status_source: StatusSource::Calculated,
            created: None,
            created_ms: 0,
            updated_ms: 0,
            total_agents: 0,
            completed_agents: 0,
            aggregation: Aggregation::default(),
            open_questions: 0,
            version: 0,
            warnings: vec![],
            stale: false,
            stale_error: None,
        }
    }

    #[test]
    fn search_matches_every_word_anywhere_ignoring_case() {
        let s = session("WO-1", "Login form", SessionStatus::InProgress);
        assert!(matches_search(&s, ""));
        assert!(matches_search(&s, "login AUTH"));
        assert!(matches_search(&s, "wo-1"));
        assert!(!matches_search(&s, "login payments"));
    }

    #[test]
    fn status_filter_and_counts() {
        let sessions = vec![
            session("a", "A", SessionStatus::InProgress),
            session("b", "B", SessionStatus::Complete),
            session("c", "C", SessionStatus::InProgress),
        ];
        let invalid = vec![InvalidSession {
            id: "x".into(),
            error: "bad json".into(),
            updated_ms: 0,
        }];
        let in_progress = StatusFilter::Only(SessionStatus::InProgress);
        assert_eq!(filter_sessions(&sessions, "", in_progress).len(), 2);
        assert_eq!(in_progress.count(&sessions, &invalid), 2);
        assert_eq!(StatusFilter::All.count(&sessions, &invalid), 4);
        assert!(filter_sessions(&sessions, "", StatusFilter::Unreadable).is_empty());
        assert_eq!(
            filter_invalid(&invalid, "json", StatusFilter::Unreadable).len(),
            1
        );
        assert!(filter_invalid(&invalid, "", in_progress).is_empty());
    }

    #[test]
    fn filter_query_round_trips() {
        for filter in StatusFilter::ALL {
            assert_eq!(StatusFilter::from_query(Some(filter.slug())), filter);
        }
        assert_eq!(StatusFilter::from_query(Some("created")), StatusFilter::All);
    }
}
