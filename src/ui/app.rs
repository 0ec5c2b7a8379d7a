use super::components::{titled, PageTitle};
use super::hub::SessionsHub;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether the WASM bundle has taken over the page. False during SSR and until hydration.
#[derive(Clone, Copy)]
pub struct Hydrated(pub ReadSignal<bool>);

pub fn use_hydrated() -> ReadSignal<bool> {
    use_context::<Hydrated>()
        .map(|hydrated| hydrated.0)
        .unwrap_or_else(|| signal(false).0)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    provide_context(Hydrated(hydrated));

    view! {
        <Stylesheet id="leptos" href="/pkg/sessions-hub.css" />
        <PageTitle text="Sessions Hub".to_owned() />
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="hub-header">
            <h1 class="hub-header__name">
                <a href="/sessions">
                    <span aria-hidden="true" class="hub-header__logo">"◧ "</span>
                    "Sessions Hub"
                </a>
            </h1>
            <p class="hub-header__tagline">"Plan and watch AI agents working in parallel"</p>
        </header>
        <Router>
            <main id="main" class="hub-main" data-hydrated=move || hydrated.get().to_string()>
                <Routes fallback=NotFound>
                    // Async: the whole page, data included, is rendered before the first byte,
                    // so it works without JavaScript and can answer 404 for a missing session.
                    <Route path=path!("/sessions") view=SessionsHub ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text=titled("Not found") />
        <h2>"Page not found"</h2>
        <p>"There is nothing here. " <a href="/sessions">"Go to the Sessions Hub"</a> "."</p>
    }
}
