//! Browser-side behaviour in the leptos-use shape: `use_x` returns handles; on the server each
//! hook is a no-op that returns the initial values.

pub mod focus;
pub mod focus_trap;
mod use_clipboard;
mod use_clock;
mod use_discovery;
mod use_live_events;
mod use_notifications;
mod use_output_probe;
mod use_persisted_draft;
mod use_refresh;

pub use use_clipboard::{use_clipboard, UseClipboardReturn};
pub use use_clock::use_clock;
pub use use_discovery::{use_discovery, ScanState, UseDiscoveryReturn};
pub use use_live_events::{use_live_events, Channel, UseLiveEventsReturn};
pub use use_notifications::{use_notifications, Permission, UseNotificationsReturn};
pub use use_output_probe::{use_output_probe, PreviewResource};
pub use use_persisted_draft::{use_persisted_draft, UsePersistedDraftReturn};
pub use use_refresh::{use_refresh, UseRefreshReturn};
