//! ATTACK: cc-const-eval-loop. A constant whose evaluation never ends, with the lint that
//! would stop it allowed: the compiler runs forever (or until the grader stops it). Must
//! score 0 on the lesson with a message saying the compiler gave up; the run completes
//! and the honest classmates keep full marks.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

#[allow(long_running_const_eval)]
const FOREVER: u64 = {
    let mut i: u64 = 1;
    while i != 0 {
        i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) | 1;
    }
    i
};

/// Uses the constant, so it is evaluated.
pub fn forever() -> u64 {
    FOREVER
}

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
