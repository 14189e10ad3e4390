//! Kind 6, time amplification: after a test process crashes, its tests run again one by
//! one, each with the full limit. The lesson's time budget (`--lesson-budget`) bounds what
//! one student's lesson costs in all, and the feedback says which tests were not run, and
//! why. `--test-limit` sets every test's limit (low here, so that this test is quick).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn put(path: &Path, contents: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

fn lesson_1() -> String {
    fs::read_dir(course_root().join("solutions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|s| s.starts_with("01-"))
        .unwrap()
}

#[test]
fn crashes_cannot_make_a_lesson_run_past_its_budget() {
    let lesson = lesson_1();
    let class = tempfile::tempdir().unwrap();
    let src = |id: &str| {
        class
            .path()
            .join(id)
            .join("exercises")
            .join(&lesson)
            .join("src/lib.rs")
    };
    put(&src("crasher"), include_bytes!("budget/crash_late.rs"));
    let solution = fs::read(
        course_root()
            .join("solutions")
            .join(&lesson)
            .join("src/lib.rs"),
    );
    put(&src("honest"), &solution.unwrap());
    let out = tempfile::tempdir().unwrap();
    // Each process of the crasher takes 1 s and more: the first one runs all six tests,
    // then each test alone. Without a budget: 7 processes, 7 s and more. With 3.5 s, the
    // first process and one or two re-runs fit; at least three tests are never started.
    let started = Instant::now();
    let output = assert_cmd::Command::cargo_bin("grader")
        .unwrap()
        .args(["grade", "-e", "01", "--jobs", "2", "--test-limit", "2"])
        .args(["--lesson-budget", "3.5", "--out"])
        .arg(out.path())
        .arg(class.path())
        .env_remove("TIMELINE_EVIDENCE")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "the grader failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("results.json")).unwrap())
            .unwrap();
    let student = |id: &str| {
        results["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["slug"] == lesson.as_str())
            .unwrap()
            .clone()
    };
    let honest = student("honest");
    assert_eq!(honest["points"], honest["max_points"], "{honest:#}");

    let crasher = student("crasher");
    let statuses: Vec<&str> = crasher["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(crasher["points"], 0);
    assert!(
        statuses.iter().all(|s| ["crashed", "not_run"].contains(s)),
        "{statuses:?}"
    );
    let not_run = statuses.iter().filter(|s| **s == "not_run").count();
    assert!(not_run >= 3, "only {not_run} test(s) not run: {statuses:?}");

    let feedback = fs::read_to_string(out.path().join("feedback/crasher.md")).unwrap();
    assert!(
        feedback.matches("time budget (3.5 s of real time)").count() >= not_run,
        "the feedback does not say why tests were not run:\n{feedback}"
    );
    // The build takes most of the time; the crasher's runs add at most its budget.
    println!("graded in {:.1} s", elapsed.as_secs_f64());
}

#[test]
fn time_options_must_be_positive_seconds() {
    for (option, value) in [("--test-limit", "0"), ("--lesson-budget", "soon")] {
        let output = assert_cmd::Command::cargo_bin("grader")
            .unwrap()
            .args(["grade", option, value])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("`{value}` is not a number of seconds")),
            "{stderr}"
        );
    }
}
