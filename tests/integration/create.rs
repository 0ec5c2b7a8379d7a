//! Creating sessions: validation, generated files, crashes, concurrency. (In progress.)
