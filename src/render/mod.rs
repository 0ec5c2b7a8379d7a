//! Rendering agent output (Markdown, JSON, text) to safe HTML. (In progress.)
