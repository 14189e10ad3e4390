//! ATTACK: ev-crash-then-hang (time amplification). A process running several tests waits
//! almost its whole limit, then aborts; a process running one test alone (the grader's
//! re-run after a crash) never ends and is killed at the limit. Without a budget one
//! submission costs (tests + 1) x the limit of wall time. Must score 0, and the lesson's
//! real time must be bounded by its budget, the feedback saying which tests were not run.

use std::path::Path;
use std::sync::Once;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Just under the test limit the corpus runs with (`--test-limit 5` in `EXTRA_ARGS`), at
/// which the harness's watchdog stops a hung test and records it as hung: the process
/// crashes before that, so the grader re-runs its tests one by one.
const WAIT: Duration = Duration::from_millis(4_000);

fn waste() {
    // The grader names the tests to run: more than one means the first, shared process.
    let tests = std::env::args().filter(|a| a.contains("::")).count();
    eprintln!("GRADER-ADVERSARIAL-MARKER ev-crash-then-hang: {tests} test(s) in this process");
    if tests > 1 {
        std::thread::sleep(WAIT);
        std::process::abort();
    }
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(waste);
}

// ---- The lesson's functions: the stub; the attack runs inside `capture`. ----

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

