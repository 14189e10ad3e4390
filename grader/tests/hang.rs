//! A hung test is stopped by the harness's watchdog at the test limit, which records the
//! class of the hang as signed evidence: the grader scores it as a timeout and the feedback
//! names what was seen (tasks waking themselves; a blocking call), while an honest student
//! graded beside them keeps full marks.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn lesson_1() -> String {
    fs::read_dir(course_root().join("solutions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|s| s.starts_with("01-"))
        .unwrap()
}

/// The reference solution with `before` replaced by `after` (which must be there).
fn solution_with(lesson: &str, before: &str, after: &str) -> String {
    let path = course_root()
        .join("solutions")
        .join(lesson)
        .join("src/lib.rs");
    let source = fs::read_to_string(path).unwrap();
    assert!(source.contains(before), "the solution has no `{before}`");
    source.replacen(before, after, 1)
}

#[test]
fn a_hang_is_stopped_by_the_watchdog_and_named_in_the_feedback() {
    let lesson = lesson_1();
    let class = tempfile::tempdir().unwrap();
    let put = |id: &str, source: &str| {
        let path = class
            .path()
            .join(id)
            .join("exercises")
            .join(&lesson)
            .join("src/lib.rs");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, source).unwrap();
    };
    let tick = "tokio::time::sleep(period).await;";
    put(
        "spinner",
        &solution_with(&lesson, tick, "tokio::task::yield_now().await;"),
    );
    put(
        "sleeper",
        &solution_with(&lesson, tick, "std::thread::sleep(period * 1_000_000);"),
    );
    put("honest", &solution_with(&lesson, tick, tick));
    let out = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("grader")
        .unwrap()
        .args(["grade", "-e", "01", "--test-limit", "2", "--out"])
        .arg(out.path())
        .arg(class.path())
        .env_remove("TIMELINE_EVIDENCE")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let feedback = |id: &str| {
        fs::read_to_string(out.path().join("feedback").join(format!("{id}.md"))).unwrap()
    };
    let gradebook = fs::read_to_string(out.path().join("gradebook.csv")).unwrap();
    let row = |id: &str| -> Vec<String> {
        let line = gradebook.lines().find(|l| l.starts_with(&format!("{id},")));
        let line = line.unwrap_or_else(|| panic!("no row for {id}:\n{gradebook}"));
        line.split(',').map(str::to_string).collect()
    };
    let honest = row("honest");
    assert_eq!(
        honest[2], honest[3],
        "the honest student keeps full marks:\n{gradebook}"
    );
    // Every test that ticks hangs; the two `wait_for` tests alone do not tick and pass.
    for (id, class) in [
        (
            "spinner",
            "kept waking itself without ever waiting on a timer",
        ),
        ("sleeper", "while the CPU stayed idle: a blocking call"),
    ] {
        let text = feedback(id);
        assert_eq!(row(id)[2], "2", "{gradebook}");
        assert!(text.contains("timeout"), "{text}");
        assert!(
            text.contains("still running after 2 s of real time and was stopped"),
            "{text}"
        );
        assert!(text.contains(class), "{text}");
    }
}
