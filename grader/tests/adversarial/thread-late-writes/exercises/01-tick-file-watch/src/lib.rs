//! ATTACK: thread-late-writes. Starts a plain `std::thread` that outlives the test that
//! started it and keeps appending a line every 50 ms, for up to 30 s, to a file in the
//! working folder, in `$TMPDIR`, and in `@GRADER_OUTSIDE@/` (outside the
//! staging area). Must score 0 (the code is the stub); the writes must end with the test
//! process, and nothing may be written outside the staging area.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER thread-late-writes";

fn keep_writing() {
    let targets = [
        PathBuf::from("grader-adversarial-thread-late-writes.log"),
        std::env::temp_dir().join("grader-adversarial-thread-late-writes-tmp.log"),
        PathBuf::from("@GRADER_OUTSIDE@/thread-late-writes.log"),
    ];
    let start = Instant::now();
    let mut round = 0u64;
    while start.elapsed() < Duration::from_secs(30) {
        for target in &targets {
            let opened = std::fs::OpenOptions::new().create(true).append(true).open(target);
            if let Ok(mut file) = opened {
                let _ = writeln!(file, "{TAG}: round {round}");
            }
        }
        round += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let started = std::thread::Builder::new().name("late-writer".into()).spawn(keep_writing);
        say!("{TAG}: writer thread started: {}", started.is_ok());
    });
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
