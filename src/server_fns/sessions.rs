use crate::domain::{HubError, SessionDetail, SessionList};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Settings the monitor needs from the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorSettings {
    pub poll_interval_ms: u64,
    pub stale_after_ms: u64,
}

/// How the server notices changes on disk (its watcher's health), for the monitor to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeDetection {
    /// `native` or `poll`.
    pub mode: String,
    pub degraded: bool,
    pub detail: String,
}

/// The list plus the server's clock, so relative times ("updated 3 min ago") render the same
/// on the server and during hydration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListAnswer {
    pub list: SessionList,
    pub now_ms: i64,
    pub settings: MonitorSettings,
    pub detection: ChangeDetection,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetailAnswer {
    pub session: SessionDetail,
    /// The store generation the detail was read at.
    pub generation: u64,
    pub now_ms: i64,
    pub settings: MonitorSettings,
    pub detection: ChangeDetection,
}

#[cfg(feature = "ssr")]
fn settings(config: &crate::config::Config) -> MonitorSettings {
    MonitorSettings {
        poll_interval_ms: config.poll_interval.as_millis() as u64,
        stale_after_ms: config.stale_after.as_millis() as u64,
    }
}

#[cfg(feature = "ssr")]
fn detection(state: &crate::server::AppState) -> ChangeDetection {
    let health = state.watch_health.read().expect("health lock");
    ChangeDetection {
        mode: health.mode.to_owned(),
        degraded: health.degraded,
        detail: health.detail.clone(),
    }
}

#[server(prefix = "/rpc")]
pub async fn list_sessions() -> Result<ListAnswer, HubError> {
    let state = super::app_state()?;
    Ok(ListAnswer {
        list: state.store.list().list.clone(),
        now_ms: super::now_ms(),
        settings: settings(&state.config),
        detection: detection(&state),
    })
}

#[server(prefix = "/rpc")]
pub async fn get_session(id: String) -> Result<DetailAnswer, HubError> {
    let state = super::app_state()?;
    let store = state.store.clone();
    let generation = store.generation();
    let session = super::blocking(move || store.detail(&id)).await?;
    Ok(DetailAnswer {
        session,
        generation,
        now_ms: super::now_ms(),
        settings: settings(&state.config),
        detection: detection(&state),
    })
}

/// Re-reads the sessions directory now (the Refresh button), instead of waiting for the next
/// background rescan.
#[server(prefix = "/rpc")]
pub async fn rescan_sessions() -> Result<u64, HubError> {
    let state = super::app_state()?;
    let store = state.store.clone();
    super::blocking(move || {
        store.refresh().map_err(|err| {
            HubError::Internal(format!("cannot rescan the sessions directory: {err}"))
        })?;
        Ok(store.generation())
    })
    .await
}
