//! ATTACK: env-secrets. Stands for the "secrets leak" row (`pull_request_target`): reads a
//! secret the grading machine has in its environment, once at compile time
//! (`option_env!`, baked into the binary by rustc) and once at run time
//! (`std::env::var`), and prints it so it comes back in the feedback. The test sets a fake
//! secret, `GRADER_ADVERSARIAL_FAKE_SECRET`, on the grader; no other variable is read.
//! Must score 0 (the code is the stub), the feedback must name the `env!` family, and the
//! secret's value must not appear in it.

use std::path::Path;
use std::time::Duration;

use timeline::say;

/// Whatever the build saw.
const AT_BUILD: Option<&str> = option_env!("GRADER_ADVERSARIAL_FAKE_SECRET");

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER env-secrets: at build time {AT_BUILD:?}");
    let at_run = std::env::var("GRADER_ADVERSARIAL_FAKE_SECRET").ok();
    say!("GRADER-ADVERSARIAL-MARKER env-secrets: at run time {at_run:?}");
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
