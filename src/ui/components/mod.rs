//! Small reusable pieces of the hub's UI.

mod local_time;
mod modal;
mod status_badge;

pub use local_time::LocalTime;
pub use modal::Modal;
pub use status_badge::{AgentStatusBadge, SessionStatusBadge};
