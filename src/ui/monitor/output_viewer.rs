//! The output viewer: one agent's output file in a modal dialog, rendered on the server
//! (Markdown, JSON, text; sanitised HTML injected as is), or the session's own
//! `communication.json` / `instructions.json`. Its state is in the URL
//! (`&output=<agent>[&path=<file>]`, `&raw=<file>`), so it deep-links and renders without
//! JavaScript.

use super::dialog_opener::{in_place, DialogOpener};
use super::{session_href, use_monitor};
use crate::domain::format::encode_query_value;
use crate::domain::format::human_bytes;
use crate::domain::output::OutputPreview;
use crate::domain::output::RawFile;
use crate::server_fns::output::{read_output, read_raw_file};
use crate::ui::components::Modal;
use crate::ui::hooks::focus::return_focus;
use crate::ui::hooks::{use_output_probe, PreviewResource};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Id of the "View Output" button of `agent`, to give focus back to it on close.
pub fn opener_id(agent: &str) -> String {
    format!("view-output-{}", encode_query_value(agent))
}

/// The detail URL with the viewer open on `agent` (and `path`).
pub fn viewer_href(session: &str, agent: &str, path: Option<&str>) -> String {
    let mut href = format!(
        "{}&output={}",
        session_href(session),
        encode_query_value(agent)
    );
    if let Some(path) = path {
        href.push_str(&format!("&path={}", encode_query_value(path)));
    }
    href
}

/// "View Output": opens the viewer, with or without JavaScript.
#[component]
pub fn ViewOutputButton(
    session: String,
    agent: String,
    /// The file exists; until then the button is quiet and says so (the viewer still opens,
    /// and shows the file as soon as the agent writes it).
    ready: bool,
) -> impl IntoView {
    let class = if ready {
        "button-small"
    } else {
        "button-small button-quiet"
    };
    view! {
        <DialogOpener session name="output" value=agent.clone() id=opener_id(&agent) class>
            "View Output"
        </DialogOpener>
        {(!ready).then(|| view! { <span class="muted output-pending">" not written yet"</span> })}
    }
}

#[component]
pub fn OutputViewer(session: String, agent: String, path: Option<String>) -> impl IntoView {
    let monitor = use_monitor();
    let key = (session.clone(), agent.clone(), path.clone());
    let preview = Resource::new(
        move || key.clone(),
        |(session, agent, path)| read_output(session, agent, path),
    );
    // Agents rewrite their output while it is open: fetch again on every monitor refresh, and
    // when the file's size or time changes (output files are not watched).
    refetch_on_refresh(monitor, preview);
    use_output_probe(session.clone(), agent.clone(), path.clone(), preview);
    let heading = format!("Output: {agent}");
    view! { <ViewerDialog session heading opener=opener_id(&agent) preview /> }
}

/// Id of the button that opens `file` in the viewer.
pub fn raw_opener_id(file: RawFile) -> String {
    format!("view-raw-{}", file.file_name().replace('.', "-"))
}

/// "View communication.json" / "View instructions.json", like "View Output".
#[component]
pub fn ViewRawFileButton(session: String, file: RawFile) -> impl IntoView {
    view! {
        <DialogOpener session name="raw" value=file.file_name().to_owned() id=raw_opener_id(file) class="button-small button-quiet">
            {format!("View {}", file.file_name())}
        </DialogOpener>
    }
}

/// The session's `communication.json` or `instructions.json` as it is on disk (`&raw=`), fetched
/// again on every refresh: agents rewrite it while it is open.
#[component]
pub fn RawFileViewer(session: String, file: RawFile) -> impl IntoView {
    let monitor = use_monitor();
    let key = session.clone();
    let preview = Resource::new(
        move || key.clone(),
        move |session| read_raw_file(session, file),
    );
    refetch_on_refresh(monitor, preview);
    let heading = format!("File: {}", file.file_name());
    view! { <ViewerDialog session heading opener=raw_opener_id(file) preview /> }
}

fn refetch_on_refresh(monitor: super::MonitorContext, preview: PreviewResource) {
    Effect::new(move |previous: Option<u64>| {
        let tick = monitor.refresh.tick.get();
        if previous.is_some() {
            preview.refetch();
        }
        tick
    });
}

/// The viewer's modal: a heading, Close, and the rendered file. Closing goes back to the
/// session and gives focus back to the button with id `opener`.
#[component]
fn ViewerDialog(
    session: String,
    heading: String,
    opener: String,
    preview: PreviewResource,
) -> impl IntoView {
    let navigate = use_navigate();
    let close_href = session_href(&session);
    let close = Callback::new(move |()| {
        navigate(&close_href, in_place());
        return_focus(Some(opener.clone()));
    });

    view! {
        <Modal labelled_by="output-title" on_close=close class="output-dialog">
            <header class="output-dialog__head">
                <h2 id="output-title">{heading}</h2>
                <form
                    method="get"
                    action="/sessions"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        close.run(());
                    }
                >
                    <input type="hidden" name="tab" value="monitor" />
                    <input type="hidden" name="session" value=session.clone() />
                    <button type="submit" data-autofocus>"Close"</button>
                </form>
            </header>
            <Transition fallback=|| view! { <p class="loading">"Loading the output…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await.and_then(|answer| answer) {
                        Ok(preview) => view! { <OutputBody preview /> }.into_any(),
                        Err(error) => view! {
                            <p class="notice notice--warn" role="alert">{error.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </Modal>
    }
}

#[component]
fn OutputBody(preview: OutputPreview) -> impl IntoView {
    let navigate = use_navigate();
    let picker = (preview.outputs.len() > 1).then(|| {
        let (session, agent, current) = (preview.feature.clone(), preview.agent.clone(), preview.path.clone());
        view! {
            <label class="field field--inline">
                <span>"Output file"</span>
                <select on:change:target=move |ev| {
                    let href = viewer_href(&session, &agent, Some(&ev.target().value()));
                    navigate(&href, in_place());
                }>
                    {preview.outputs.iter().map(|path| {
                        let selected = *path == current;
                        view! { <option value=path.clone() selected=selected>{path.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    });
    let meta = if preview.exists {
        format!(
            "{} · {} · {}",
            preview.path,
            preview.kind.label(),
            human_bytes(preview.size)
        )
    } else {
        format!("{} · {}", preview.path, preview.kind.label())
    };
    // The session's own files are in its zip; an agent's output downloads on its own.
    let download = (preview.exists && !preview.agent.is_empty()).then(|| {
        view! {
            <form method="get" action="/api/sessions/output/download" class="inline-form">
                <input type="hidden" name="feature" value=preview.feature.clone() />
                <input type="hidden" name="agent" value=preview.agent.clone() />
                <input type="hidden" name="path" value=preview.path.clone() />
                <button type="submit">"Download"</button>
            </form>
        }
    });
    view! {
        <div class="output-dialog__bar">
            <p class="output-dialog__meta"><code>{meta}</code></p>
            {picker}
            {download}
        </div>
        {(!preview.notes.is_empty()).then(|| view! {
            <ul class="output-dialog__notes">
                {preview.notes.iter().map(|note| view! { <li>{note.clone()}</li> }).collect_view()}
            </ul>
        })}
        // Focusable, so a keyboard can scroll an output wider or longer than the dialog.
        <div class="output-dialog__body" tabindex="0" role="region" aria-label="Output content" inner_html=preview.html></div>
    }
    .into_any()
}
