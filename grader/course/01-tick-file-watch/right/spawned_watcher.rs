//! Right variant: the watcher is the spawned task (it owns a copy of the path), and the
//! caller ticks inline with `sleep_until` deadlines in a `select!` against the watcher's
//! `JoinHandle`.
//!
//! Correct per the README: a spawned task "runs on its own until it returns", and
//! awaiting its `JoinHandle` (`&mut handle` in `select!`) tells when it did; the ticker is
//! the loop of this function, so it stops when the watcher's branch wins: nothing is
//! printed after `exists!`. `tick` and `wait_for` keep their plain loops.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;
use tokio::time::{Instant, sleep_until};

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let mut next = Instant::now();
    loop {
        say!("tick");
        next += period;
        sleep_until(next).await;
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    while !tokio::fs::try_exists(path).await.unwrap_or(false) {
        tokio::time::sleep(poll).await;
    }
    say!("exists!");
}

/// Runs [`tick`] and [`wait_for`] at the same time. Returns as soon as the file appears,
/// and the ticker stops with it: nothing is printed after `exists!`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let path = path.to_path_buf();
    let mut watcher = tokio::spawn(async move { wait_for(&path, poll).await });
    let mut next = Instant::now();
    loop {
        say!("tick");
        next += tick_period;
        tokio::select! {
            joined = &mut watcher => {
                joined.expect("the watcher panicked");
                return;
            }
            () = sleep_until(next) => {}
        }
    }
}
