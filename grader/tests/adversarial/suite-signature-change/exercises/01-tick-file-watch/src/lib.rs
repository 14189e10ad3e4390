//! ATTACK: suite-signature-change (kind 2). Changes the public signatures the tests call
//! (`tick` takes seconds as `f64`, `wait_for` takes the poll first): this crate compiles,
//! the batch's test crate does not, with errors in the tests' own lines (not in the
//! generated line naming the student). No honest student may lose a point or see these
//! errors; this student scores 0, with their own errors in their feedback.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// GRADER-ADVERSARIAL-MARKER suite-signature-change: seconds instead of a `Duration`.
pub async fn tick(period_seconds: f64) {
    let _ = period_seconds;
    todo!("tick")
}

/// The poll first.
pub async fn wait_for(poll: Duration, path: &Path) {
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
