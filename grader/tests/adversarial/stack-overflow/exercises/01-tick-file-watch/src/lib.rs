//! ATTACK: stack-overflow. Unbounded recursion with a 1 KiB frame, reached from every
//! function, until the thread's stack overflows and Rust aborts the whole test process
//! (SIGABRT). Must score 0 with the crash explained in the feedback (a stack overflow),
//! and the grader must carry on with the other students.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

fn dive(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth as u8; 1024]);
    if std::hint::black_box(depth) == u64::MAX {
        return u64::from(frame[0]);
    }
    dive(depth + 1).wrapping_add(u64::from(frame[1023]))
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let _ = period;
    std::hint::black_box(dive(0));
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    std::hint::black_box(dive(0));
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    std::hint::black_box(dive(0));
}
