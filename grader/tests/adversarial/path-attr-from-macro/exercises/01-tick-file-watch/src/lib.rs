//! ATTACK: path-attr-from-macro (kind 3b). A `#[path]` attribute no scan of attributes
//! sees: a `macro_rules!` takes the attribute as a `meta` fragment (`m!(path = "..")`) and
//! writes `#[$attribute] pub mod reference;`. The path leads from this file in the
//! combined crate (`target/grader/stage/crates/<key>/src/exercise_01/`) to the course's
//! reference solution, compiled as a module of this crate; the three functions forward to
//! it. Must score 0 (it would score full marks with the stub if the compiler could read
//! the course).
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::time::Duration;

macro_rules! module_at {
    ($attribute:meta) => {
        #[$attribute]
        #[allow(dead_code, unused_imports)]
        pub mod reference;
    };
}

module_at!(path = "../../../../../../../solutions/01-tick-file-watch/src/lib.rs");

/// GRADER-ADVERSARIAL-MARKER path-attr-from-macro: the reference solution's `tick`.
pub async fn tick(period: Duration) {
    reference::tick(period).await
}

/// The reference solution's `wait_for`.
pub async fn wait_for(path: &Path, poll: Duration) {
    reference::wait_for(path, poll).await
}

/// The reference solution's `tick_until_exists`.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    reference::tick_until_exists(path, tick_period, poll).await
}
