//! The real-time limit of a capture, and what happens to a test that passes it.
//!
//! A loop that never reaches an `.await` cannot be interrupted from inside the runtime, and
//! libtest waits for every test thread, so a hung test would keep `cargo test` waiting
//! forever. When a capture runs longer than its limit, the watchdog looks at the runtime
//! for a moment to name the class of the hang ([`Hang`]), explains it on the real standard
//! error (libtest's output capture would lose an `eprintln!` when the process ends) and
//! then:
//!
//! - under `cargo test` (not grading), it runs the same test binary again with the same
//!   arguments, telling it which tests hung and how ([`HUNG_ENV`]): there they fail at
//!   once with the explanation as their panic message, so every other test of the binary
//!   runs and reports as usual, and the process exits with that run's exit code;
//! - under the grader ([`EVIDENCE_ENV`] set), it reports the class (the capture's
//!   `report_hang`, which records signed evidence), waits briefly for other hung captures
//!   to do the same, and ends the process with exit code 124; the grader reports the test
//!   as hung, with its class.

use std::io::Write;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::hang::{Hang, Probe};

/// Real time a capture may take before it counts as hung ([`WALL_LIMIT_ENV`] overrides it).
pub const WALL_LIMIT: Duration = Duration::from_secs(20);

/// Milliseconds of real time a capture may take, instead of [`WALL_LIMIT`].
pub use timeline_evidence::WALL_LIMIT_ENV;

/// Set by the grader: the test process records evidence and is never run again.
pub const EVIDENCE_ENV: &str = "TIMELINE_EVIDENCE";

/// The tests that hung in an earlier run of this binary, one per line: the name, then a
/// tab and the class's code ([`Hang::code`]) when it is known.
pub const HUNG_ENV: &str = "TIMELINE_HUNG";

/// Captures running now (a hung one included).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// Tests whose capture passed its limit in this process, with the class of the hang.
static HUNG: Mutex<Vec<(String, Option<Hang>)>> = Mutex::new(Vec::new());
/// Whether a watchdog already took charge of ending this process.
static ENDING: AtomicBool = AtomicBool::new(false);

/// The real-time limit in force: [`WALL_LIMIT_ENV`] if it holds a number of milliseconds.
pub fn wall_limit() -> Duration {
    std::env::var(WALL_LIMIT_ENV)
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(WALL_LIMIT, Duration::from_millis)
}

fn grading() -> bool {
    std::env::var_os(EVIDENCE_ENV).is_some()
}

/// The name libtest gave this test's thread (the test's path), if any.
fn test_name() -> Option<String> {
    let thread = std::thread::current();
    thread
        .name()
        .filter(|name| *name != "main")
        .map(str::to_string)
}

/// Fails the calling test if it hung in an earlier run of this binary ([`HUNG_ENV`]),
/// before any of its code runs again.
pub(crate) fn refuse_if_hung_before() {
    if grading() {
        return;
    }
    let Some(name) = test_name() else {
        return;
    };
    if let Some(hang) = hung_before(&name) {
        panic!(
            "{}\nThis run of the test binary skipped it so that the other tests could report.",
            explanation(&name, wall_limit(), hang)
        );
    }
}

fn explanation(test: &str, limit: Duration, hang: Option<Hang>) -> String {
    let seconds = limit.as_secs_f64();
    match hang {
        Some(hang) => format!(
            "timeline: test `{test}` ran for {seconds:.1} s of real time without finishing \
             ({}): {hang}. The virtual time limit cannot end a run whose executor does not \
             let the clock move.",
            hang.code()
        ),
        None => format!(
            "timeline: test `{test}` ran for {seconds:.1} s of real time without finishing. A \
             loop that never reaches `.await` (or a blocking call that never returns) keeps \
             the executor from ever stopping it, so the virtual time limit cannot end it. Look \
             for such a loop."
        ),
    }
}

/// Watches one capture; dropping it (the capture ended) calls the watch off.
pub(crate) struct Watchdog {
    done: mpsc::Sender<()>,
    probe: Arc<Mutex<Option<Probe>>>,
}

