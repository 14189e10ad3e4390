//! ATTACK: exit-late-rerun (kind 6). Like crash-late-rerun, but ends the process with a
//! clean `exit(0)` after 7 s instead of a signal: a process that ends without a test's
//! evidence counts as a crash too, so every test runs again alone. Graded in a batch of
//! its own, which must stay within its time budget. Bounded: 7 s per process. Must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER exit-late-rerun";

fn attack() {
    eprintln!("{TAG}: blocking 7 s, then ending the process");
    std::thread::sleep(Duration::from_secs(7));
    std::process::exit(0);
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
