//! Small reusable pieces of the hub's UI.

mod copy_button;
mod field_error;
mod local_time;
mod modal;
mod status_badge;

pub use copy_button::CopyButton;
pub use field_error::{FieldError, FieldMessage};
pub use local_time::LocalTime;
pub use modal::Modal;
pub use status_badge::{AgentStatusBadge, SessionStatusBadge};
