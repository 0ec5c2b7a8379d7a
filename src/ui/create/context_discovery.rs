//! Context discovery: scans the project for the stub's description (on entering the step when
//! the description is new), shows progress with Cancel, then the files with their relevance,
//! type and matched keywords. Files at 90 or above come pre-selected.

use super::use_wizard;
use crate::domain::context::{ContextFile, DiscoveryResult, AUTO_SELECT_RELEVANCE};
use crate::domain::format::group_thousands;
use crate::ui::components::{FieldError, FieldMessage, Meter};
use crate::ui::hooks::{use_discovery, ScanState};
use crate::ui::model::wizard::{short_path, AttachmentSource, NewAttachment};
use leptos::prelude::*;

#[component]
pub fn ContextDiscovery() -> impl IntoView {
    let wizard = use_wizard();
    let discovery = use_discovery(Callback::new(
        move |(description, result): (String, DiscoveryResult)| {
            wizard
                .draft
                .try_update(|d| d.apply_discovery(&description, result));
        },
    ));
    let scan = move || {
        let description = wizard
            .draft
            .with_untracked(|d| d.request.stub.description.trim().to_owned());
        discovery.start.run(description);
    };
    // On entering the step (in the browser only: effects never run on the server).
    Effect::new(move |_| {
        if wizard.draft.with_untracked(|d| d.needs_discovery()) {
            scan();
        }
    });

    let running = move || matches!(discovery.state.get(), ScanState::Running { .. });
    view! {
        <section class="wizard-section" aria-labelledby="context-heading" aria-busy=move || running().to_string()>
            <h4 id="context-heading">"Context files"</h4>
            <p class="muted">
                "Project files that match the stub's description. Every agent gets the "
                "selected ones in its context package; files at " {AUTO_SELECT_RELEVANCE}
                " or above are selected for you."
            </p>
            <div class="discovery-status" role="status">
                {move || match discovery.state.get() {
                    ScanState::Running { scanned, cancelling, .. } => view! {
                        <p class="discovery-status__running">
                            <span class="spinner" aria-hidden="true"></span>
                            {if cancelling { "Stopping the scan…" } else { "Scanning the project…" }}
                            " " {group_thousands(scanned as u64)} " files looked at."
                        </p>
                    }
                    .into_any(),
                    ScanState::Failed(error) => view! {
                        <p class="field-error">"The scan failed: " {error}</p>
                    }
                    .into_any(),
                    ScanState::Idle => ().into_any(),
                }}
            </div>
            <div class="discovery-actions">
                <Show
                    when=running
                    fallback=move || view! {
                        <button type="button" class="button-secondary" on:click=move |_| scan()>
                            "Scan again"
                        </button>
                    }
                >
                    <button type="button" class="button-secondary" on:click=move |_| discovery.cancel.run(())>
                        "Cancel scan"
                    </button>
                </Show>
            </div>
            {move || wizard.draft.with(|d| d.discovery.clone()).map(|result| view! { <DiscoveryResults result /> })}
        </section>
    }
}

