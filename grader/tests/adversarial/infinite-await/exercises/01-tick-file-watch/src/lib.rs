//! ATTACK: infinite-await. Every function awaits forever: `tick` on a future that never
//! completes, `wait_for` in a polling loop that never looks at the file. On the paused
//! clock this costs no real time, so only the virtual limit of each test stops it. Must
//! score 0, each run ending "did not finish within ... of virtual time", quickly.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let _ = period;
    std::future::pending::<()>().await;
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = path;
    loop {
        tokio::time::sleep(poll).await;
    }
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period);
    wait_for(Path::new("/nonexistent"), poll).await;
}
