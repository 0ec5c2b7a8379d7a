//! What the pages show, computed without a browser: the wizard's draft and steps, list filters,
//! times in words, the waves diagram's geometry, what to announce when data changes. Plain
//! Rust, unit-tested natively, shared by the server render and the browser.

pub mod announce;
pub mod chains;
pub mod filter;
pub mod layout;
pub mod palette;
pub mod time;
pub mod wizard;
