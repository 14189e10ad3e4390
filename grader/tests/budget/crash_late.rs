//! Lesson 1, a crash that makes every test run again alone: every test process it is in
//! waits a second of real time, then aborts. Used by tests/budget.rs.

use std::path::Path;
use std::sync::Once;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

fn crash_late() {
    std::thread::sleep(Duration::from_secs(1));
    std::process::abort();
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(crash_late);
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
