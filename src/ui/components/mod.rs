//! Small reusable pieces of the hub's UI.

mod copy_button;
mod field_error;
mod graph;
mod icon;
mod local_time;
mod meter;
mod modal;
mod page_title;
mod status_badge;

pub use copy_button::CopyButton;
pub use field_error::{FieldError, FieldMessage};
pub use graph::{DependencyGraph, GraphAgent};
pub use icon::{AttentionBadge, Icon, IconName};
pub use local_time::LocalTime;
pub use meter::Meter;
pub use modal::Modal;
pub use page_title::{titled, with_open_questions, PageTitle};
pub use status_badge::AgentStatusBadge;
