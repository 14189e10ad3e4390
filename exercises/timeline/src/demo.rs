//! The runtime behind each exercise's `main.rs`.

use std::future::Future;

use crate::sink;

/// Setting this environment variable to `1` runs a demo on a paused clock: it finishes at
/// once and prints the same times on every run, which is how the demos are tested.
pub const PAUSED_ENV: &str = "TIMELINE_PAUSED";

/// Runs an exercise's demo on a `current_thread` runtime in real time, or on a paused
/// clock when `TIMELINE_PAUSED=1`. Lines printed with [`say!`](crate::say!) are stamped
/// with the time since the demo started.
pub fn demo<F: Future>(future: F) -> F::Output {
    let paused = std::env::var(PAUSED_ENV).is_ok_and(|value| value == "1");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(paused)
        .build()
        .expect("timeline: could not build a tokio runtime");
    runtime.block_on(async {
        sink::start_live_clock();
        future.await
    })
}
