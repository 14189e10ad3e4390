//! ATTACK: include-hidden-tests. `include_str!` of the hidden test file as the grader
//! stages it next to the student crates (`stage/suites/suite-exercise-01/common/`, three
//! folders up from the staged `src/lib.rs`), printed line by line so the hidden tests'
//! parameters come back in the feedback. Must score 0 (the code is the stub), the feedback
//! must name `include_str`, and the hidden test's source (`other-name.log`) must not
//! appear in it.

use std::path::Path;
use std::time::Duration;

use timeline::say;

const HIDDEN_TESTS: &str =
    include_str!("../../../suites/suite-exercise-01/common/tick_watch_hidden.rs");

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER include-hidden-tests:");
    for line in HIDDEN_TESTS.lines() {
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
