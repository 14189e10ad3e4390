//! ATTACK: forged-evidence-api. Calls the harness's own public recording function,
//! `timeline::check_mode`, with runs it builds by hand (`Run`, `Transcript` and `Event` have
//! public fields): the expected timelines of all six tests, copied from the visible
//! snapshots and from hidden ones leaked earlier. The harness then writes (and signs, if it
//! signs) the forged evidence itself; the test process exits 0 before any real `check!`.
//! The code itself is the stub. Must score 0: evidence must prove that the grader's test
//! body ran the student's code, not that some code in the process called the harness.

use std::path::Path;
use std::sync::Once;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;
use timeline::{Event, Outcome, Run, Transcript};

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

fn seconds(text: &str) -> Duration {
    Duration::from_secs_f64(text.trim().trim_end_matches('s').trim().parse().unwrap_or(0.0))
}

/// Turns a rendered timeline back into the `Run` that renders it.
fn run_of(rendered: &str) -> Run<()> {
    let mut events = Vec::new();
    let mut outcome = Outcome::Returned(());
    let mut end_at = Duration::ZERO;
    for line in rendered.lines() {
        if let Some(rest) = line.strip_prefix("=> did not finish within ") {
            let limit = seconds(rest.trim_end_matches(" of virtual time"));
            outcome = Outcome::TimedOut { limit };
            end_at = limit;
        } else if let Some(rest) = line.strip_prefix("=> returned after ") {
            end_at = seconds(rest.split(':').next().unwrap_or_default());
        } else if let Some((stamp, text)) = line.strip_prefix('[').and_then(|l| l.split_once("] ")) {
            events.push(Event {
                at: seconds(stamp),
                wall: Duration::ZERO,
                text: text.to_string(),
            });
        }
    }
    Run {
        outcome,
        transcript: Transcript {
            events,
            end_at,
            end_wall: Duration::from_millis(1),
            ..Default::default()
        },
    }
}

fn forge() {
    for (suite, test, rendered) in EXPECTED {
        let run = run_of(rendered);
        let _ = timeline::check_mode(&format!("tests/{suite}.rs"), test, &run);
    }
    eprintln!("GRADER-ADVERSARIAL-MARKER forged-evidence-api: evidence recorded, leaving");
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
