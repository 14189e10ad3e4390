//! ATTACK: include-etc-passwd. `include_bytes!("/etc/passwd")`: a host file baked into the
//! binary at compile time and printed, so the grading machine's users come back in the
//! feedback. Must score 0 (the code is the stub), the feedback must name `include_bytes`,
//! and no line of the host's /etc/passwd (`root:x:0:0`) may appear in it.

use std::path::Path;
use std::time::Duration;

use timeline::say;

const HOST_FILE: &[u8] = include_bytes!("/etc/passwd");

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER include-etc-passwd:");
    for line in String::from_utf8_lossy(HOST_FILE).lines() {
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
    leak();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
