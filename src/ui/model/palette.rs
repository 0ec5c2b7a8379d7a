//! The command palette's items and how typing narrows them (pure, unit-tested natively).

/// What choosing an item does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    OpenSession(String),
    /// A tab, by its `?tab=` value.
    GoToTab(&'static str),
    /// Re-read the sessions folder now.
    Refresh,
    /// Open the archive confirmation of this session.
    ArchiveSession(String),
    /// "Start Session" on the stub of this folder.
    StartFromStub(String),
    ShowShortcuts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaletteItem {
    pub label: String,
    /// "Session", "Tab", "Action": said after the label.
    pub group: &'static str,
    pub command: Command,
}

/// What the palette can reach right now.
pub struct PaletteSources<'a> {
    /// `(id, feature name)` of every active session.
    pub sessions: &'a [(String, String)],
    /// `(folder, feature name)` of every usable stub.
    pub stubs: &'a [(String, String)],
    /// The session open on the page, if any (and whether it is archived).
    pub open_session: Option<(&'a str, bool)>,
}

/// Actions first (few, and what a keyboard user reaches for), then tabs, then sessions.
pub fn palette_items(sources: &PaletteSources) -> Vec<PaletteItem> {
    let action = |label: String, command| PaletteItem {
        label,
        group: "Action",
        command,
    };
    let mut items = vec![action("Refresh the sessions".to_owned(), Command::Refresh)];
    if let Some((id, false)) = sources.open_session {
        items.push(action(
            "Archive this session".to_owned(),
            Command::ArchiveSession(id.to_owned()),
        ));
    }
    items.extend(sources.stubs.iter().map(|(folder, name)| {
        action(
            format!("Start a session from the stub {name}"),
            Command::StartFromStub(folder.clone()),
        )
    }));
    items.push(action(
        "Show the keyboard shortcuts".to_owned(),
        Command::ShowShortcuts,
    ));
    for (slug, label) in [
        ("create", "Create Session"),
        ("monitor", "Monitor Sessions"),
    ] {
        items.push(PaletteItem {
            label: format!("Go to {label}"),
            group: "Tab",
            command: Command::GoToTab(slug),
        });
    }
    items.extend(sources.sessions.iter().map(|(id, name)| PaletteItem {
        label: format!("{name} ({id})"),
        group: "Session",
        command: Command::OpenSession(id.clone()),
    }));
    items
}

/// Indices of the items every word of `query` is found in (label or group, any case): those
/// whose label starts with the query first, then in their own order.
pub fn matching(items: &[PaletteItem], query: &str) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut found: Vec<(bool, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(at, item)| {
            let haystack = format!("{} {}", item.label, item.group).to_lowercase();
            words
                .iter()
                .all(|word| haystack.contains(word))
                .then(|| (!item.label.to_lowercase().starts_with(&query), at))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, at)| at).collect()
}

/// The shortcuts `?` lists: keys, and what they do.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+K or ⌘K", "Open the command palette"),
    ("?", "Show these shortcuts"),
    ("/", "Search the sessions (Monitor tab)"),
    ("j / k", "Next / previous session in the list"),
    ("Enter", "Open the focused session"),
    (
        "↑ / ↓, Enter",
        "Move through the palette's results and run one",
    ),
    ("Escape", "Close a dialog"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<PaletteItem> {
        palette_items(&PaletteSources {
            sessions: &[
                ("auth-1".into(), "Auth refactor".into()),
                ("docs-2".into(), "Docs pipeline".into()),
            ],
            stubs: &[("rate".into(), "Rate limits".into())],
            open_session: Some(("auth-1", false)),
        })
    }

    fn labels(items: &[PaletteItem], query: &str) -> Vec<String> {
        matching(items, query)
            .into_iter()
            .map(|at| items[at].label.clone())
            .collect()
    }

    #[test]
    fn typing_narrows_to_sessions_tabs_and_actions() {
        let items = items();
        assert_eq!(labels(&items, "docs"), ["Docs pipeline (docs-2)"]);
        assert_eq!(labels(&items, "AUTH refactor"), ["Auth refactor (auth-1)"]);
        assert_eq!(labels(&items, "go mon"), ["Go to Monitor Sessions"]);
        assert_eq!(labels(&items, "archive"), ["Archive this session"]);
        assert_eq!(
            labels(&items, "stub rate"),
            ["Start a session from the stub Rate limits"]
        );
        assert!(labels(&items, "zebra").is_empty());
        assert_eq!(matching(&items, "").len(), items.len());
        // Labels that start with the query come first, then the others in their order.
        assert_eq!(
            labels(&items, "a")[..3],
            [
                "Archive this session",
                "Auth refactor (auth-1)",
                "Refresh the sessions"
            ]
        );
    }

    #[test]
    fn an_archived_or_absent_session_offers_no_archive() {
        let none = palette_items(&PaletteSources {
            sessions: &[],
            stubs: &[],
            open_session: Some(("auth-1", true)),
        });
        assert!(none
            .iter()
            .all(|i| !matches!(i.command, Command::ArchiveSession(_))));
    }
}
