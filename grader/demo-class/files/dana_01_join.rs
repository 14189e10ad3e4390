//! Demo submission: joins the ticker and the watcher, so the call never returns.

use std::path::Path;
use std::time::Duration;

use timeline::say;

pub async fn tick(period: Duration) {
    loop {
        say!("tick");
        tokio::time::sleep(period).await;
    }
}

pub async fn wait_for(path: &Path, poll: Duration) {
    while !tokio::fs::try_exists(path).await.unwrap_or(false) {
        tokio::time::sleep(poll).await;
    }
    say!("exists!");
}

pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    // `join!` waits for BOTH futures; `tick` never returns.
    tokio::join!(tick(tick_period), wait_for(path, poll));
}
