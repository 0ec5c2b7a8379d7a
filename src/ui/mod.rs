//! The hub's pages and components. Rendered on the server, hydrated in the browser.

pub mod app;
pub mod hub;
pub mod tabs;
