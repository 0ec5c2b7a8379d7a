//! Grouping the list by phase chain: each session that continues another (`previous_session`)
//! is shown right under it, so Phase 1, 2 and 3 of one piece of work read as one group.

use crate::domain::SessionSummary;
use std::collections::{HashMap, HashSet};

/// A row of the grouped list: the session and how many earlier phases of it are shown above.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainRow {
    pub session: SessionSummary,
    /// 0 for the first shown phase of a chain.
    pub depth: usize,
    /// The feature name of the phase it continues, when that one is shown above it.
    pub follows: Option<String>,
}

/// `shown` (already filtered and ordered) regrouped by chain. A chain takes the place of its
/// first member in `shown`, so the most urgent phase still decides where its group sits; inside
/// a group each phase follows the one it continues. Sessions whose previous phase is not shown
/// (filtered out, archived, or a hand-edited cycle) start a group of their own; nothing is lost
/// or shown twice.
pub fn group_chains(shown: &[SessionSummary]) -> Vec<ChainRow> {
    let position: HashMap<&str, usize> = shown
        .iter()
        .enumerate()
        .map(|(at, session)| (session.id.as_str(), at))
        .collect();
    let parent_of = |at: usize| {
        shown[at]
            .previous_session
            .as_deref()
            .and_then(|id| position.get(id).copied())
            .filter(|&parent| parent != at)
    };
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for at in 0..shown.len() {
        if let Some(parent) = parent_of(at) {
            children.entry(parent).or_default().push(at);
        }
    }

    let mut emitted = HashSet::new();
    let mut rows = Vec::with_capacity(shown.len());
    for at in 0..shown.len() {
        if emitted.contains(&at) {
            continue;
        }
        // Walk up to the chain's first shown phase; a cycle stops where it comes back.
        let mut root = at;
        let mut climbed = HashSet::from([at]);
        while let Some(parent) = parent_of(root) {
            if !climbed.insert(parent) || emitted.contains(&parent) {
                break;
            }
            root = parent;
        }
        let mut stack = vec![(root, 0usize, None::<String>)];
        while let Some((at, depth, follows)) = stack.pop() {
            if !emitted.insert(at) {
                continue;
            }
            let session = &shown[at];
            let next = children.get(&at).map(Vec::as_slice).unwrap_or_default();
            // Reversed so the first child (in the list's order) comes out first.
            for &child in next.iter().rev() {
                stack.push((child, depth + 1, Some(session.feature_name.clone())));
            }
            rows.push(ChainRow {
                session: session.clone(),
                depth,
                follows,
            });
        }
    }
    rows
}

/// Rows for the ungrouped list, in the order given.
pub fn flat_rows(shown: &[SessionSummary]) -> Vec<ChainRow> {
    shown
        .iter()
        .map(|session| ChainRow {
            session: session.clone(),
            depth: 0,
            follows: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, previous: Option<&str>) -> SessionSummary {
        SessionSummary {
            id: id.into(),
            feature_name: format!("Feature {id}"),
            previous_session: previous.map(Into::into),
            ..Default::default()
        }
    }

    fn shape(rows: &[ChainRow]) -> Vec<(String, usize)> {
        rows.iter()
            .map(|row| (row.session.id.clone(), row.depth))
            .collect()
    }

    fn pairs(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
        expected
            .iter()
            .map(|(id, d)| (id.to_string(), *d))
            .collect()
    }

    #[test]
    fn a_chain_sits_where_its_most_urgent_phase_is_in_phase_order() {
        // Phase 2 needs a person (first in the order); its Phase 1 is done (last).
        let shown = vec![
            session("p2", Some("p1")),
            session("other", None),
            session("p3", Some("p2")),
            session("p1", None),
        ];
        let rows = group_chains(&shown);
        assert_eq!(
            shape(&rows),
            pairs(&[("p1", 0), ("p2", 1), ("p3", 2), ("other", 0)])
        );
        assert_eq!(rows[1].follows.as_deref(), Some("Feature p1"));
        assert_eq!(rows[0].follows, None);
    }

    #[test]
    fn a_missing_previous_phase_starts_its_own_group() {
        let shown = vec![session("p2", Some("archived-p1")), session("x", None)];
        assert_eq!(shape(&group_chains(&shown)), pairs(&[("p2", 0), ("x", 0)]));
    }

    #[test]
    fn branches_keep_the_list_order_and_cycles_lose_nothing() {
        let shown = vec![
            session("b", Some("root")),
            session("a", Some("root")),
            session("root", None),
        ];
        assert_eq!(
            shape(&group_chains(&shown)),
            pairs(&[("root", 0), ("b", 1), ("a", 1)])
        );

        let cycle = vec![
            session("x", Some("y")),
            session("y", Some("x")),
            session("self", Some("self")),
        ];
        let rows = group_chains(&cycle);
        assert_eq!(rows.len(), 3);
        let mut ids: Vec<_> = rows.iter().map(|r| r.session.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["self", "x", "y"]);
    }

    #[test]
    fn flat_rows_keep_the_order_without_depth() {
        let shown = vec![session("p2", Some("p1")), session("p1", None)];
        assert_eq!(shape(&flat_rows(&shown)), pairs(&[("p2", 0), ("p1", 0)]));
    }
}
