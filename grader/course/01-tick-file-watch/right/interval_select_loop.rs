//! Right variant: `tokio::time::interval` instead of `sleep` loops, and a `tokio::select!`
//! inside a `loop` that ticks inline until the pinned watcher completes.
//!
//! Correct per the README: an interval's first tick completes at once, so `tick` prints
//! at 0, `period`, 2 x `period`, ... and `wait_for` checks at 0, `poll`, 2 x `poll`, ...
//! The ticker lives inside `tick_until_exists`'s own loop; when the watcher branch wins,
//! the loop ends and nothing is printed after `exists!` (the README's "ticker stops").

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let mut ticks = tokio::time::interval(period);
    loop {
        ticks.tick().await;
        say!("tick");
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let mut checks = tokio::time::interval(poll);
    loop {
        checks.tick().await;
        if tokio::fs::try_exists(path).await.unwrap_or(false) {
            say!("exists!");
            return;
        }
    }
}

/// Runs [`tick`] and [`wait_for`] at the same time. Returns as soon as the file appears,
/// and the ticker stops with it: nothing is printed after `exists!`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let mut ticks = tokio::time::interval(tick_period);
    let mut watcher = std::pin::pin!(wait_for(path, poll));
    loop {
        tokio::select! {
            () = &mut watcher => return,
            _ = ticks.tick() => say!("tick"),
        }
    }
}
