//! ATTACK: unsafe-allow-override. The same environment tampering as env-set-var, but the
//! way a determined student would write it: an `unsafe` block around `set_var`, after
//! trying to switch the workspace's `unsafe_code = "forbid"` lint off with an inner
//! `#![allow(unsafe_code)]`. A forbidden lint cannot be allowed again, so this must not
//! compile: the exercise scores 0 with the compiler's error (mentioning `unsafe_code`).
#![allow(unsafe_code)]

use std::path::Path;
use std::time::Duration;

use timeline::say;

fn tamper() {
    // SAFETY: none; this is the attack.
    unsafe {
        std::env::set_var("INSTA_FORCE_PASS", "1");
        std::env::set_var("INSTA_UPDATE", "always");
        std::env::remove_var("TIMELINE_EVIDENCE");
    }
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
