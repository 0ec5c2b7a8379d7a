//! Creating a session: the request (the wizard's draft, and the body of
//! `POST /api/sessions/create`), its validation, and the waves and overlaps of its agents.
//!
//! Everything here is pure: no filesystem. Paths are only checked *lexically* (relative, no `..`);
//! `generate` checks that they exist under the canonical project root before writing anything.
//!
//! # Field ids
//!
//! Every validation message is keyed by a stable *field id*, so the UI can render it next to
//! its input and tie the two with `aria-describedby` (see [`FieldErrors::dom_id`]):
//!
//! | field id | what it is about |
//! |---|---|
//! | `stub` | no stub at all (id, feature name and description all blank) |
//! | `stub.id`, `stub.feature_name`, `stub.description` | one field of the stub |
//! | `instructions` | the list: no block, or a block without an id (named by position) |
//! | `instructions.<block id>` | one block: empty, unknown type, or an id used twice |
//! | `attachments` | the list: an attachment without an id (named by position) |
//! | `attachments.<attachment id>` | one attachment: no name, both/neither of path and content, a path outside the project, an id used twice |
//! | `context_files.<index>` | one selected context file (0-based position): not a relative path inside the project, or listed twice |
//! | `agents` | the roster: no agent, an agent without an id, a dependency cycle (naming its agents) |
//! | `agents.<agent id>` | one agent's id: not a usable id, or used twice |
//! | `agents.<agent id>.role` | the role is blank |
//! | `agents.<agent id>.instructions` | an unknown instruction block id |
//! | `agents.<agent id>.attachments` | an unknown attachment id |
//! | `agents.<agent id>.depends_on` | depends on itself or on an unknown agent |
//!
//! Overlaps (two agents of one wave given the same attachment) are warnings, not errors: see
//! [`overlap_warnings`]; the UI shows them under `agents`.

mod field_errors;
mod from_stub;
mod next_phase;
mod overlap;
mod request;
mod validate;

pub use field_errors::FieldErrors;
pub use from_stub::{
    first_phase, phase_name, request_from_stub, roster_name, unique_agent_id, TASK_BLOCK,
};
pub use next_phase::{next_phase, next_phase_request, PhaseOutput};
pub use overlap::{execution_waves, overlap_warnings};
pub use request::{
    AgentInterface, AgentPlan, AttachmentInput, BlockInput, CreateRequest, Generated, OneLiner,
    StubInput,
};
pub use validate::{normalize_relative_path, validate, validate_part, Part};
