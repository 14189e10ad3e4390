//! A hung test under plain `cargo test`: it fails saying why, and the binary's other tests
//! still run and report. The `fixture_*` tests are ignored; `a_hung_test_*` runs them in a
//! child process of this very binary, with a short real-time limit.

use std::process::Command;
use std::time::Duration;

use timeline::{HUNG_ENV, WALL_LIMIT_ENV, capture};

const LIMIT: Duration = Duration::from_secs(60);

#[test]
#[ignore = "a fixture: run by a_hung_test_fails_alone_and_the_others_report"]
fn fixture_hangs() {
    let run = capture(LIMIT, async {
        #[allow(clippy::empty_loop)]
        loop {}
    });
    drop(run);
}

#[test]
#[ignore = "a fixture: run by a_hung_test_fails_alone_and_the_others_report"]
fn fixture_passes() {
    let run = capture(LIMIT, async { 1 + 1 });
    assert_eq!(run.value(), Some(&2));
}

#[test]
#[ignore = "a fixture: run by a_hung_test_fails_alone_and_the_others_report"]
fn fixture_fails() {
    let run = capture(LIMIT, async { 1 + 1 });
    assert_eq!(run.value(), Some(&3), "fixture-fails-detail");
}

#[test]
fn a_hung_test_fails_alone_and_the_others_report() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--test-threads=2", "fixture_"])
        .env(WALL_LIMIT_ENV, "300")
        .env_remove(HUNG_ENV)
        .env_remove("TIMELINE_EVIDENCE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let both = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert_eq!(output.status.code(), Some(101), "{both}");
    // Why it hung, on the real stderr and in the hung test's own failure.
    assert!(
        stderr.contains("test `fixture_hangs` ran for 0.3 s of real time"),
        "{both}"
    );
    assert!(stdout.contains("---- fixture_hangs stdout ----"), "{both}");
    // The other tests ran to the end, failure details included.
    assert!(stdout.contains("test fixture_passes ... ok"), "{both}");
    assert!(stdout.contains("fixture-fails-detail"), "{both}");
    assert!(
        stdout.contains("test result: FAILED. 1 passed; 2 failed"),
        "{both}"
    );
}

#[test]
fn under_the_grader_a_hung_test_still_ends_the_process() {
    // The grader reports a hung process itself; its test processes never start programs.
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "fixture_hangs"])
        .env(WALL_LIMIT_ENV, "300")
        .env("TIMELINE_EVIDENCE", "1")
        .env_remove(HUNG_ENV)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(124), "{stderr}");
    assert!(
        stderr.contains("test `fixture_hangs` ran for 0.3 s"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("running this test binary again"),
        "{stderr}"
    );
}