#[component]
fn DiscoveryResults(result: DiscoveryResult) -> impl IntoView {
    let wizard = use_wizard();
    let selected = move || wizard.draft.with(|d| d.request.context_files.len());
    let partial = result.partial.then(|| {
        view! {
            <p class="notice notice--warn">
                <strong>"Partial results: "</strong>
                "the scan stopped early (cancelled or out of time) after "
                {group_thousands(result.scanned_files as u64)}
                " files. Scan again to look further."
            </p>
        }
    });
    let keywords = result.keywords.join(", ");
    let stats = result
        .stats_by_type
        .iter()
        .map(|(kind, count)| view! { <li><span class="type-tag">{kind.clone()}</span>" " {*count}</li> })
        .collect_view();
    let shown = result.files.len();
    let summary = format!(
        "{} relevant of {} files looked at{} in {} ms.",
        group_thousands(result.matched_files as u64),
        group_thousands(result.scanned_files as u64),
        if result.matched_files > shown {
            format!(" (the {shown} most relevant shown)")
        } else {
            String::new()
        },
        result.elapsed_ms
    );
    let has_files = !result.files.is_empty();
    let total = result.files.len();
    let files = StoredValue::new(result.files);
    let filter = RwSignal::new(String::new());
    let limit = RwSignal::new(FIRST_SHOWN);
    // Most relevant first (the server's order); the filter matches paths, ignoring case.
    let matching = Memo::new(move |_| {
        let wanted = filter.get().trim().to_lowercase();
        files.with_value(|files| {
            files
                .iter()
                .filter(|f| wanted.is_empty() || f.path.to_lowercase().contains(&wanted))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let visible =
        move || matching.with(|m| m.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let hidden = move || matching.with(Vec::len).saturating_sub(limit.get());
    view! {
        {partial}
        <p class="discovery-summary">
            {summary} " " <strong>{move || format!("{} selected.", selected())}</strong>
        </p>
        <p class="discovery-keywords">"Keywords: " {if keywords.is_empty() { "none".to_owned() } else { keywords }}</p>
        <ul class="type-counts" aria-label="Relevant files by type">{stats}</ul>
        {if has_files {
            view! {
                <div class="discovery-actions discovery-picker">
                    <label class="field">
                        <span>"Filter files"</span>
                        <input type="search" placeholder="Part of a path" autocomplete="off"
                            prop:value=move || filter.get()
                            on:input:target=move |ev| filter.set(ev.target().value()) />
                    </label>
                    <label class="field">
                        <span>"Show"</span>
                        <select on:change:target=move |ev| limit.set(ev.target().value().parse().unwrap_or(usize::MAX))>
                            {SHOWN_CHOICES.into_iter().map(|n| {
                                let label = if n == usize::MAX { format!("All {total}") } else { format!("Top {n}") };
                                view! { <option value=n.to_string() selected=n == FIRST_SHOWN>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="button" on:click=move |_| wizard.draft.update(|d| d.select_all_context(true))>
                        "Select all"
                    </button>
                    <button type="button" on:click=move |_| wizard.draft.update(|d| d.select_all_context(false))>
                        "Select none"
                    </button>
                </div>
                <div class="table-scroll">
                    <table class="discovery-table">
                        <caption class="visually-hidden">"Context files found"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"File"</th>
                                <th scope="col">"Relevance"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Matched keywords"</th>
                                <th scope="col"><span class="visually-hidden">"Attach"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=visible key=|file| file.path.clone() let:file>
                                <ContextRow file />
                            </For>
                        </tbody>
                    </table>
                </div>
                <p class="muted" hidden=move || hidden() == 0>
                    {move || format!("{} more not shown: filter, or show more.", hidden())}
                </p>
                <p class="empty" hidden=move || matching.with(|m| !m.is_empty())>"No file matches this filter."</p>
            }
            .into_any()
        } else {
            view! { <p class="empty">"No file of the project mentions these keywords."</p> }.into_any()
        }}
    }
    .into_any()
}

/// How many files the table shows at first, and the other choices ("all" is `usize::MAX`).
const FIRST_SHOWN: usize = 25;
const SHOWN_CHOICES: [usize; 3] = [10, 25, usize::MAX];

#[component]
fn ContextRow(file: ContextFile) -> impl IntoView {
    let wizard = use_wizard();
    let id = format!(
        "context-{}",
        crate::domain::create::FieldErrors::dom_id(&file.path)
    );
    let path = file.path.clone();
    // Index in the selection: the field id of its message, if validation has one.
    let field = {
        let path = path.clone();
        Signal::derive(move || {
            wizard.draft.with(|d| {
                d.request
                    .context_files
                    .iter()
                    .position(|p| *p == path)
                    .map(|i| format!("context_files.{i}"))
            })
        })
    };
    let message = Signal::derive(move || {
        let field = field.get()?;
        wizard.field(&field).message.get()
    });
    let checked = {
        let path = path.clone();
        move || {
            wizard
                .draft
                .with(|d| d.request.context_files.contains(&path))
        }
    };
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        wizard.draft.update(|d| d.set_context_file(&path, on));
    };
    let high = file.relevance >= AUTO_SELECT_RELEVANCE;
    let dom_id = move || {
        field
            .get()
            .map(|f| crate::domain::create::FieldErrors::dom_id(&f))
    };
    view! {
        <tr class=high.then_some("discovery-table__row--high")>
            <td>
                <input
                    type="checkbox"
                    id=id.clone()
                    prop:checked=checked
                    on:change=toggle
                    aria-invalid=move || message.with(|m| m.is_some()).then_some("true")
                    aria-describedby=move || message.with(|m| m.is_some()).then(dom_id).flatten()
                />
                " "
                <label for=id title=file.path.clone()><code>{short_path(&file.path, PATH_CHARS)}</code></label>
                {move || {
                    let dom_id = dom_id()?;
                    Some(view! { <FieldError field=FieldMessage::with_dom_id(dom_id, message) /> })
                }}
            </td>
            <td class="relevance">
                <Meter percent=u32::from(file.relevance) class="meter meter--relevance" />
                {file.relevance}
                {high.then(|| view! { <span class="chip">"auto"</span> })}
            </td>
            <td><span class="type-tag">{file.file_type}</span></td>
            <td class="discovery-table__keywords">{file.matched_keywords.join(", ")}</td>
            <td><AttachButton path=file.path.clone() /></td>
        </tr>
    }
}

/// Paths longer than this are cut from the left (the file name is what tells files apart).
const PATH_CHARS: usize = 56;

/// Attaches the file as a whole (its text goes into the package), from its row.
#[component]
fn AttachButton(path: String) -> impl IntoView {
    let wizard = use_wizard();
    let attached = {
        let path = path.clone();
        Signal::derive(move || {
            wizard.draft.with(|d| {
                d.request
                    .attachments
                    .iter()
                    .any(|a| a.given_path() == Some(path.as_str()))
            })
        })
    };
    let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
    let attach = move |_| {
        let new = NewAttachment {
            source: AttachmentSource::Path,
            path: path.clone(),
            ..Default::default()
        };
        wizard.draft.update(|d| {
            d.add_attachment(&new);
        });
    };
    view! {
        <button
            type="button"
            class="button-small button-quiet"
            aria-label=format!("Attach {name}")
            disabled=attached
            on:click=attach
        >
            {move || if attached.get() { "Attached" } else { "Attach" }}
        </button>
    }
}
