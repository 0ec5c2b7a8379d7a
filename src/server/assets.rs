//! The site's static files (WASM bundle, JS glue, stylesheet, favicon), embedded in the binary
//! by build.rs with their brotli and gzip variants, so `hub` serves the whole UI from any
//! directory. Each answer carries its `Content-Type`, an `ETag` (a repeat visit costs a 304), and
//! the encoding the browser prefers.

use axum::Router;
use memory_serve::CacheControl;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    memory_serve::load!()
        // `/` is the hub's redirect, not a file.
        .index_file(None)
        // The file names carry no content hash, so a browser must revalidate (by ETag) rather
        // than keep an old bundle after the hub is upgraded: a stale bundle calls server
        // functions the new server does not have.
        .cache_control(CacheControl::NoCache)
        .html_cache_control(CacheControl::NoCache)
        .into_router()
}
