//! The pages, the UI's server functions and static files: everything Leptos renders or serves.

use super::{headers, AppState};
use crate::ui::app::{shell, App};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

/// The Leptos half of the router and the embedded static files, each page rendered to
/// completion (see [`to_completion`]). Any other path renders the app's "not found" page.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = route_list().to_vec();
    let leptos_options = state.leptos_options.clone();
    // Every render and server function gets the hub (`expect_context::<Hub>()`) and its page
    // policy.
    let hub = state.hub.clone();
    let context = move || {
        provide_context(hub.clone());
        headers::provide_page_policy();
    };
    let shell_options = leptos_options.clone();
    let not_found = leptos_axum::render_app_to_stream_with_context(context.clone(), move || {
        shell(leptos_options.clone())
    });
    Router::new()
        .leptos_routes_with_context(state, routes, context, move || shell(shell_options.clone()))
        .merge(super::assets::router())
        .fallback(move |request: Request| not_found(request))
        .layer(axum::middleware::from_fn(to_completion))
}

/// The app's routes, found once per process by rendering the app with resources suppressed.
///
/// That suppression is a process-wide flag in Leptos: a resource whose future is first polled
/// while any thread generates the route list waits forever, and so does its page. Serving starts
/// after the one generation, so no render can overlap it, however many routers (one per test
/// hub) the process builds.
fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// Renders a page in a task of its own, so a client that goes away mid-render does not cut the
/// render short. Dropping a render half-way drops its reactive owner while the effects that
/// `<Suspense>` spawned on other worker threads still run, and those then read disposed
/// signals and panic (one aborted request in 500 to 800 did, measured). Finished, the render
/// disposes its effects itself; an abandoned answer is then simply not sent.
///
/// A render that panics all the same answers 500 (and the panic is in the log) instead of
/// dropping the connection.
pub async fn to_completion(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(%path, %err, "rendering the page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The hub could not render this page; its log says why.",
            )
                .into_response()
        }
    }
}
