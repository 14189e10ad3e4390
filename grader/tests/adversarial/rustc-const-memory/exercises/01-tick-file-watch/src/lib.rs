//! ATTACK: rustc-const-memory (kind 3). A constant evaluated at compile time builds a
//! 3 GiB array in the compiler's interpreter: rustc holds about 3.3 GB for a few seconds,
//! and nothing lands on disk. Bounded (3 GiB, seconds). A limited compiler stops it (this
//! student not compiled, 0 points); the test samples the memory of everything the grader
//! starts and bounds it.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER rustc-const-memory";

/// Bytes the compiler holds at once.
pub const HOARD: usize = {
    let block = [7u8; 3 << 30];
    block.len()
};

fn attack() {
    let _ = (TAG, HOARD);
}

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
