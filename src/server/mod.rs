//! The HTTP server: one router for the pages, the server functions and the JSON API.

mod api;
mod assets;
mod error;
mod forms;
mod headers;
mod options;
mod pages;
mod security;
mod sse;
mod state;

pub use error::{status_of, AppJson};
pub use options::{leptos_options, LEPTOS_TOML};
pub use state::AppState;

use crate::service::demo::DemoFolder;
use crate::service::{Config, Health, Hub};
use axum::extract::State;
use axum::{response::Redirect, routing::get, Json, Router};

/// Logs to stderr; `RUST_LOG` overrides the default level.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,memory_serve=warn,rmcp=warn"));
    // Logs go to stderr: stdout belongs to what a command prints (and to `hub mcp`'s protocol).
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The whole application as a router, so tests can drive it in-process.
pub fn build_router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/sessions") }))
        .route("/healthz", get(healthz))
        .route("/login", get(security::login_page).post(security::login))
        .route("/sessions/answer", axum::routing::post(forms::answer))
        .route("/sessions/move", axum::routing::post(forms::move_session))
        .route("/sessions/start", axum::routing::post(forms::start_session))
        .nest("/api", api::router())
        .nest_service(
            "/mcp",
            crate::mcp::http_service(state.hub.clone(), state.mcp_shutdown.clone()),
        )
        .merge(pages::router(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        // Outermost, so refusals from the guard carry the headers too.
        .layer(axum::middleware::from_fn(headers::add_security_headers))
        .with_state(state)
}

/// `GET /healthz`: liveness, and whether change detection works.
async fn healthz(State(hub): State<Hub>) -> Json<Health> {
    Json(hub.health())
}

/// Opens the hub on its folder, binds and serves until Ctrl-C or SIGTERM.
pub async fn serve(mut config: Config) -> Result<(), String> {
    // Kept alive until the server stops; dropping it deletes the demo folder.
    let demo = config.demo.then(DemoFolder::create).transpose()?;
    if let Some(demo) = &demo {
        config.sessions_dir = demo.path().to_path_buf();
    }
    security::check_exposure(config.addr, config.token.as_deref())?;
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
    let hub = Hub::open(config).await?;
    let state = AppState::new(options, hub.clone());
    let background = hub.run_in_background(state.shutdown.subscribe(), demo.is_some());
    let purge = tokio::spawn(
        hub.clone()
            .purge_trash_periodically(state.shutdown.subscribe()),
    );
    // Alerts first: they learn of everything the history records from then on.
    let alerts = (!hub.config().notify_urls.is_empty()).then(|| {
        crate::service::alerts::start(
            hub.store().clone(),
            hub.config().notify_urls.clone(),
            crate::service::alerts::Retry::default(),
            state.shutdown.subscribe(),
        )
    });
    let history = tokio::spawn(crate::service::history::record_observed_changes(
        hub.store().clone(),
        state.shutdown.subscribe(),
    ));
    let shutdown = state.shutdown.clone();
    let mcp_shutdown = state.mcp_shutdown.clone();
    // Event streams (the page's and MCP's) send small writes one after another: without
    // TCP_NODELAY the second waits for the peer's delayed ACK, about 40 ms each time.
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "cannot set TCP_NODELAY");
        }
    });
    let served = axum::serve(listener, build_router(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Ends the event streams, so open browsers do not hold the shutdown up.
            shutdown.send_replace(true);
            mcp_shutdown.cancel();
        })
        .await;
    background.stop().await;
    let _ = purge.await;
    let _ = history.await;
    if let Some(alerts) = alerts {
        // Deliveries still retrying are dropped: the next start sends them (notified.json).
        let _ = alerts.await;
    }
    drop(demo);
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
