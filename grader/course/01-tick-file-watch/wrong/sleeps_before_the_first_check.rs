//! WRONG on purpose: `wait_for` sleeps a `poll` before its first check (a `loop` with the
//! sleep at the top), so a file that is already there is seen only after one `poll`, not
//! at once. Everything else is right, and with a file that appears later every check
//! still falls on a multiple of `poll`, so only the file-already-there case shows it.

use std::path::Path;
use std::time::Duration;

use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    loop {
        say!("tick");
        tokio::time::sleep(period).await;
    }
}

/// Wrong: waits `poll` first, then checks.
pub async fn wait_for(path: &Path, poll: Duration) {
    loop {
        tokio::time::sleep(poll).await;
        if tokio::fs::try_exists(path).await.unwrap_or(false) {
            break;
        }
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
