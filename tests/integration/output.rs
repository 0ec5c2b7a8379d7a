//! Output files: hostile paths and contents. (In progress.)
