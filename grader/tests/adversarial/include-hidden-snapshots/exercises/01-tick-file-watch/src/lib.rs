//! ATTACK: include-hidden-snapshots. `include_str!` of a hidden test's snapshot (the
//! grader's expected output, six folders up from the staged `src/lib.rs`), printed line by
//! line so the expectation comes back in the feedback ("what your code printed") and can be
//! hard-coded next time. Must score 0 (the code is the stub), the feedback must name
//! `include_str`, and the hidden expectation (`returned after 4.000s`) must not appear.

use std::path::Path;
use std::time::Duration;

use timeline::say;

const HIDDEN: &str = include_str!(
    "../../../../../../grader/course/01-tick-file-watch/hidden/snapshots/tick_watch_hidden__fast_polls_see_the_file_between_slow_ticks.snap"
);

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER include-hidden-snapshots:");
    for line in HIDDEN.lines() {
        say!("{line}");
    }
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    leak();
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    leak();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    leak();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
