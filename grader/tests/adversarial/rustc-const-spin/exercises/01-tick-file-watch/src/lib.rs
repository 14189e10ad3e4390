//! ATTACK: rustc-const-spin (kinds 3 and 6: compile time). The lint that stops long
//! constant evaluation is only a lint: allowed here, a constant loop keeps rustc busy for
//! 30 to 60 s (20 million steps), holding up the batch's lesson-1 test binary and every
//! student in it. Bounded (a fixed number of steps). A compile limit stops it (this student
//! not compiled, 0 points); graded in a batch of its own, which must stay within its time
//! budget.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

#![allow(long_running_const_eval)]

use std::path::Path;
use std::time::Duration;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER rustc-const-spin";

const fn spin(steps: u64) -> u64 {
    let mut i = 0;
    let mut x = 0u64;
    while i < steps {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
        i += 1;
    }
    x
}

/// Computed by the compiler.
pub const SPUN: u64 = spin(20_000_000);

fn attack() {
    let _ = (TAG, SPUN);
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
