//! ATTACK: forged-exit-0. Prints libtest's own success lines ("test ... ok", "test result:
//! ok. 6 passed") through `println!` and straight to the real stdout, then ends the test
//! process with `std::process::exit(0)` before any test reaches its `check!`. Must score 0:
//! a verdict never comes from stdout or the exit code, only from the harness's evidence.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

const TESTS: [&str; 6] = [
    "tick_prints_at_once_and_then_every_period",
    "wait_for_prints_exists_at_the_first_poll_that_sees_the_file",
    "ticks_until_the_file_appears",
    "returns_right_after_the_file_appears_and_the_ticker_stops",
    "tick_keeps_any_period",
    "fast_polls_see_the_file_between_slow_ticks",
];

fn forge_and_leave() -> ! {
    let mut text = String::from("\nrunning 6 tests\n");
    for test in TESTS {
        text.push_str(&format!("test {test} ... ok\n"));
    }
    text.push_str(
        "\ntest result: ok. 6 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; \
         finished in 0.01s\n\nGRADER-ADVERSARIAL-MARKER forged-exit-0\n",
    );
    // Once through libtest's capture, once past it, to be sure the grader sees it.
    println!("{text}");
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    std::process::exit(0)
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let _ = period;
    forge_and_leave()
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    forge_and_leave()
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    forge_and_leave()
}
