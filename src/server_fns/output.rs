//! The output viewer's calls.

#[cfg(feature = "ssr")]
use crate::domain::ids::{AgentId, SessionId};
use crate::domain::output::{OutputPreview, OutputStamp, RawFile};
use crate::domain::HubError;
use leptos::prelude::*;

/// One output file of one agent, rendered for the viewer. The inner result is the hub's
/// answer about the file (a refused path is an answer, not a failed request, so it does not
/// travel as an HTTP error); the outer one is the request itself.
#[server(prefix = "/rpc")]
pub async fn read_output(
    feature: String,
    agent: String,
    path: Option<String>,
) -> Result<Result<OutputPreview, HubError>, HubError> {
    Ok(match SessionId::parse(&feature) {
        Ok(session) => {
            super::hub()
                .output_preview(session, AgentId::new(agent), path)
                .await
        }
        Err(err) => Err(err),
    })
}

/// Size and modification time of the file: an open viewer asks this every few seconds and
/// fetches the preview again only when it changed.
#[server(prefix = "/rpc")]
pub async fn probe_output(
    feature: String,
    agent: String,
    path: Option<String>,
) -> Result<Option<OutputStamp>, HubError> {
    let session = super::answer(SessionId::parse(&feature))?;
    super::answer(
        super::hub()
            .output_stamp(session, AgentId::new(agent), path)
            .await,
    )
}

/// `communication.json` or `instructions.json` of a session, rendered for the viewer; the
/// inner result as [`read_output`]'s.
#[server(prefix = "/rpc")]
pub async fn read_raw_file(
    session: String,
    file: RawFile,
) -> Result<Result<OutputPreview, HubError>, HubError> {
    Ok(match SessionId::parse(&session) {
        Ok(session) => super::hub().raw_file_preview(session, file).await,
        Err(err) => Err(err),
    })
}
