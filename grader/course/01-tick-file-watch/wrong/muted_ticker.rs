//! WRONG on purpose: the ticker is spawned and, when the file appears, only muted by a
//! flag. Nothing is printed after `exists!`, but the task lives on and wakes every period
//! forever: the tests of `tick_until_exists` expect cleanup and render
//! `!! 1 task still alive ... after the return`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
    let muted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&muted);
    // The mistake: a flag silences the ticker, but the task is never aborted.
    tokio::spawn(async move {
        loop {
            if !flag.load(Ordering::SeqCst) {
                say!("tick");
            }
            tokio::time::sleep(tick_period).await;
        }
    });
    wait_for(path, poll).await;
    muted.store(true, Ordering::SeqCst);
}
