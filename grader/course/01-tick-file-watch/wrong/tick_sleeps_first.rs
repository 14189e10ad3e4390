//! WRONG on purpose: `tick` waits a `period` before its first `tick` (the sleep at the top
//! of the loop), so the tick at 0 s is missing and every tick comes one period late. The
//! watcher and the way both run together are right.

use std::path::Path;
use std::time::Duration;

use timeline::say;

/// Wrong: sleeps first, so the first `tick` comes after one `period`, not at once.
pub async fn tick(period: Duration) {
    loop {
        tokio::time::sleep(period).await;
        say!("tick");
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
    tokio::select! {
        () = tick(tick_period) => unreachable!("tick never returns"),
        () = wait_for(path, poll) => {}
    }
}
