//! The Monitor tab's calls.

#[cfg(feature = "ssr")]
use crate::domain::ids::SessionId;
use crate::domain::monitor::{DetailAnswer, ListAnswer};
use crate::domain::HubError;
use leptos::prelude::*;

#[server(prefix = "/rpc")]
pub async fn list_sessions() -> Result<ListAnswer, HubError> {
    Ok(super::hub().monitor_list())
}

#[server(prefix = "/rpc")]
pub async fn get_session(id: String) -> Result<DetailAnswer, HubError> {
    let id = super::answer(SessionId::parse(&id))?;
    super::answer(super::hub().monitor_detail(id).await)
}

/// Re-reads the sessions directory now (the Refresh button), instead of waiting for the next
/// background rescan.
#[server(prefix = "/rpc")]
pub async fn rescan_sessions() -> Result<u64, HubError> {
    super::answer(super::hub().rescan().await)
}
