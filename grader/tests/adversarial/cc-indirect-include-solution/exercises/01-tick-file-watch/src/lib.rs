//! ATTACK: cc-indirect-include-solution. `include_str!` and `env!` reached through a
//! `macro_rules!` that takes the macro's name as an identifier (the source scan sees no
//! `include_str!(`): the stage's path from `CARGO_MANIFEST_DIR`, then the course's
//! reference solution five folders up, printed line by line so it comes back in the
//! feedback. Must score 0, and no line of the solution may appear in its feedback.
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

const SOLUTION: &str = call!(
    include_str,
    concat!(
        call!(env, "CARGO_MANIFEST_DIR"),
        "/../../../../../solutions/01-tick-file-watch/src/lib.rs"
    )
);

fn leak() {
    say!(
        "GRADER-ADVERSARIAL-MARKER cc-indirect-include-solution: staged at {}",
        call!(env, "CARGO_MANIFEST_DIR")
    );
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
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
