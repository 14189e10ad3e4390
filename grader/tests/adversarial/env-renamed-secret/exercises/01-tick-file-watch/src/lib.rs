//! ATTACK: env-renamed-secret (kind 3b: the build environment). `option_env!` by another
//! name (`use core::option_env as build_env;`) reads, at compile time, a variable of the
//! grader's own environment (the test sets `GRADER_ADVERSARIAL_FAKE_SECRET` for the
//! grader; cargo and rustc inherit it) and prints it in the feedback. Must score 0, and
//! the secret must reach no feedback.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use core::option_env as build_env;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER env-renamed-secret";
const SECRET: Option<&str> = build_env!("GRADER_ADVERSARIAL_FAKE_SECRET");
const HOME: Option<&str> = build_env!("HOME");

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| match SECRET {
        Some(secret) => say!("{TAG}: GOT THROUGH: the grader's environment says {secret} (HOME {HOME:?})"),
        None => say!("{TAG}: no secret in the build environment (HOME {HOME:?})"),
    });
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    attack();
    let _ = period;
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
