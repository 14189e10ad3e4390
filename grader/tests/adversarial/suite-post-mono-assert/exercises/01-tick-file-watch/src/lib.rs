//! ATTACK: suite-post-mono-assert (kind 2: errors only the shared test crate sees).
//! `tick` is generic and asserts, in an inline `const` block, something false of the type
//! it is called with: this crate compiles alone (nothing instantiates `tick`), and the
//! error appears only when the batch's test crate instantiates it, in the student's file
//! but reported while compiling the tests. The error text carries the marker: it must reach
//! no one else's feedback, and no honest student may lose a point. Must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

fn attack() {}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick<D: Into<Duration>>(period: D) {
    const {
        assert!(
            std::mem::size_of::<D>() == 0,
            "GRADER-ADVERSARIAL-MARKER suite-post-mono-assert: an error only the tests' crate sees"
        )
    };
    let _ = period.into();
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    attack();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    attack();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
