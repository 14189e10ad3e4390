//! ATTACK: cc-indirect-classmates. `include_str!` through a macro that takes its name as
//! an identifier, reading the next classmate's copy of lesson 1 where the grader stages
//! it (`stage/crates/s002/src/exercise_01/lib.rs`: the student crates sit next to this
//! one, found from `CARGO_MANIFEST_DIR`; graded alone with the honest students, this is
//! `s001` and `honest-1`, the reference solution, is `s002`). Must score 0, and no line
//! of the classmate's code may appear in its feedback.
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

const CLASSMATE: &str = call!(
    include_str,
    concat!(
        call!(env, "CARGO_MANIFEST_DIR"),
        "/../s002/src/exercise_01/lib.rs"
    )
);

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER cc-indirect-classmates:");
    for line in CLASSMATE.lines() {
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
