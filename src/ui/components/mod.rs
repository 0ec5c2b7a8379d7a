//! Small reusable pieces of the hub's UI.

mod local_time;
mod status_badge;

pub use local_time::LocalTime;
pub use status_badge::{AgentStatusBadge, SessionStatusBadge};
