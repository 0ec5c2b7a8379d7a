//! One integration-test binary: the whole router driven in-process with `oneshot`.

mod support;

mod agents;
mod api;
mod assignment;
mod attention;
mod create;
mod create_api;
mod edge;
mod export;
mod history;
mod hostile;
mod layers;
mod lifecycle;
mod live;
mod output;
mod output_api;
mod questions;
mod security;
mod shared;
mod shell;
mod start;
mod store;
mod writes;
