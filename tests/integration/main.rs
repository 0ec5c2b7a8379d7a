//! One integration-test binary: the whole router driven in-process with `oneshot`.

mod support;

mod shell;
