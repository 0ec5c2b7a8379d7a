//! The hub's icons: small SVG line drawings that take the text colour. Text glyphs (✓ ◐ ⊘)
//! render differently, or as empty boxes, depending on the fonts a machine has; these do not.
//! Always beside words that say the same, so they are hidden from assistive technology.

use crate::domain::attention::Attention;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    NeedsInput,
    Blocked,
    Stale,
    Running,
    Waiting,
    NotStarted,
    Complete,
    Warning,
    Live,
    Offline,
    Polling,
    Bell,
    /// An arrow down and to the right: "continues the row above".
    Continues,
}

impl IconName {
    pub fn of(attention: Attention) -> Self {
        match attention {
            Attention::NeedsInput => Self::NeedsInput,
            Attention::Blocked => Self::Blocked,
            Attention::Stale => Self::Stale,
            Attention::Running => Self::Running,
            Attention::Waiting => Self::Waiting,
            Attention::NotStarted => Self::NotStarted,
            Attention::Complete => Self::Complete,
        }
    }

    /// Path data on a 24 × 24 grid, stroked.
    pub fn paths(self) -> &'static [&'static str] {
        const CIRCLE: &str = "M21 12a9 9 0 1 1-18 0a9 9 0 1 1 18 0";
        match self {
            Self::NeedsInput => &[
                CIRCLE,
                "M9.5 9.5a2.5 2.5 0 1 1 3.6 2.2c-.7.4-1.1 1-1.1 1.8v.5",
                "M12 17.2v.1",
            ],
            Self::Blocked => &[CIRCLE, "M5.7 5.7l12.6 12.6"],
            Self::Stale => &[CIRCLE, "M12 7v5l3.5 2"],
            Self::Running => &[CIRCLE, "M10 8.5v7l6-3.5z"],
            Self::Waiting => &["M7 3h10M7 21h10", "M8 3v3l4 6-4 6v3M16 3v3l-4 6 4 6v3"],
            Self::NotStarted => &["M21 12a9 9 0 1 1-18 0a9 9 0 1 1 18 0"],
            Self::Complete => &[CIRCLE, "M8 12.5l2.7 2.7L16.5 9.5"],
            Self::Warning => &["M12 3.5l9.5 16.5h-19z", "M12 10v4.5", "M12 17.3v.1"],
            Self::Live => &["M12 7a5 5 0 1 1 0 10a5 5 0 1 1 0-10"],
            Self::Offline => &[CIRCLE, "M9 9l6 6M15 9l-6 6"],
            Self::Polling => &[
                "M19.5 10a8 8 0 0 0-14.6-2.5M4.5 4v4h4",
                "M4.5 14a8 8 0 0 0 14.6 2.5M19.5 20v-4h-4",
            ],
            Self::Bell => &[
                "M6 16v-5a6 6 0 0 1 12 0v5l1.5 2h-15z",
                "M10 20.5a2 2 0 0 0 4 0",
            ],
            Self::Continues => &["M6 4v9a3 3 0 0 0 3 3h10", "M15 12l4 4-4 4"],
        }
    }

    fn modifier(self) -> &'static str {
        match self {
            Self::NotStarted => " icon--dashed",
            Self::Live => " icon--filled",
            _ => "",
        }
    }
}

#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    view! {
        <svg class=format!("icon{}", name.modifier()) viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            {name.paths().iter().map(|d| view! { <path d=*d /> }).collect_view()}
        </svg>
    }
}

/// An attention state as an icon and its words, in its colour.
#[component]
pub fn AttentionBadge(attention: Attention) -> impl IntoView {
    view! {
        <span class=format!("attention attention--{}", attention.as_str())>
            <Icon name=IconName::of(attention) />
            {attention.label()}
        </span>
    }
}
