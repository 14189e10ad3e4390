//! ATTACK: folder-sparse-files (kind 5: intake). Written by the test as a folder: this stub
//! plus 6,000 sparse files of 250 KiB each in `src/pad/` (no disk used, zeros when read):
//! each is under the grader's per-file cap and the count under its entry cap, so a grader
//! that reads every file before it adds them up holds 1.4 GiB. The test bounds the
//! grader's own peak memory. Must score 0 or be refused with a reason.
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
