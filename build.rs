//! Embeds the built site (the WASM bundle, its JS glue, the stylesheet, the favicon) in the
//! server, so one `hub` binary serves the whole UI from any directory. cargo-leptos builds the
//! site first and the server after it, so a release `hub` always carries the bundle it was built
//! with. Debug builds read the files from disk at request time (memory-serve's default), which
//! keeps `cargo test` fast and independent of a site build.

use std::path::PathBuf;

fn main() {
    // The browser half embeds nothing.
    if std::env::var_os("CARGO_FEATURE_SSR").is_none() {
        return;
    }
    println!("cargo::rerun-if-env-changed=LEPTOS_SITE_ROOT");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let site = manifest.join(std::env::var("LEPTOS_SITE_ROOT").unwrap_or("target/site".into()));
    // A fresh clone has no site yet: embed an empty one (the pages still render; the bundle
    // appears with the first `cargo leptos build`).
    std::fs::create_dir_all(&site).expect("cannot create the site folder");
    memory_serve::load_directory(site);
}
