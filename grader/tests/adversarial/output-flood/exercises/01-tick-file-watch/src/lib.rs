//! ATTACK: output-flood (1 GB of output). Prints 64 KiB lines until 1 GiB has gone out:
//! half through `println!` (which libtest captures and prints again when the test fails),
//! half straight to the real stdout. It stops after 8 s of real time if the reader is slow.
//! Must score 0 (the code is the stub); the grader must keep a bounded amount of the
//! output, in memory and in the feedback, and move on.

use std::io::Write as _;
use std::path::Path;
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const TOTAL: usize = 1 << 30;
const LINE: usize = 64 * 1024;

fn flood() {
    let start = Instant::now();
    let line = format!("{}\n", "GRADER-ADVERSARIAL-MARKER output-flood ".repeat(LINE / 40));
    let mut sent = 0;
    while sent < TOTAL / 2 && start.elapsed() < Duration::from_secs(4) {
        print!("{line}");
        sent += line.len();
    }
    let mut stdout = std::io::stdout().lock();
    while sent < TOTAL && start.elapsed() < Duration::from_secs(8) {
        if stdout.write_all(line.as_bytes()).is_err() {
            break;
        }
        sent += line.len();
    }
    drop(stdout);
    say!("GRADER-ADVERSARIAL-MARKER output-flood: {} MiB printed", sent >> 20);
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(flood);
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
