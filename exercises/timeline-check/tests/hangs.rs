//! A hung test names its class: the `fixture_*` tests are ignored; the tests below run
//! each in a child process of this very binary with a short real-time limit, as a student's
//! `cargo test` does and as the grader does.
#![cfg(target_os = "linux")]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use timeline::{HUNG_ENV, WALL_LIMIT_ENV};
use timeline_check::{EVIDENCE_ENV, EVIDENCE_MARK, Evidence, Hang, capture};

const LIMIT: Duration = Duration::from_secs(60);
const FOREVER: Duration = Duration::from_secs(3600);

#[test]
#[ignore = "a fixture: run by a_hung_test_names_its_class"]
fn fixture_busy_loop() {
    let _ = capture(LIMIT, async {
        #[allow(clippy::empty_loop)]
        loop {}
    });
}

#[test]
#[ignore = "a fixture: run by a_hung_test_names_its_class"]
fn fixture_blocking_call() {
    let _ = capture(LIMIT, async { std::thread::sleep(FOREVER) });
}

#[test]
#[ignore = "a fixture: run by a_hung_test_names_its_class"]
fn fixture_self_waking() {
    let _ = capture(LIMIT, async {
        loop {
            tokio::task::yield_now().await;
        }
    });
}

#[test]
#[ignore = "a fixture: run by a_hung_test_names_its_class"]
fn fixture_blocking_job() {
    let _ = capture(LIMIT, async {
        tokio::task::spawn_blocking(|| std::thread::sleep(FOREVER))
            .await
            .unwrap();
    });
}

fn run(test: &str, grading: Option<&str>) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--ignored", "--exact", test])
        .env(WALL_LIMIT_ENV, "300")
        .env_remove(HUNG_ENV)
        .env_remove(EVIDENCE_ENV)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if grading.is_some() {
        command.env(EVIDENCE_ENV, "1");
    }
    let mut child = command.spawn().unwrap();
    let input = grading.unwrap_or_default();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_hung_test_names_its_class() {
    let cases = [
        ("fixture_busy_loop", Hang::BusyLoop),
        ("fixture_blocking_call", Hang::BlockingCall),
        ("fixture_self_waking", Hang::SelfWaking),
        ("fixture_blocking_job", Hang::BlockingJob),
    ];
    let children: Vec<_> = cases
        .into_iter()
        .map(|(test, hang)| (test, hang, std::thread::spawn(move || run(test, None))))
        .collect();
    for (test, hang, child) in children {
        let output = child.join().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let both = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
        let named = format!(
            "test `{test}` ran for 0.3 s of real time without finishing ({})",
            hang.code()
        );
        assert_eq!(output.status.code(), Some(101), "{both}");
        // On the real stderr as it happens, and as the failure of the test in the rerun.
        assert!(stderr.contains(&named), "{both}");
        assert!(stdout.contains(&named), "{both}");
        assert!(
            stdout.contains(&format!("test {test} ... FAILED")),
            "{both}"
        );
    }
}

#[test]
fn under_the_grader_a_hang_is_signed_evidence_with_its_class() {
    let output = run("fixture_self_waking", Some("s3cret n0nce\n"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(124), "{stderr}");
    let evidence: Vec<Evidence> = stdout
        .lines()
        .filter_map(|line| Evidence::from_line(&line[line.find(EVIDENCE_MARK)?..], b"s3cret"))
        .collect();
    assert_eq!(evidence.len(), 1, "{stdout}");
    assert_eq!(evidence[0].hang, Some(Hang::SelfWaking));
    assert_eq!(evidence[0].test, "fixture_self_waking");
    assert_eq!(evidence[0].nonce, "n0nce");
}
