//! ATTACK: cc-indirect-hidden-tests. `include_bytes!` through a macro that takes its name
//! as an identifier, reading the hidden test file where the grader stages it
//! (`stage/suites/suite-exercise-01/common/`, found from `CARGO_MANIFEST_DIR`), printed so
//! the hidden tests' parameters come back in the feedback. Must score 0, and the hidden
//! test's source (`other-name.log`) must not appear in its feedback.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Calls the macro whose name it is given, so no `name!(` appears in the source.
macro_rules! call {
    ($name:ident, $($args:tt)*) => {
        $name!($($args)*)
    };
}

const HIDDEN: &[u8] = call!(
    include_bytes,
    concat!(
        call!(env, "CARGO_MANIFEST_DIR"),
        "/../../suites/suite-exercise-01/common/tick_watch_hidden.rs"
    )
);

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER cc-indirect-hidden-tests:");
    for line in String::from_utf8_lossy(HIDDEN).lines() {
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
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
