//! ATTACK: escape-process-group. Starts `sleep 30` (argv[0]
//! `grader-adversarial-marker-escape-process-group`) in a process group of its own
//! (`CommandExt::process_group(0)`, safe Rust), with the test process's stdout and stderr,
//! so killing the test's process group misses it and it keeps the output pipe open. Must
//! score 0 (the code is the stub), the grader must not wait for the pipe to close, and no
//! process may outlive the grader.

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

fn escape() {
    let spawned = Command::new("sleep")
        .arg0("grader-adversarial-marker-escape-process-group")
        .arg("30")
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .process_group(0)
        .spawn()
        .map(|child| child.id());
    say!("GRADER-ADVERSARIAL-MARKER escape-process-group: {spawned:?}");
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
