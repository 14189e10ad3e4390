//! A submission for lesson 01 that takes every process it may (up to 700 `sleep`s) and
//! holds them for 6 s before failing like the stub. Under a process-count limit shared by
//! all test processes, classmates graded beside it could not start theirs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

fn hog() {
    let mut held = Vec::new();
    while held.len() < 700 {
        let spawned = Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => held.push(child),
            Err(_) => break,
        }
    }
    std::thread::sleep(Duration::from_secs(6));
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(hog);
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
