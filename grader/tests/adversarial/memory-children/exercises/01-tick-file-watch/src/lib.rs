//! ATTACK: memory-children (kind 4: a process limit is per process). Starts 5 copies of
//! its own test binary (each named `grader-adversarial-marker-memory-children`), each
//! running this test again as a child that touches 400 MiB and holds it for 3 s; the
//! parent holds 400 MiB too. An address-space limit binds each process, not the test: 2.4
//! GiB together. Says `GOT THROUGH` when 4 or more children held their share at once.
//! Bounded: 6 x 400 MiB, 3 s. Must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER memory-children";
const NAME: &str = "grader-adversarial-marker-memory-children";
const CHILD_ENV: &str = "ADVERSARIAL_MEMORY_CHILD";
const SHARE: usize = 400 << 20;

fn hold() -> usize {
    let block = vec![1u8; SHARE];
    std::thread::sleep(Duration::from_secs(3));
    block.iter().step_by(4096).map(|&b| usize::from(b)).sum()
}

fn spread() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let pages = hold();
        std::process::exit(if pages > 0 { 0 } else { 1 });
    }
    let mut args = std::env::args();
    let Some(exe) = args.next() else {
        return;
    };
    let tests: Vec<String> = args.filter(|a| a.contains("::")).take(1).collect();
    let children: Vec<_> = (0..5)
        .filter_map(|_| {
            Command::new(&exe)
                .arg0(NAME)
                .args(&tests)
                .args(["--exact", NAME])
                .env(CHILD_ENV, "1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()
        })
        .collect();
    let started = children.len();
    let own = hold();
    let held = children
        .into_iter()
        .filter_map(|mut c| c.wait().ok())
        .filter(|s| s.success())
        .count();
    let verdict = if held >= 4 { "GOT THROUGH: " } else { "" };
    say!("{TAG}: {verdict}{held} of {started} children held 400 MiB each beside mine ({own})");
    eprintln!("{TAG}: {verdict}{held} of {started} children held 400 MiB each");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(spread);
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
