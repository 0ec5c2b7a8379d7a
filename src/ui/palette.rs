//! The command palette (Ctrl+K / ⌘K): a dialog named "Command palette" whose combobox narrows
//! a listbox of sessions, tabs and actions as you type; ↑/↓ move, Enter runs, Escape closes.
//! `?` opens the list of keyboard shortcuts. Both are focus-trapped [`Modal`]s and give focus
//! back to where it was. They need JavaScript: without it the page has no shortcuts to offer.

use crate::domain::format::encode_query_value;
use crate::server_fns::create::{list_stubs, start_session_from_stub};
use crate::server_fns::sessions::{list_sessions, rescan_sessions};
use crate::ui::app::use_hydrated;
use crate::ui::components::Modal;
use crate::ui::hooks::focus::return_focus;
use crate::ui::model::palette::{matching, palette_items, Command, PaletteSources, SHORTCUTS};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Palette,
    Shortcuts,
}

#[component]
pub fn CommandPalette() -> impl IntoView {
    let open = RwSignal::new(Open::None);
    let hydrated = use_hydrated();
    use_palette_keys(open);
    view! {
        <button
            type="button"
            class="palette-trigger button-small button-quiet"
            aria-keyshortcuts="Control+K Meta+K"
            hidden=move || !hydrated.get()
            on:click=move |_| open.set(Open::Palette)
        >
            "Commands " <kbd>"Ctrl K"</kbd>
        </button>
        {move || match open.get() {
            Open::Palette => view! { <PaletteDialog open /> }.into_any(),
            Open::Shortcuts => view! { <ShortcutsDialog open /> }.into_any(),
            Open::None => ().into_any(),
        }}
    }
}

/// Ctrl+K / ⌘K anywhere toggles the palette; `?` outside a text field shows the shortcuts.
fn use_palette_keys(open: RwSignal<Open>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let key = ev.key();
            if (ev.ctrl_key() || ev.meta_key()) && key.eq_ignore_ascii_case("k") {
                ev.prevent_default();
                open.update(|o| {
                    *o = if *o == Open::Palette {
                        Open::None
                    } else {
                        Open::Palette
                    }
                });
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.has_attribute("contenteditable")
                });
            if key == "?" && !typing && open.get_untracked() == Open::None {
                ev.prevent_default();
                open.set(Open::Shortcuts);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = open;
}

