//! Runs context discovery for the wizard: progress while it scans, Cancel, and results that
//! arrive after the user moved on still land (the draft outlives the step).

use crate::domain::context::DiscoveryResult;
use crate::server_fns::create::{cancel_discovery, discover_context, discovery_progress};
use leptos::prelude::*;

/// How often the browser asks how far a running scan has got.
const PROGRESS_EVERY_MS: u32 = 300;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanState {
    Idle,
    Running {
        id: String,
        /// Files looked at so far.
        scanned: usize,
        cancelling: bool,
    },
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct UseDiscoveryReturn {
    pub state: ReadSignal<ScanState>,
    /// Scans the project for a description.
    pub start: Callback<String>,
    /// Stops the running scan: it answers with what it found (flagged partial).
    pub cancel: Callback<()>,
}

/// `on_result(description, result)` receives each finished scan.
///
/// ## Server-Side Rendering
/// Scans are started by the user or by effects, so never on the server.
pub fn use_discovery(on_result: Callback<(String, DiscoveryResult)>) -> UseDiscoveryReturn {
    let (state, set_state) = signal(ScanState::Idle);
    let is_current = move |id: &str| {
        state
            .try_with_untracked(
                |s| matches!(s, ScanState::Running { id: current, .. } if current == id),
            )
            .unwrap_or(false)
    };

    let start = Callback::new(move |description: String| {
        let id = new_scan_id();
        set_state.set(ScanState::Running {
            id: id.clone(),
            scanned: 0,
            cancelling: false,
        });
        let scan_id = id.clone();
        leptos::task::spawn_local(async move {
            let result = discover_context(description.clone(), scan_id.clone()).await;
            // A scan replaced by a newer one, or whose view is gone, says nothing.
            if !is_current(&scan_id) {
                return;
            }
            match result {
                Ok(result) => {
                    set_state.try_set(ScanState::Idle);
                    on_result.run((description, result));
                }
                Err(err) => {
                    set_state.try_set(ScanState::Failed(err.to_string()));
                }
            }
        });
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(PROGRESS_EVERY_MS).await;
                if !is_current(&id) {
                    break;
                }
                if let Ok(Some(scanned)) = discovery_progress(id.clone()).await {
                    set_state.try_update(|s| {
                        if let ScanState::Running {
                            id: current,
                            scanned: shown,
                            ..
                        } = s
                        {
                            if *current == id {
                                *shown = scanned;
                            }
                        }
                    });
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, discovery_progress, PROGRESS_EVERY_MS);
    });

    let cancel = Callback::new(move |()| {
        let running = state.with_untracked(|s| match s {
            ScanState::Running { id, .. } => Some(id.clone()),
            _ => None,
        });
        if let Some(id) = running {
            set_state.update(|s| {
                if let ScanState::Running { cancelling, .. } = s {
                    *cancelling = true;
                }
            });
            leptos::task::spawn_local(async move {
                // The scan's own answer follows; a failure here leaves it to its time budget.
                let _ = cancel_discovery(id).await;
            });
        }
    });

    // Leaving the step stops a scan nobody waits for any more.
    on_cleanup(move || {
        if let Some(ScanState::Running { id, .. }) = state.try_get_untracked() {
            leptos::task::spawn_local(async move {
                let _ = cancel_discovery(id).await;
            });
        }
    });

    UseDiscoveryReturn {
        state,
        start,
        cancel,
    }
}

/// A random id for one scan (the server only accepts 8-64 letters, digits or '-').
fn new_scan_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        let random = (js_sys::Math::random() * 1e15) as u64;
        format!("scan-{random:x}-{:x}", js_sys::Date::now() as u64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        "scan-server".to_owned()
    }
}
