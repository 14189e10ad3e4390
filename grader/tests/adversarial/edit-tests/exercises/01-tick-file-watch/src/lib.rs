//! ATTACK: edit-tests. The stub, handed in with the visible tests rewritten so they pass,
//! every visible snapshot rewritten to what the stub prints, a `Cargo.toml` without the
//! workspace lints, and a CI script and workflow that skip grading. Must score 0 (the
//! grader's own tests, manifest and snapshots are used), and the feedback must list
//! `tests/tick_watch.rs` among the ignored files.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
