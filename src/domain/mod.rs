//! The domain: plain Rust shared by the server and the browser. Nothing here touches the
//! filesystem, leptos or axum.

pub mod alert;
pub mod assignment;
pub mod attention;
pub mod context;
pub mod create;
pub mod error;
pub mod export;
pub mod format;
pub mod history;
pub mod hooks;
pub mod ids;
pub mod instructions;
pub mod lifecycle;
pub mod monitor;
pub mod output;
pub mod output_path;
pub mod question;
pub mod report;
pub mod session;
pub mod status;
pub mod stub;
pub mod timeline;
pub mod untrusted;
pub mod usage;
pub mod waiting;
pub mod waves;

pub use error::HubError;
pub use session::{
    AgentRecord, AgentView, CommunicationFile, InstructionsOverview, InvalidSession, Orchestrator,
    SessionDetail, SessionList, SessionSummary,
};
pub use status::{
    calculate_status, resolve_status, AgentStatus, Aggregation, SessionStatus, StatusSource,
};
