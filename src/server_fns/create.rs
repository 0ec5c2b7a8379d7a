//! The wizard's server functions: thin shells over the store, discovery and generation, with
//! the same rules as `POST /api/sessions/create` and `GET /api/sessions/context-discovery`
//! (both go through `server::creation`).

use crate::domain::context::{DiscoveryResult, PackageSize, ProjectFile};
use crate::domain::draft::{CreateRequest, Generated};
use crate::domain::stub::StubEntry;
use crate::domain::HubError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Answers a refusal with its fitting status (400 for invalid input, ...) rather than server
/// functions' default 500: a wrong path typed into the wizard is not a server fault.
#[cfg(feature = "ssr")]
fn with_status<T>(result: Result<T, HubError>) -> Result<T, HubError> {
    if let (Err(err), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        response.set_status(crate::server::status_of(err));
    }
    result
}

/// The stub picker's list, and where it comes from (for the empty state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StubList {
    pub stubs: Vec<StubEntry>,
    pub stubs_dir: String,
}

/// Every stub folder of the stubs directory; an unusable one is listed with its error.
#[server(prefix = "/rpc")]
pub async fn list_stubs() -> Result<StubList, HubError> {
    let state = super::app_state()?;
    let dir = state.config.stubs_dir.clone();
    super::blocking(move || {
        Ok(StubList {
            stubs: crate::store::stubs::list_stubs(&dir),
            stubs_dir: dir.display().to_string(),
        })
    })
    .await
}

/// Context discovery over the project root for `description`. `scan_id` (chosen by the
/// browser) lets [`discovery_progress`] and [`cancel_discovery`] find the scan while it runs.
#[server(prefix = "/rpc")]
pub async fn discover_context(
    description: String,
    scan_id: String,
) -> Result<DiscoveryResult, HubError> {
    use crate::server::creation::{discover_blocking, discovery_options};
    let state = super::app_state()?;
    let guard = state.scans.start(&scan_id)?;
    let mut options = discovery_options(&state.config);
    options.time_budget = state.config.scan_budget;
    options.cancel = Some(guard.cancel.clone());
    options.progress = Some(guard.progress.clone());
    let root = state.config.project_root.clone();
    let result = discover_blocking(root.clone(), root, description, options).await;
    drop(guard);
    with_status(result)
}

/// Files scanned so far by scan `scan_id`; `None` once it has finished (or before it starts).
#[server(prefix = "/rpc")]
pub async fn discovery_progress(scan_id: String) -> Result<Option<usize>, HubError> {
    Ok(super::app_state()?.scans.progress(&scan_id))
}

/// Stops scan `scan_id`; it answers with what it found so far, flagged `partial`.
#[server(prefix = "/rpc")]
pub async fn cancel_discovery(scan_id: String) -> Result<bool, HubError> {
    Ok(super::app_state()?.scans.cancel(&scan_id))
}

/// Whether `path` names a file of the project that can be attached.
#[server(prefix = "/rpc")]
pub async fn check_attachment_path(path: String) -> Result<ProjectFile, HubError> {
    let root = super::app_state()?.config.project_root.clone();
    with_status(super::blocking(move || crate::generate::check_project_file(&root, &path)).await)
}

/// The size of the context package `request` would generate (step 4's summary).
#[server(prefix = "/rpc", input = Json)]
pub async fn measure_package(request: CreateRequest) -> Result<PackageSize, HubError> {
    let root = super::app_state()?.config.project_root.clone();
    with_status(super::blocking(move || crate::generate::package_size(&root, &request)).await)
}

/// Validates `request` again and writes the session: all files or none.
#[server(prefix = "/rpc", input = Json)]
pub async fn generate_session(request: CreateRequest) -> Result<Generated, HubError> {
    let state = super::app_state()?;
    with_status(crate::server::creation::create_session(&state, request).await)
}
