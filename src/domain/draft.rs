//! The session-creation request (the wizard draft) and its validation. (In progress.)
