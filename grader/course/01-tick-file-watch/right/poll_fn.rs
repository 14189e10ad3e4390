//! Right variant: both futures polled by hand in one `std::future::poll_fn`, the
//! hand-written form of `select!`.
//!
//! Correct per the README: "A future is inert ... nothing is printed until it is
//! `.await`ed, put in `tokio::select!`/`join!`, or spawned"; polling both futures from one
//! `poll_fn` runs them at the same time on the current task. When the watcher is ready the
//! closure returns `Ready` without polling the ticker again, and the ticker is dropped
//! with the pinned futures: "dropping a future cancels it".

use std::future::Future;
use std::path::Path;
use std::task::Poll;
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
    loop {
        if let Ok(true) = tokio::fs::try_exists(path).await {
            say!("exists!");
            return;
        }
        tokio::time::sleep(poll).await;
    }
}

/// Runs [`tick`] and [`wait_for`] at the same time. Returns as soon as the file appears,
/// and the ticker stops with it: nothing is printed after `exists!`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let mut ticker = std::pin::pin!(tick(tick_period));
    let mut watcher = std::pin::pin!(wait_for(path, poll));
    std::future::poll_fn(|cx| {
        if watcher.as_mut().poll(cx).is_ready() {
            return Poll::Ready(());
        }
        // The ticker never ends; polling it registers its timer with `cx`.
        let _ = ticker.as_mut().poll(cx);
        Poll::Pending
    })
    .await;
}
