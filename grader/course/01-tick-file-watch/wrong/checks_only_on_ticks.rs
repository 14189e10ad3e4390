//! WRONG on purpose: checks for the file only when it ticks.

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

/// Wrong: one loop that ticks and checks, so the check waits for the next tick.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, _poll: Duration) {
    loop {
        if tokio::fs::try_exists(path).await.unwrap_or(false) {
            say!("exists!");
            return;
        }
        say!("tick");
        tokio::time::sleep(tick_period).await;
    }
}
