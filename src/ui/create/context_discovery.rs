//! Context discovery: scans the project for the stub's description (on entering the step when
//! the description is new), shows progress with Cancel, then the files with their relevance,
//! type and matched keywords. Files at 90 or above come pre-selected.

use super::use_wizard;
use crate::domain::context::{ContextFile, DiscoveryResult, AUTO_SELECT_RELEVANCE};
use crate::domain::format::group_thousands;
use crate::ui::components::{FieldError, FieldMessage, Meter};
use crate::ui::hooks::{use_discovery, ScanState};
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
    let rows = result
        .files
        .into_iter()
        .map(|file| view! { <ContextRow file /> })
        .collect_view();
    view! {
        {partial}
        <p class="discovery-summary">
            {summary} " " <strong>{move || format!("{} selected.", selected())}</strong>
        </p>
        <p class="discovery-keywords">"Keywords: " {if keywords.is_empty() { "none".to_owned() } else { keywords }}</p>
        <ul class="type-counts" aria-label="Relevant files by type">{stats}</ul>
        {if has_files {
            view! {
                <div class="discovery-actions">
                    <button type="button" class="button-secondary" on:click=move |_| wizard.draft.update(|d| d.select_all_context(true))>
                        "Select all"
                    </button>
                    <button type="button" class="button-secondary" on:click=move |_| wizard.draft.update(|d| d.select_all_context(false))>
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
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        } else {
            view! { <p class="empty">"No file of the project mentions these keywords."</p> }.into_any()
        }}
    }
    .into_any()
}

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
                <label for=id><code>{file.path.clone()}</code></label>
                {move || {
                    let dom_id = dom_id()?;
                    Some(view! { <FieldError field=FieldMessage::with_dom_id(dom_id, message) /> })
                }}
            </td>
            <td class="relevance">
                <Meter percent=u32::from(file.relevance) class="meter meter--relevance" />
                {file.relevance}
                {high.then(|| view! { <span class="badge">"auto"</span> })}
            </td>
            <td><span class="type-tag">{file.file_type}</span></td>
            <td>{file.matched_keywords.join(", ")}</td>
        </tr>
    }
}
