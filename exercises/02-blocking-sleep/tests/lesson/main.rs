//! Every test file of the lesson in one test binary, so that `cargo test -p exercise-NN`
//! runs them all even when one fails (cargo stops at the first failing test binary).
//! A new file in `tests/` needs its line here (`timeline-check`'s `lessons` test checks).

#[path = "../offload.rs"]
mod offload;
#[path = "../sums.rs"]
mod sums;
