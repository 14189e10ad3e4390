//! A grading run killed with SIGKILL mid-way and resumed gives the same gradebook and
//! results as an uninterrupted run, and grades again only what was missing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

fn grader() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("grader"))
}

/// results.json without the measurements (real-time durations, the grader's peak memory),
/// which differ between any two runs.
fn results(out: &Path) -> Value {
    let mut results: Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    // A measurement of the run, like the durations: not part of the grades.
    let top = results.as_object_mut().unwrap();
    top.remove("grader_peak_rss_bytes");
    // The typed copy of the same verdicts, with their real-time measurements: the
    // `students` view below holds every grade and reason it renders.
    top.remove("source");
    for student in results["students"].as_array_mut().unwrap() {
        for exercise in student["exercises"].as_array_mut().unwrap() {
            for test in exercise["tests"].as_array_mut().unwrap() {
                let test = test.as_object_mut().unwrap();
                test.remove("duration_ms");
                // The feedback text and the blocking symptom quote real time where a run
                // blocked (`1.0 s`).
                test.remove("feedback");
                for symptom in test
                    .get_mut("symptoms")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    symptom.as_object_mut().unwrap().remove("seconds");
                }
            }
        }
    }
    results
}

fn cached(out: &Path) -> usize {
    std::fs::read_dir(out.join(".cache"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}

/// The hanging run must never outlive the test (it would hold the grader's lock).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_killed_run_resumes_to_the_same_grades() {
    let whole = tempfile::tempdir().unwrap();
    let status = grader()
        .args(["grade", "--out"])
        .arg(whole.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );

    // Grade again into another folder, and kill the run once it has stored 5 verdicts.
    let broken = tempfile::tempdir().unwrap();
    let mut run = KillOnDrop(
        grader()
            .args(["grade", "--out"])
            .arg(broken.path())
            .env("GRADER_TEST_HANG_AFTER", "5")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while !broken.path().join(".cache/hanging").exists() {
        // Generous: another grader run on the machine may hold the lock for a while.
        assert!(
            start.elapsed() < Duration::from_secs(900),
            "the run never got 5 verdicts"
        );
        assert!(
            run.0.try_wait().unwrap().is_none(),
            "the run ended before 5 verdicts"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    run.0.kill().unwrap(); // SIGKILL
    run.0.wait().unwrap();
    assert!(
        !broken.path().join("gradebook.csv").exists(),
        "killed before reporting"
    );
    assert!(
        cached(broken.path()) > 0,
        "verdicts were stored before the kill"
    );

    let resumed = grader()
        .args(["grade", "--resume", "--out"])
        .arg(broken.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.success(), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("Resuming: "))
        .expect("says it resumes");
    let reused: usize = line["Resuming: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let total: usize = line
        .split(" of ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        0 < reused && reused < total,
        "only what was missing is graded again: {line}"
    );

    assert_eq!(
        std::fs::read_to_string(broken.path().join("gradebook.csv")).unwrap(),
        std::fs::read_to_string(whole.path().join("gradebook.csv")).unwrap()
    );
    assert_eq!(results(broken.path()), results(whole.path()));
}