#[component]
fn PaletteDialog(open: RwSignal<Open>) -> impl IntoView {
    let navigate = use_navigate();
    let query_map = use_query_map();
    let opener = remember_focus();
    let typed = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let failed = RwSignal::new(None::<String>);
    let sessions = Resource::new(|| (), |_| list_sessions(false));
    let stubs = Resource::new(|| (), |_| list_stubs());
    let open_session =
        Memo::new(move |_| query_map.read().get("session").filter(|s| !s.is_empty()));

    let items = Memo::new(move |_| {
        let sessions: Vec<(String, String)> = sessions
            .get()
            .and_then(Result::ok)
            .map(|answer| {
                answer
                    .list
                    .sessions
                    .iter()
                    .map(|s| (s.id.clone(), s.feature_name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let stubs: Vec<(String, String)> = stubs
            .get()
            .and_then(Result::ok)
            .map(|list| {
                list.stubs
                    .into_iter()
                    .filter_map(|entry| {
                        entry
                            .stub
                            .ok()
                            .map(|stub| (entry.folder, stub.feature_name))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let current = open_session.get();
        // An open session that is not among the active ones is archived.
        let open = current
            .as_deref()
            .map(|id| (id, !sessions.iter().any(|(s, _)| s == id)));
        palette_items(&PaletteSources {
            sessions: &sessions,
            stubs: &stubs,
            open_session: open,
        })
    });
    let shown = Memo::new(move |_| {
        let query = typed.get();
        items.with(|items| {
            matching(items, &query)
                .into_iter()
                .map(|at| items[at].clone())
                .collect::<Vec<_>>()
        })
    });
    let option_id = |at: usize| format!("palette-option-{at}");

    let close = Callback::new(move |()| {
        open.set(Open::None);
        return_focus(opener.try_get_value().flatten());
    });
    let run = move |command: Command| {
        let quietly = NavigateOptions {
            scroll: false,
            ..Default::default()
        };
        match command {
            Command::OpenSession(id) => {
                open.set(Open::None);
                navigate(&crate::ui::monitor::session_href(&id), quietly);
            }
            Command::GoToTab(slug) => {
                open.set(Open::None);
                navigate(&format!("/sessions?tab={slug}"), quietly);
            }
            Command::ArchiveSession(id) => {
                open.set(Open::None);
                navigate(
                    &format!("{}&confirm=archive", crate::ui::monitor::session_href(&id)),
                    quietly,
                );
            }
            Command::Refresh => {
                open.set(Open::None);
                return_focus(opener.try_get_value().flatten());
                leptos::task::spawn_local(async move {
                    let _ = rescan_sessions().await;
                });
            }
            Command::ShowShortcuts => open.set(Open::Shortcuts),
            Command::StartFromStub(folder) => {
                let navigate = navigate.clone();
                leptos::task::spawn_local(async move {
                    match start_session_from_stub(folder).await {
                        Ok(generated) => {
                            open.set(Open::None);
                            navigate(
                                &format!(
                                    "/sessions?tab=monitor&session={}",
                                    encode_query_value(&generated.session_id)
                                ),
                                Default::default(),
                            );
                        }
                        Err(err) => failed.set(Some(err.to_string())),
                    }
                });
            }
        }
    };
    let run_active = {
        let run = run.clone();
        move || {
            let chosen = shown.with_untracked(|s| s.get(active.get_untracked()).cloned());
            if let Some(item) = chosen {
                run(item.command);
            }
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let count = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                ev.prevent_default();
                run_active();
            }
            _ => {}
        }
        scroll_active_into_view(&option_id(active.get_untracked()));
    };

    view! {
        <Modal labelled_by="palette-title" on_close=close class="palette-dialog">
            <h2 id="palette-title" class="visually-hidden">"Command palette"</h2>
            <input
                type="text"
                role="combobox"
                class="palette-input"
                aria-label="Go to a session, a tab or an action"
                aria-expanded="true"
                aria-controls="palette-options"
                aria-autocomplete="list"
                aria-activedescendant=move || {
                    shown.with(|s| (!s.is_empty()).then(|| option_id(active.get())))
                }
                autocomplete="off"
                spellcheck="false"
                placeholder="Type a session, a tab or an action…"
                data-autofocus
                prop:value=move || typed.get()
                on:input:target=move |ev| {
                    typed.set(ev.target().value());
                    active.set(0);
                }
                on:keydown=on_keydown
            />
            {move || failed.get().map(|message| view! {
                <p class="notice notice--warn" role="alert">{message}</p>
            })}
            <ul role="listbox" id="palette-options" class="palette-options" aria-label="Results">
                {move || {
                    let run = run.clone();
                    shown
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(at, item)| {
                            let run = run.clone();
                            let command = item.command.clone();
                            view! {
                                <li
                                    role="option"
                                    id=option_id(at)
                                    class="palette-option"
                                    aria-selected=move || if active.get() == at { "true" } else { "false" }
                                    on:mousemove=move |_| active.set(at)
                                    on:click=move |_| run(command.clone())
                                >
                                    <span class="palette-option__label">{item.label.clone()}</span>
                                    <span class="palette-option__group">{item.group}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="palette-count" role="status">
                {move || match shown.with(Vec::len) {
                    0 => "Nothing matches.".to_owned(),
                    1 => "1 result".to_owned(),
                    n => format!("{n} results"),
                }}
            </p>
        </Modal>
    }
}

#[component]
fn ShortcutsDialog(open: RwSignal<Open>) -> impl IntoView {
    let opener = remember_focus();
    let close = Callback::new(move |()| {
        open.set(Open::None);
        return_focus(opener.try_get_value().flatten());
    });
    view! {
        <Modal labelled_by="shortcuts-title" on_close=close class="shortcuts-dialog">
            <header class="output-dialog__head">
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <button type="button" data-autofocus on:click=move |_| close.run(())>"Close"</button>
            </header>
            <table class="shortcuts">
                <thead><tr><th scope="col">"Keys"</th><th scope="col">"What they do"</th></tr></thead>
                <tbody>
                    {SHORTCUTS.iter().map(|(keys, what)| view! {
                        <tr><td><kbd>{*keys}</kbd></td><td>{*what}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Modal>
    }
}

/// The element that had focus when a dialog opened, to give it back on close.
fn remember_focus() -> StoredValue<Option<String>, LocalStorage> {
    #[cfg(feature = "hydrate")]
    {
        let id = document()
            .active_element()
            .map(|el| el.id())
            .filter(|id| !id.is_empty());
        StoredValue::new_local(id)
    }
    #[cfg(not(feature = "hydrate"))]
    StoredValue::new_local(None)
}

fn scroll_active_into_view(id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = document().get_element_by_id(id) {
        el.scroll_into_view_with_bool(false);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
