//! ATTACK: cc-post-mono-assert. `tick` is generic over the period's type with a
//! `const { assert!(..) }` that fails for `Duration`: the crate compiles alone (nothing
//! instantiates it), and the error appears only when the tests' crate instantiates it,
//! pointing at this file, not at a line of the grader's `batch.rs`. Must score 0 on the
//! lesson; the honest classmates keep full marks and never see this code or its errors.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick<P: Into<Duration>>(period: P) {
    const {
        assert!(
            std::mem::size_of::<P>() == 1,
            "GRADER-ADVERSARIAL-MARKER cc-post-mono-assert"
        )
    };
    let _ = period.into();
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