impl Watchdog {
    /// Starts watching; `report` is told the class of a hang under grading.
    pub(crate) fn start(report: Option<fn(&str, Hang)>) -> Self {
        let limit = wall_limit();
        let name = test_name();
        let (done, finished) = mpsc::channel::<()>();
        let probe: Arc<Mutex<Option<Probe>>> = Arc::new(Mutex::new(None));
        let looked_at = Arc::clone(&probe);
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(limit) {
                let probe = looked_at.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let hang = probe.map(|probe| probe.classify());
                hung(name, limit, hang, report);
            }
        });
        Self { done, probe }
    }

    /// The runtime to look at if the capture hangs.
    pub(crate) fn watch(&self, probe: Probe) {
        *self.probe.lock().unwrap_or_else(|e| e.into_inner()) = Some(probe);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
        let _ = self.done.send(());
    }
}

/// Real time the first hung capture under grading waits for other hung captures of the
/// process to report theirs (they started together, so their watchdogs fire together).
const GRADING_SETTLE: Duration = Duration::from_secs(1);

/// A capture passed its limit: explain, then end the process (see the module's docs).
fn hung(name: Option<String>, limit: Duration, hang: Option<Hang>, report: Option<fn(&str, Hang)>) {
    let shown = name.clone().unwrap_or_else(|| "(unnamed)".to_string());
    real_stderr(&format!("\n{}\n", explanation(&shown, limit, hang)));
    if let (true, Some(report), Some(name), Some(hang)) = (grading(), report, &name, hang) {
        report(name, hang);
    }
    let count = {
        let mut hung = HUNG.lock().unwrap_or_else(|e| e.into_inner());
        hung.push((shown, hang));
        hung.len()
    };
    if ENDING.swap(true, Ordering::SeqCst) {
        // Another watchdog ends the process and reruns without this test too.
        loop {
            std::thread::park();
        }
    }
    let code = match name {
        Some(name) if !grading() && hung_before(&name).is_none() => {
            settle(count, limit);
            rerun().unwrap_or(124)
        }
        _ if grading() => {
            settle(count, GRADING_SETTLE);
            124
        }
        _ => 124,
    };
    std::process::exit(code);
}

/// Whether `name` hung in an earlier run already (`Some`, with the class if known): it then
/// hung outside a capture that could refuse it, and running the binary again would only
/// hang again.
fn hung_before(name: &str) -> Option<Option<Hang>> {
    let hung = std::env::var(HUNG_ENV).ok()?;
    hung.lines().find_map(|line| {
        let (test, code) = line.split_once('\t').unwrap_or((line, ""));
        (test == name).then(|| Hang::from_code(code))
    })
}

/// Waits (at most `limit`) until only hung captures are left running, so that the other
/// tests' lines are out before the binary runs again.
fn settle(mut hung: usize, limit: Duration) {
    let start = Instant::now();
    let mut quiet_since = Instant::now();
    while start.elapsed() < limit {
        hung = hung.max(HUNG.lock().map_or(hung, |h| h.len()));
        if ACTIVE.load(Ordering::SeqCst) > hung {
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= Duration::from_millis(200) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs this test binary again, the hung tests failing at once there; its exit code (101
/// if it somehow passed: a test hung). `None` when it cannot be run.
fn rerun() -> Option<i32> {
    let mut hung: Vec<String> = HUNG
        .lock()
        .map(|h| h.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(name, hang)| match hang {
            Some(hang) => format!("{name}\t{}", hang.code()),
            None => name,
        })
        .collect();
    if let Ok(before) = std::env::var(HUNG_ENV) {
        hung.extend(before.lines().map(str::to_string));
    }
    real_stderr(
        "timeline: running this test binary again, without the hung test, so that every \
         other test reports:\n",
    );
    let status = Command::new(std::env::current_exe().ok()?)
        .args(std::env::args_os().skip(1))
        .env(HUNG_ENV, hung.join("\n"))
        .status()
        .ok()?;
    Some(status.code().filter(|&code| code != 0).unwrap_or(101))
}

/// Writes past libtest's output capture, which an `eprintln!` from a test would go to.
fn real_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}
