//! ATTACK: stdin-relay-classmate (kind 1). Never reads the secret. `tick` is a plain
//! function returning a future, so its body runs before `capture`: it holds the lock on
//! standard input (the harness of the other tests waits for it), lists the tests of its
//! own batch binary (`--list`), tries each classmate's first visible test with a made-up
//! secret to find one that passes (its evidence is readable, only not validly signed),
//! then runs that classmate's lesson-1 tests from the same binary with *its own* standard
//! input and output handed down: the classmate's harness reads the grader's real secret
//! from the inherited pipe and prints validly signed evidence for tests of the same names,
//! which the grader takes as this student's. `wait_for` and `tick_until_exists` abort
//! the process of all the tests, so that `tick`'s test runs again alone, with no other
//! test's harness racing it to standard input. Every process it starts is named
//! `grader-adversarial-marker-stdin-relay-classmate`. The code is the stub: it must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::io::{Read as _, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER stdin-relay-classmate";
const NAME: &str = "grader-adversarial-marker-stdin-relay-classmate";
const PROBE: &str = "tick_watch::tick_prints_at_once_and_then_every_period";

fn binary() -> Option<(String, String, Vec<String>)> {
    let mut args = std::env::args();
    let exe = args.next()?;
    let tests: Vec<String> = args.filter(|a| a.contains("::")).collect();
    let own = tests.first()?.split("::").next()?.to_string();
    Some((exe, own, tests))
}

fn classmates(exe: &str, own: &str) -> Vec<String> {
    let Ok(listed) = Command::new(exe).arg0(NAME).arg("--list").stdin(Stdio::null()).output() else {
        return Vec::new();
    };
    let mut keys: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter(|l| l.ends_with(": test") && l.contains(PROBE))
        .filter_map(|l| l.split("::").next().map(str::to_string))
        .filter(|k| k != own)
        .collect();
    keys.dedup();
    keys
}

fn passes(exe: &str, key: &str) -> bool {
    let child = Command::new(exe)
        .arg0(NAME)
        .args([format!("{key}::{PROBE}"), "--exact".into()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(b"made-up\n");
    }
    let mut out = String::new();
    if let Some(mut output) = child.stdout.take() {
        let _ = output.read_to_string(&mut out);
    }
    let _ = child.wait();
    out.contains("timeline-evidence") && out.contains("[  0.900s] tick") && !out.contains("panicked")
}

fn relay() {
    let Some((exe, own, tests)) = binary() else {
        return;
    };
    // Hold standard input: the harness of this process's other tests waits for the lock.
    let _hold = std::io::stdin().lock();
    if tests.len() > 1 {
        // The process of all the tests: wait for the crash, and the run alone.
        std::thread::sleep(Duration::from_secs(2));
        return;
    }
    let Some(key) = classmates(&exe, &own).into_iter().take(40).find(|k| passes(&exe, k)) else {
        eprintln!("{TAG}: no classmate passes");
        return;
    };
    let theirs: Vec<String> = tests.iter().map(|t| t.replacen(&own, &key, 1)).collect();
    let status = Command::new(&exe)
        .arg0(NAME)
        .args(&theirs)
        .args(["--exact", "--quiet", "--test-threads=8"])
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::null())
        .status();
    eprintln!("{TAG}: GOT THROUGH: relayed {key}'s tests with the grader's stdin: {status:?}");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(relay);
}

/// Prints `tick` at once and then every `period`, forever. Not an `async fn`: its body
/// runs when the test calls it, before `capture` does.
pub fn tick(period: Duration) -> impl std::future::Future<Output = ()> {
    attack();
    async move {
        let _ = period;
        todo!("tick")
    }
}

/// Ends the process of all the tests at once: the grader then runs each test again in a
/// process of its own, where `tick`'s test is alone, with no harness racing it to the
/// secret.
fn crash() {
    std::thread::sleep(Duration::from_millis(200));
    std::process::abort();
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    crash();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    crash();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
