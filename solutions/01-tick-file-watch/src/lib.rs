//! Lesson 1: run two jobs at once, and stop both when one of them is done.
//!
//! Reference solution.

use std::path::Path;
use std::time::Duration;

use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    loop {
        say!("tick");
        // `.await` on tokio's sleep hands the thread back to the executor, which runs the
        // other tasks meanwhile. `std::thread::sleep` would hold the thread for the whole
        // period and freeze every task on it.
        tokio::time::sleep(period).await;
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    // `tokio::fs` runs the file-system call on a blocking thread, so a slow disk does not
    // stall the executor. An error (say, no permission to look) counts as "not yet".
    while !tokio::fs::try_exists(path).await.unwrap_or(false) {
        // Polling with a pause. The Python lesson spins with `asyncio.sleep(0)`, which
        // keeps a core busy; a short sleep costs nothing while we wait.
        tokio::time::sleep(poll).await;
    }
    say!("exists!");
}

/// Runs [`tick`] and [`wait_for`] at the same time. Returns as soon as the file appears,
/// and the ticker stops with it: nothing is printed after `exists!`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    // `select!` polls both futures on this task and returns as soon as one completes. The
    // other one is dropped right there: in Rust, dropping a future cancels it, and a
    // future that is never polled again never prints again.
    //
    // In asyncio, `create_task(tick())` keeps running until the event loop closes. The
    // tokio equivalent, `tokio::spawn(tick(..))`, would too: a spawned task lives on
    // until it finishes or is aborted, so you would have to call `.abort()` on its handle.
    tokio::select! {
        () = tick(tick_period) => unreachable!("tick never returns"),
        () = wait_for(path, poll) => {}
    }
}
