//! ATTACK: cc-renamed-function (an honest mistake). Renames `tick` to `tick_forever`: the
//! crate compiles alone, but the tests call `tick`, so the lesson's shared test crate does
//! not compile. Must score 0 on the lesson with the compiler's error in its own feedback;
//! the honest classmates keep full marks and never see this code or its errors.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick_forever(period: Duration) {
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick_forever`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
