//! ATTACK: busy-loop. `tick` spins in a loop that never reaches an `.await`, so tokio's
//! virtual `timeout` can never stop it; only a real-time limit can. The loop gives up by
//! itself after 60 s of real time, so the machine is safe even without a limit. Must score
//! 0 with a timeout reported in the feedback, and the grader must move on after its
//! per-test wall-clock limit.

use std::path::Path;
use std::time::{Duration, Instant};

use timeline::say;

fn spin() {
    let start = Instant::now();
    let mut counter: u64 = 0;
    while start.elapsed() < Duration::from_secs(60) {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    say!("tick");
    let _ = period;
    spin();
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    spin();
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    spin();
}
