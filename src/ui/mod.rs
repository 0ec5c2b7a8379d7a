//! The hub's pages and components. Rendered on the server, hydrated in the browser.

pub mod app;
pub mod components;
pub mod create;
pub mod hooks;
pub mod hub;
pub mod lazy;
pub mod model;
pub mod monitor;
pub mod palette;
pub mod tabs;
