//! `/sessions`: the tabbed hub. The selected tab lives in the URL (`?tab=`), so it deep-links,
//! survives reloads and moves with back/forward.

use super::components::{titled, PageTitle};
use super::create::provide_wizard;
use super::hooks::use_live_events;
use super::lazy::{create_tab, Deferred};
use super::monitor::MonitorTab;
use super::palette::CommandPalette;
use super::tabs::{TabList, TabPanel};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Create,
    Monitor,
}

impl Tab {
    pub const ALL: [Tab; 2] = [Tab::Create, Tab::Monitor];

    /// `?tab=` value; anything unknown (or nothing) is the Create tab.
    pub fn from_query(raw: Option<&str>) -> Self {
        match raw {
            Some("monitor") => Self::Monitor,
            _ => Self::Create,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Monitor => "monitor",
        }
    }

    /// The accessible name tests and users rely on.
    pub fn label(self) -> &'static str {
        match self {
            Self::Create => "Create Session",
            Self::Monitor => "Monitor Sessions",
        }
    }

    pub fn href(self) -> String {
        format!("/sessions?tab={}", self.slug())
    }

    pub fn tab_id(self) -> String {
        format!("tab-{}", self.slug())
    }

    pub fn panel_id(self) -> String {
        format!("panel-{}", self.slug())
    }

    /// The neighbour in `direction` (+1 / -1), wrapping around.
    pub fn step(self, direction: isize) -> Self {
        let index = Self::ALL.iter().position(|tab| *tab == self).unwrap_or(0) as isize;
        let len = Self::ALL.len() as isize;
        Self::ALL[(index + direction).rem_euclid(len) as usize]
    }
}

#[component]
pub fn SessionsHub() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| Tab::from_query(query.read().get("tab").as_deref()));
    // One push channel for the page, whichever tab is open.
    provide_context(use_live_events("/api/events"));
    // The wizard's draft lives here, above the tabs, so switching tabs keeps it.
    provide_wizard();

    view! {
        <PageTitle text=Signal::derive(move || titled(selected.get().label())) />
        <CommandPalette />
        <TabList selected />
        <TabPanel tab=Tab::Create selected>
            <Deferred part=create_tab />
        </TabPanel>
        <TabPanel tab=Tab::Monitor selected>
            <MonitorTab />
        </TabPanel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_or_missing_tab_falls_back_to_create() {
        assert_eq!(Tab::from_query(None), Tab::Create);
        assert_eq!(Tab::from_query(Some("bogus")), Tab::Create);
        assert_eq!(Tab::from_query(Some("monitor")), Tab::Monitor);
        assert_eq!(Tab::from_query(Some("create")), Tab::Create);
    }

    #[test]
    fn stepping_wraps_around() {
        assert_eq!(Tab::Create.step(1), Tab::Monitor);
        assert_eq!(Tab::Monitor.step(1), Tab::Create);
        assert_eq!(Tab::Create.step(-1), Tab::Monitor);
    }
}
