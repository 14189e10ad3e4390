//! ATTACK: env-set-var. Tampers with the test process's environment at run time:
//! `INSTA_FORCE_PASS=1` and `INSTA_UPDATE=always` (so insta accepts any snapshot) and
//! removes `TIMELINE_EVIDENCE` (so `check!` falls back to insta instead of writing
//! evidence). Edition 2024 makes `std::env::set_var` unsafe, so this must not compile: the
//! exercise scores 0 with the compiler's error (mentioning `set_var`) in the feedback.

use std::path::Path;
use std::time::Duration;

use timeline::say;

fn tamper() {
    std::env::set_var("INSTA_FORCE_PASS", "1");
    std::env::set_var("INSTA_UPDATE", "always");
    std::env::remove_var("TIMELINE_EVIDENCE");
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    tamper();
    say!("tick");
    let _ = period;
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    tamper();
    let _ = (path, poll);
    say!("exists!");
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    tamper();
    let _ = (path, tick_period, poll);
    say!("exists!");
}
