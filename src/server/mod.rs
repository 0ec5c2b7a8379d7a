//! The HTTP server: one router for the pages, the server functions and the JSON API.

mod api;
mod error;
mod state;

pub use error::status_of;

pub use state::AppState;

use crate::config::{leptos_options, Config};
use crate::ui::app::{shell, App};
use axum::{response::Redirect, routing::get, Json, Router};
use leptos_axum::{generate_route_list, LeptosRoutes};
use serde_json::json;

/// Logs to stderr; `RUST_LOG` overrides the default level.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// The whole application as a router, so tests can drive it in-process.
pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/sessions") }))
        .route("/healthz", get(healthz))
        .nest("/api", api::router())
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Prepares the sessions directory, binds and serves until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> Result<(), String> {
    std::fs::create_dir_all(&config.sessions_dir).map_err(|err| {
        format!(
            "cannot create the sessions directory {}: {err}",
            config.sessions_dir.display()
        )
    })?;
    let mut options = leptos_options()?;
    options.site_addr = config.addr;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.addr))?;
    let local = listener
        .local_addr()
        .map_err(|err| format!("cannot read the bound address: {err}"))?;
    tracing::info!(
        sessions_dir = %config.sessions_dir.display(),
        "Sessions Hub listening on http://{local}"
    );
    let state = AppState::new(options, config);
    let started = std::time::Instant::now();
    let store = state.store.clone();
    let scan = tokio::task::spawn_blocking(move || store.refresh())
        .await
        .map_err(|err| format!("initial scan failed: {err}"))?
        .map_err(|err| format!("cannot read the sessions directory: {err}"))?;
    tracing::info!(
        sessions = scan.created.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "initial scan done"
    );
    let reconcile = tokio::spawn(reconcile_loop(state.store.clone()));
    let router = build_router(state);
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    reconcile.abort();
    served.map_err(|err| format!("server error: {err}"))?;
    tracing::info!("Sessions Hub stopped");
    Ok(())
}

/// How often the whole sessions directory is re-checked (stat-only for unchanged sessions).
const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Keeps the index in step with the disk.
async fn reconcile_loop(store: std::sync::Arc<crate::store::SessionStore>) {
    let mut ticks = tokio::time::interval(RECONCILE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let store = store.clone();
        match tokio::task::spawn_blocking(move || store.refresh()).await {
            Ok(Ok(changes)) if !changes.is_empty() => tracing::debug!(?changes, "sessions changed"),
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(%err, "cannot rescan the sessions directory"),
            Err(err) => tracing::error!(%err, "rescan task failed"),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
