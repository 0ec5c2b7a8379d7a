//! Keeping the store in step with the disk as it changes: a filesystem watcher with a polling
//! safety net. The store then publishes each new generation to the live
//! channel (`GET /api/events`).

mod watcher;

pub use watcher::{start, start_with_window, WatchHealth, Watcher};
