//! The parts of the page that the first load of the Monitor tab does not need, each in a chunk
//! of the WASM bundle of its own (built with `cargo leptos build --split`): the browser fetches
//! a chunk when its part is first shown. The server renders them in place like any other view,
//! so every page still works without JavaScript.
//!
//! Hydration cannot wait for a chunk half-way through the page, so [`load_for_page`] fetches the
//! chunks the server-rendered page shows before hydration starts; once loaded, a part's view is
//! ready at once. Shown later (a tab switch, a dialog opened), a part renders when its chunk
//! arrives.
//!
//! `#[lazy]` expands to the splitter's glue (an `extern "C"` import and export per function and
//! the loader's statics), which is the only `unsafe` this crate contains.
#![allow(unsafe_code)]

use super::create::CreateTab;
use leptos::prelude::*;

/// The Create tab: the wizard, the stub launcher, context discovery.
#[lazy]
pub fn create_tab() -> AnyView {
    view! { <CreateTab /> }.into_any()
}

/// What a part's function returns: its view, once its code is loaded. On the server it is
/// rendered on any worker thread, so it must be `Send`; in the browser it cannot be (a chunk's
/// loader is not) and need not be (there is one thread).
#[cfg(feature = "hydrate")]
pub trait PartFuture: std::future::Future<Output = AnyView> + 'static {}
#[cfg(feature = "hydrate")]
impl<T: std::future::Future<Output = AnyView> + 'static> PartFuture for T {}
#[cfg(not(feature = "hydrate"))]
pub trait PartFuture: std::future::Future<Output = AnyView> + Send + 'static {}
#[cfg(not(feature = "hydrate"))]
impl<T: std::future::Future<Output = AnyView> + Send + 'static> PartFuture for T {}

/// Renders `part` once its code is loaded.
#[component]
pub fn Deferred<F, Fut>(part: F) -> impl IntoView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: PartFuture,
{
    #[cfg(feature = "hydrate")]
    return move || Suspend::new(send_wrapper::SendWrapper::new(part()));
    #[cfg(not(feature = "hydrate"))]
    return move || Suspend::new(part());
}

/// Loads the chunks of the parts the server-rendered page at `search` (the URL's query) shows.
#[cfg(feature = "hydrate")]
pub async fn load_for_page(search: &str) {
    let param = |name: &str| {
        search
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    // Anything but a plain `tab=monitor` may be the Create tab: loading its chunk for nothing
    // costs a fetch, missing it would break hydration.
    if super::hub::Tab::from_query(param("tab")) == super::hub::Tab::Create {
        // The preload function `#[lazy]` generates beside each part.
        __preload_create_tab().await;
    }
}
