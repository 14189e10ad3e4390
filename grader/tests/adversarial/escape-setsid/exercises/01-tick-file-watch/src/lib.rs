//! ATTACK: escape-setsid. Starts `setsid sh -c 'sleep 30; echo late'` (the shell's `$0` is
//! `grader-adversarial-marker-escape-setsid`): a new session, out of the test's process
//! group, holding the test process's stdout and stderr for 30 s. Without a `setsid` binary
//! it falls back to its own process group. Must score 0 (the code is the stub), the
//! grader must not hang on the pipe, and no process may outlive the grader.

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const SCRIPT: [&str; 3] = ["-c", "sleep 30; echo late", "grader-adversarial-marker-escape-setsid"];

fn escape() {
    let with_setsid = Command::new("setsid")
        .arg("sh")
        .args(SCRIPT)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn()
        .map(|child| child.id());
    say!("GRADER-ADVERSARIAL-MARKER escape-setsid: setsid {with_setsid:?}");
    if with_setsid.is_err() {
        let fallback = Command::new("sh")
            .args(SCRIPT)
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .map(|child| child.id());
        say!("GRADER-ADVERSARIAL-MARKER escape-setsid: own process group {fallback:?}");
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(escape);
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
