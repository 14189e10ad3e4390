//! ATTACK: crash-late-rerun (kind 6: time). Every test of lesson 1 blocks for 7 s of real
//! time, under the 10 s limit, then aborts the whole process: a grader that runs each test
//! whose process crashed again alone, with the full limit, spends 7 s on the process of
//! all tests and 7 s on each of the 6 again (49 s for one lesson of one student). Graded in
//! a batch of its own, which must stay within its time budget. Bounded: 7 s per process.
//! Must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER crash-late-rerun";

fn attack() {
    eprintln!("{TAG}: blocking 7 s, then ending the process");
    std::thread::sleep(Duration::from_secs(7));
    std::process::abort();
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
