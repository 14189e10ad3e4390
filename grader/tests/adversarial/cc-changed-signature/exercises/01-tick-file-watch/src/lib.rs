//! ATTACK: cc-changed-signature (an honest mistake). `tick` takes the period in
//! milliseconds as a `u64` instead of a `Duration`: the crate compiles alone, the tests do
//! not. Must score 0 on the lesson; the honest classmates keep full marks and never see
//! this code or its errors.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: u64) {
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
