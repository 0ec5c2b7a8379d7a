//! Context discovery: files of the project relevant to a stub. (In progress.)
