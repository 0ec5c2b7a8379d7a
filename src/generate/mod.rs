//! Generating a session package, all files or none. (In progress.)
