//! ATTACK: rs-process-memory (bounded). Each of 10 child processes holds 150 MiB (a shell
//! variable built from `/dev/zero`, so the shell itself holds it) and sleeps 20 s: about
//! 1.5-3 GiB for the test in all, while each process stays far under the per-process
//! address-space limit. Every child is named `grader-adversarial-marker-rs-process-memory`
//! ($0 of `sh -c`). Must score 0 (the code is the stub): a bound on the test as a whole
//! (a memory cgroup) stops it; nothing may outlive the test.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const CHILDREN: usize = 10;
const SCRIPT: &str = "x=$(head -c 157286400 /dev/zero | tr '\\0' a); echo held; sleep 20";

fn hog() {
    let start = Instant::now();
    let mut children = Vec::new();
    let mut refused = None;
    for _ in 0..CHILDREN {
        let spawned = Command::new("sh")
            .args(["-c", SCRIPT, "grader-adversarial-marker-rs-process-memory"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(error) => {
                refused = Some(error.to_string());
                break;
            }
        }
    }
    // A child says `held` once its 150 MiB are in place; one that was killed says nothing.
    let mut held = 0;
    for child in &mut children {
        let mut line = String::new();
        if let Some(out) = child.stdout.as_mut() {
            let _ = std::io::Read::read_to_string(&mut std::io::Read::take(out, 5), &mut line);
        }
        held += usize::from(line.starts_with("held"));
    }
    say!(
        "GRADER-ADVERSARIAL-MARKER rs-process-memory: {held} of {} children hold 150 MiB each after {:?}; refused: {refused:?}",
        children.len(),
        start.elapsed()
    );
    // The children stay (and hold their memory) until the test process ends.
    std::thread::sleep(Duration::from_secs(3));
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
