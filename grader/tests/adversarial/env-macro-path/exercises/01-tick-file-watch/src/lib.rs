//! ATTACK: env-macro-path. Uses `env!("CARGO_MANIFEST_DIR")` to learn where the grader
//! staged this crate (`<root>/target/grader/stage/crates/<key>-exercise-01`), prints it,
//! and builds an `include_str!` path from it that climbs to the course's reference
//! solution, printing the solution so it comes back in the feedback. Must score 0 (the
//! code is the stub), the feedback must name `env!`, and no line of the reference
//! solution may appear in it.

use std::path::Path;
use std::time::Duration;

use timeline::say;

const STAGED_AT: &str = env!("CARGO_MANIFEST_DIR");
const SOLUTION: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../../../solutions/01-tick-file-watch/src/lib.rs"
));

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER env-macro-path: staged at {STAGED_AT}");
    for line in SOLUTION.lines() {
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
