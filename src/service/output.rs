//! Agents' output files: the viewer's rendered preview, its change stamp, and the download.

use super::Hub;
use crate::domain::format::human_bytes;
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::output::{OutputKind, OutputPreview, OutputStamp, RawFile, MISSING_OUTPUT};
use crate::domain::HubError;
use crate::render;
use crate::store::SessionStore;
use std::fs::File;
use std::path::PathBuf;

/// An output file opened for a download.
pub struct OutputFile {
    pub file: File,
    pub size: u64,
    /// A file name safe for `Content-Disposition`.
    pub name: String,
    pub kind: OutputKind,
}

impl Hub {
    /// The preview of one output file of one agent: `path` if given (it must be one of the
    /// agent's outputs), else the agent's first. Capped, rendered and sanitised. A file not
    /// written yet is a preview with `exists: false` and the placeholder, not an error.
    pub async fn output_preview(
        &self,
        session: SessionId,
        agent: AgentId,
        path: Option<String>,
    ) -> Result<OutputPreview, HubError> {
        self.blocking("reading an output file", move |hub| {
            let config = hub.config();
            output_preview(
                hub.store(),
                &session,
                &agent,
                path.as_deref(),
                &config.allow_output_roots,
                config.max_preview_bytes,
            )
        })
        .await
    }

    /// Size and modification time of an output file (`None` while it does not exist): how an
    /// open viewer tells, without reading it, that the file changed.
    pub async fn output_stamp(
        &self,
        session: SessionId,
        agent: AgentId,
        path: Option<String>,
    ) -> Result<Option<OutputStamp>, HubError> {
        self.blocking("looking at an output file", move |hub| {
            hub.store().agent_output_stamp(
                &session,
                &agent,
                path.as_deref(),
                &hub.config().allow_output_roots,
            )
        })
        .await
    }

    /// One of the session's own files (`communication.json`, `instructions.json`) as the viewer
    /// shows an output: read beneath the session folder, capped, highlighted.
    pub async fn raw_file_preview(
        &self,
        session: SessionId,
        file: RawFile,
    ) -> Result<OutputPreview, HubError> {
        self.blocking("reading a session file", move |hub| {
            let folder = hub.store().folder(&session)?;
            let name = file.file_name();
            let max_bytes = hub.config().max_preview_bytes;
            let opened = crate::fsutil::beneath::open_beneath(&folder, name.as_ref())
                .map_err(|_| HubError::Forbidden(format!("{name} is not a plain file")))?;
            let Some((opened, size)) = opened else {
                return Err(HubError::NotFound(format!(
                    "session {session} has no {name}"
                )));
            };
            let read = crate::fsutil::read::read_prefix(&opened, size, max_bytes)
                .map_err(|err| HubError::internal(format!("cannot read {name}"), err))?;
            let content = render::lossy_text(&read.bytes, read.truncated);
            let rendered = render::render_str(
                OutputKind::Json,
                &content,
                read.truncated,
                render::RENDER_DEADLINE,
            );
            let mut notes = Vec::new();
            if read.truncated {
                notes.push(format!(
                    "Showing the first {} of {}.",
                    human_bytes(read.bytes.len() as u64),
                    human_bytes(read.size)
                ));
            }
            notes.extend(rendered.notes);
            Ok(OutputPreview {
                feature: session.to_string(),
                agent: String::new(),
                path: name.to_owned(),
                outputs: Vec::new(),
                kind: OutputKind::Json,
                exists: true,
                size: read.size,
                truncated: read.truncated,
                content,
                html: rendered.html,
                notes,
                stamp: None,
            })
        })
        .await
    }

    /// The whole output file, for a download.
    pub async fn output_file(
        &self,
        session: SessionId,
        agent: AgentId,
        path: Option<String>,
    ) -> Result<OutputFile, HubError> {
        self.blocking("opening an output file", move |hub| {
            let (file, size, name) = hub.store().agent_output_file(
                &session,
                &agent,
                path.as_deref(),
                &hub.config().allow_output_roots,
            )?;
            Ok(OutputFile {
                file,
                size,
                kind: OutputKind::from_path(&name),
                name,
            })
        })
        .await
    }
}

/// The preview [`Hub::output_preview`] answers, read from `store` with these limits: at most
/// `max_bytes`, beneath the session folder or one of `allow_roots`. Blocking.
pub fn output_preview(
    store: &SessionStore,
    session: &SessionId,
    agent: &AgentId,
    path: Option<&str>,
    allow_roots: &[PathBuf],
    max_bytes: u64,
) -> Result<OutputPreview, HubError> {
    let (chosen, stamp, read) = store.agent_output(session, agent, path, allow_roots, max_bytes)?;
    let kind = OutputKind::from_path(&chosen.path);
    let mut preview = OutputPreview {
        feature: session.to_string(),
        agent: agent.to_string(),
        path: chosen.path,
        outputs: chosen.outputs,
        kind,
        exists: false,
        size: 0,
        truncated: false,
        content: MISSING_OUTPUT.to_owned(),
        html: format!(
            "<p class=\"output-missing\">{}</p>",
            render::escape_html(MISSING_OUTPUT)
        ),
        notes: Vec::new(),
        stamp,
    };
    let Some(read) = read else {
        return Ok(preview);
    };
    let content = render::lossy_text(&read.bytes, read.truncated);
    let rendered = render::render_str(kind, &content, read.truncated, render::RENDER_DEADLINE);
    if read.truncated {
        preview.notes.push(format!(
            "Showing the first {} of {}.",
            human_bytes(read.bytes.len() as u64),
            human_bytes(read.size)
        ));
    }
    if read.size == 0 {
        preview.notes.push("The file is empty.".to_owned());
    }
    preview.notes.extend(rendered.notes);
    preview.exists = true;
    preview.size = read.size;
    preview.truncated = read.truncated;
    preview.content = content;
    preview.html = rendered.html;
    Ok(preview)
}
