//! WAI-ARIA tabs (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/) whose tabs are links.
//!
//! Each tab is an `<a href="?tab=…">`: without JavaScript it is a plain link the server renders;
//! hydrated, the router turns the click into a history push without a reload. Keyboard: arrow
//! keys, Home and End move to a tab and select it (automatic activation), with a roving tabindex
//! once hydrated (before that every tab stays reachable by Tab).

use super::app::use_hydrated;
use super::hub::Tab;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn TabList(selected: Memo<Tab>) -> impl IntoView {
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let refs: Vec<(Tab, NodeRef<html::A>)> =
        Tab::ALL.iter().map(|tab| (*tab, NodeRef::new())).collect();
    let refs = StoredValue::new(refs);

    let on_keydown = move |ev: KeyboardEvent| {
        let current = selected.get_untracked();
        let target = match ev.key().as_str() {
            "ArrowRight" => current.step(1),
            "ArrowLeft" => current.step(-1),
            "Home" => Tab::ALL[0],
            "End" => Tab::ALL[Tab::ALL.len() - 1],
            _ => return,
        };
        ev.prevent_default();
        navigate(&target.href(), Default::default());
        refs.with_value(|refs| {
            if let Some(anchor) = refs
                .iter()
                .find(|(tab, _)| *tab == target)
                .and_then(|(_, node)| node.get())
            {
                let _ = anchor.focus();
            }
        });
    };

    let tabs = refs.with_value(|refs| {
        refs.iter()
            .map(|(tab, node)| {
                let tab = *tab;
                let is_selected = move || selected.get() == tab;
                view! {
                    <a
                        node_ref=*node
                        role="tab"
                        id=tab.tab_id()
                        href=tab.href()
                        class="hub-tab"
                        aria-controls=tab.panel_id()
                        aria-selected=move || is_selected().to_string()
                        tabindex=move || if is_selected() || !hydrated.get() { "0" } else { "-1" }
                    >
                        {tab.label()}
                    </a>
                }
            })
            .collect_view()
    });

    view! {
        <div role="tablist" aria-label="Hub sections" class="hub-tabs" on:keydown=on_keydown>
            {tabs}
        </div>
    }
}

/// The panel of `tab`. Only the selected panel renders its content; the other stays in the
/// document, empty and hidden, so every tab's `aria-controls` points at an element.
#[component]
pub fn TabPanel(tab: Tab, selected: Memo<Tab>, children: ChildrenFn) -> impl IntoView {
    let is_selected = move || selected.get() == tab;
    view! {
        <section
            role="tabpanel"
            id=tab.panel_id()
            aria-labelledby=tab.tab_id()
            class="hub-panel"
            tabindex="0"
            hidden=move || !is_selected()
        >
            <Show when=is_selected>{children()}</Show>
        </section>
    }
}
