//! Agent output files: which kind a file is, and what the viewer shows of it. (In progress.)
