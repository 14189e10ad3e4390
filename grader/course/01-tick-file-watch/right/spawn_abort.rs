//! Right variant: a spawned ticker stopped with `JoinHandle::abort`, and the file checked
//! with `tokio::fs::metadata`.
//!
//! Correct per the README: "If you use `tokio::spawn(tick(..))` instead, keep the
//! `JoinHandle` and call `.abort()` on it" (hint 2). The abort happens right after
//! `exists!`, before the runtime gets the thread back, so the ticker prints nothing
//! afterwards. `metadata(path)` succeeding is "the file exists", like `try_exists`, and
//! also runs on the blocking pool.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    loop {
        say!("tick");
        tokio::time::sleep(period).await;
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    while tokio::fs::metadata(path).await.is_err() {
        tokio::time::sleep(poll).await;
    }
    say!("exists!");
}

/// Runs [`tick`] and [`wait_for`] at the same time. Returns as soon as the file appears,
/// and the ticker stops with it: nothing is printed after `exists!`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let ticker = tokio::spawn(tick(tick_period));
    wait_for(path, poll).await;
    ticker.abort();
}
