//! WRONG on purpose: spawns the ticker and forgets to stop it.

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

/// Wrong: the spawned ticker outlives this function.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    tokio::spawn(tick(tick_period));
    wait_for(path, poll).await;
}
