//! The HTTP server: one router for the pages, the server functions and the JSON API.

mod api;
pub mod creation;
mod error;
mod headers;
mod pages;
mod security;
mod sse;
mod state;

pub use error::status_of;

pub use state::AppState;

use crate::config::{leptos_options, Config};
use axum::extract::State;
use axum::{response::Redirect, routing::get, Json, Router};
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
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/sessions") }))
        .route("/healthz", get(healthz))
        .route("/login", get(security::login_page).post(security::login))
        .nest("/api", api::router())
        .merge(pages::router(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        // Outermost, so refusals from the guard carry the headers too.
        .layer(axum::middleware::from_fn(headers::add_security_headers))
        .with_state(state)
}

/// Liveness plus what an operator wants to know first: is change detection working.
async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let watch = state.watch_health.read().expect("health lock").clone();
    Json(json!({
        "status": if watch.degraded { "degraded" } else { "ok" },
        "watch": watch,
        "generation": state.store.generation(),
        "sessions": state.store.list().list.count,
    }))
}

/// Prepares the sessions directory, binds and serves until Ctrl-C or SIGTERM.
pub async fn serve(mut config: Config) -> Result<(), String> {
    // Kept alive until the server stops; dropping it deletes the demo folder.
    let demo_dir = if config.demo {
        let dir = tempfile::Builder::new()
            .prefix("sessions-hub-demo-")
            .tempdir()
            .map_err(|err| format!("cannot create the demo folder: {err}"))?;
        let now_ms = crate::store::read::unix_ms(std::time::SystemTime::now()) as u64;
        crate::demo::seed(dir.path(), now_ms)
            .map_err(|err| format!("cannot write the demo sessions: {err}"))?;
        tracing::info!(dir = %dir.path().display(), "demo: sample sessions with simulated agents");
        config.sessions_dir = dir.path().to_path_buf();
        Some(dir)
    } else {
        None
    };
    security::check_exposure(config.addr, config.token.as_deref())?;
    std::fs::create_dir_all(&config.sessions_dir).map_err(|err| {
        format!(
            "cannot create the sessions directory {}: {err}",
            config.sessions_dir.display()
        )
    })?;
    // A crash mid-create leaves a staging folder behind; nothing else can be writing yet.
    match crate::generate::sweep_staging(&config.sessions_dir) {
        Ok(removed) => tracing::info!(removed, "swept unfinished session folders (staging)"),
        Err(err) => tracing::warn!(%err, "cannot sweep unfinished session folders"),
    }
    // A writer killed mid-write leaves a temp file in its session folder.
    match crate::store::write::sweep_temp_files(&config.sessions_dir) {
        Ok(removed) => tracing::info!(removed, "swept temp files of interrupted writes"),
        Err(err) => tracing::warn!(%err, "cannot sweep temp files of interrupted writes"),
    }
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
    let watch_mode = config.watch;
    let mut state = AppState::new(options, config);
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
    // The syntax highlighter loads its definitions once, outside any render deadline.
    tokio::task::spawn_blocking(crate::render::warm_up);
    let watcher = crate::live::start(state.store.clone(), watch_mode, state.shutdown.subscribe());
    let simulator = demo_dir.is_some().then(|| {
        tokio::spawn(crate::demo::simulate(
            state.store.clone(),
            state.shutdown.subscribe(),
        ))
    });
    state.watch_health = watcher.health.clone();
    let shutdown = state.shutdown.clone();
    let router = build_router(state);
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Ends the event streams, so open browsers do not hold the shutdown up.
            shutdown.send_replace(true);
        })
        .await;
    watcher.stop().await;
    if let Some(simulator) = simulator {
        let _ = simulator.await;
    }
    drop(demo_dir);
    served.map_err(|err| format!("server error: {err}"))?;
    tracing::info!("Sessions Hub stopped");
    Ok(())
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
