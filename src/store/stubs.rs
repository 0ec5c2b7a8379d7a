//! Stubs: reading <stubs-dir>/<feature>/stub.json. (In progress.)
