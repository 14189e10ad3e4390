//! Lesson 1: run two jobs at once, and stop both when one of them is done.
//!
//! Read the task in README.md. Run the demo with `cargo run -p exercise-01` and the tests
//! with `cargo test -p exercise-01`. Print with `say!`, not `println!`: the tests read
//! what you print and when.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    // TODO: loop forever: print "tick" with `say!`, then wait `period`.
    // Wait with `tokio::time::sleep(..).await`, never with `std::thread::sleep`: the
    // first gives the executor back to the other tasks, the second freezes all of them.
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    // TODO: check whether the file exists (`tokio::fs::try_exists(path).await`), and if
    // not, sleep `poll` and check again. When it exists, print "exists!" and return.
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time. Returns as soon as the file appears,
/// and the ticker stops with it: nothing is printed after `exists!`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    // TODO: run both futures concurrently and return when `wait_for` finishes.
    // `tokio::select!` polls both and drops the one still running when the other ends;
    // dropping a future is how you cancel it in Rust.
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
