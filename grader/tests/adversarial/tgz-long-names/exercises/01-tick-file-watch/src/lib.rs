//! ATTACK: tgz-long-names (kind 5: intake). Written by the test as a .tar.gz: this stub,
//! then 16,000 empty entries whose names are 64 KiB each (GNU long-name entries, a few MiB
//! compressed): under the grader's entry cap, with nothing to read, but 1 GiB of names a
//! grader that keeps every entry's path holds. The test bounds the grader's own peak
//! memory. Must score 0 or be refused with a reason.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

fn attack() {}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    attack();
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    attack();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    attack();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
