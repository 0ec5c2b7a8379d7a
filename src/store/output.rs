//! Opening agents' output files safely. (In progress.)
