//! Sessions Hub: a Leptos SSR + hydration app that creates session packages for AI coding agents
//! and monitors them live. docs/ARCHITECTURE.md is the map of this crate.

// Deeply nested view types (tables of rows of badges) need more than the default 128.
#![recursion_limit = "256"]

pub mod domain;
pub mod server_fns;
pub mod ui;

// The layers, lowest first (docs/ARCHITECTURE.md): domain, fsutil, then store, render,
// generate, discovery and live, then service, then the two wires (server, server_fns) and the
// command line.
#[cfg(feature = "ssr")]
pub mod agent;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod discovery;
#[cfg(feature = "ssr")]
pub mod fsutil;
#[cfg(feature = "ssr")]
pub mod generate;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mcp;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

/// Entry point of the WASM bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn hydrate() {
    console_error_panic_hook::set_once();
    let search = leptos::prelude::window()
        .location()
        .search()
        .unwrap_or_default();
    ui::lazy::load_for_page(&search).await;
    leptos::mount::hydrate_body(ui::app::App);
}
