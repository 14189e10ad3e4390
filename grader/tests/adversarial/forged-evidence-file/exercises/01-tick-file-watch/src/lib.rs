//! ATTACK: forged-evidence-file. Reads `TIMELINE_EVIDENCE` from the environment and writes
//! the harness's evidence for all six tests itself (`<suite>__<test>.json`, the expected
//! timelines copied from the visible snapshots and from hidden ones leaked earlier), also
//! prints evidence lines in the harness's stdout format with a made-up signature, then
//! exits 0 before any real `check!` runs. The code itself is the stub. Must score 0: the
//! grader must only accept evidence carrying a per-run secret the student code never sees.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// (suite, test, rendered run): what the snapshots say a correct solution prints.
const EXPECTED: [(&str, &str, &str); 6] = [
    (
        "tick_watch",
        "tick_prints_at_once_and_then_every_period",
        "[  0.000s] tick\n[  0.300s] tick\n[  0.600s] tick\n[  0.900s] tick\n=> did not finish within 1.000s of virtual time",
    ),
    (
        "tick_watch",
        "wait_for_prints_exists_at_the_first_poll_that_sees_the_file",
        "[  1.500s] exists!\n=> returned after 1.500s: ()",
    ),
    (
        "tick_watch",
        "ticks_until_the_file_appears",
        "[  0.000s] tick\n[  1.000s] tick\n[  2.000s] tick\n[  2.500s] exists!\n=> returned after 2.500s: ()",
    ),
    (
        "tick_watch",
        "returns_right_after_the_file_appears_and_the_ticker_stops",
        "[  0.000s] tick\n[  1.000s] tick\n[  2.000s] tick\n[  3.000s] tick\n[  3.400s] exists!\n[  3.400s] returned\n[  6.400s] 3 s later\n=> returned after 6.400s: ()",
    ),
    (
        "tick_watch_hidden",
        "tick_keeps_any_period",
        "[  0.000s] tick\n[  0.450s] tick\n[  0.900s] tick\n[  1.350s] tick\n[  1.800s] tick\n=> did not finish within 2.000s of virtual time",
    ),
    (
        "tick_watch_hidden",
        "fast_polls_see_the_file_between_slow_ticks",
        "[  0.000s] tick\n[  0.700s] tick\n[  1.400s] tick\n[  2.000s] exists!\n[  2.000s] returned\n[  4.000s] 2 s later\n=> returned after 4.000s: ()",
    ),
];

fn json(suite: &str, test: &str, rendered: &str) -> String {
    let rendered = rendered.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    format!(
        "{{\"suite\":\"{suite}\",\"test\":\"{test}\",\"rendered\":\"{rendered}\",\"blocking\":null,\"wall_ms\":1.0}}"
    )
}

fn forge() {
    let mut lines = String::new();
    for (suite, test, rendered) in EXPECTED {
        let body = json(suite, test, rendered);
        // The folder the harness writes evidence to, if the grader uses one.
        if let Some(dir) = std::env::var_os("TIMELINE_EVIDENCE") {
            let dir = PathBuf::from(dir);
            if dir.is_dir() {
                let _ = std::fs::write(dir.join(format!("{suite}__{test}.json")), &body);
            }
        }
        // The harness's stdout format, with a guessed signature.
        lines.push_str(&format!("\u{1e}timeline-evidence {} {body}\n", "0".repeat(64)));
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(lines.as_bytes());
    let _ = stdout.flush();
    eprintln!("GRADER-ADVERSARIAL-MARKER forged-evidence-file: evidence forged, leaving");
    std::process::exit(0);
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(forge);
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
