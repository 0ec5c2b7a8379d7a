//! The wizard's calls: the same use cases as `POST /api/sessions/create` and
//! `GET /api/sessions/context-discovery`.

use crate::domain::context::{DiscoveryResult, PackageSize, ProjectFile};
use crate::domain::create::{CreateRequest, Generated};
use crate::domain::stub::StubList;
use crate::domain::HubError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every stub folder of the stubs directory; an unusable one is listed with its error.
#[server(prefix = "/rpc")]
pub async fn list_stubs() -> Result<StubList, HubError> {
    super::answer(super::hub().stubs().await)
}

/// "Start Session" on a stub: the session in one step (without JavaScript the button's form
/// posts to `/sessions/start`).
#[server(prefix = "/rpc")]
pub async fn start_session_from_stub(folder: String) -> Result<Generated, HubError> {
    super::answer(
        super::hub()
            .start_from_stub(folder, crate::domain::history::Actor::Hub)
            .await,
    )
}

/// "Start next phase": the wizard's request for the phase after session `session`.
#[server(prefix = "/rpc")]
pub async fn prepare_next_phase(session: String) -> Result<CreateRequest, HubError> {
    let session = super::answer(crate::domain::ids::SessionId::parse(&session))?;
    super::answer(super::hub().next_phase_request(session).await)
}

/// Context discovery over the project root for `description`. `scan_id` (chosen by the
/// browser) lets [`discovery_progress`] and [`cancel_discovery`] find the scan while it runs.
#[server(prefix = "/rpc")]
pub async fn discover_context(
    description: String,
    scan_id: String,
) -> Result<DiscoveryResult, HubError> {
    super::answer(super::hub().discover_for_wizard(description, scan_id).await)
}

/// Files scanned so far by scan `scan_id`; `None` once it has finished (or before it starts).
#[server(prefix = "/rpc")]
pub async fn discovery_progress(scan_id: String) -> Result<Option<usize>, HubError> {
    Ok(super::hub().scan_progress(&scan_id))
}

/// Stops scan `scan_id`; it answers with what it found so far, flagged `partial`.
#[server(prefix = "/rpc")]
pub async fn cancel_discovery(scan_id: String) -> Result<bool, HubError> {
    Ok(super::hub().cancel_scan(&scan_id))
}

/// Whether `path` names a file of the project that can be attached.
#[server(prefix = "/rpc")]
pub async fn check_attachment_path(path: String) -> Result<ProjectFile, HubError> {
    super::answer(super::hub().check_attachment(path).await)
}

/// The size of the context package `request` would generate (step 4's summary).
#[server(prefix = "/rpc", input = Json)]
pub async fn measure_package(request: CreateRequest) -> Result<PackageSize, HubError> {
    super::answer(super::hub().measure(request).await)
}

/// The prompt one agent would get (nothing is written).
#[server(prefix = "/rpc", input = Json)]
pub async fn preview_prompt(request: CreateRequest, agent: usize) -> Result<String, HubError> {
    super::answer(super::hub().preview_prompt(request, agent).await)
}

/// Writes the session: all files or none.
#[server(prefix = "/rpc", input = Json)]
pub async fn generate_session(request: CreateRequest) -> Result<Generated, HubError> {
    super::answer(
        super::hub()
            .create(request, crate::domain::history::Actor::Hub)
            .await,
    )
}
