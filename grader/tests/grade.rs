//! `grader grade` end to end on the bundled demo class: folders, a .zip and a .tar.gz;
//! full marks, partial credit, a compile error, a hang, blocking, wrong order, and a
//! student who rewrote the tests. The table, the gradebook and one feedback file are
//! pinned as snapshots; real-time figures are filtered out.

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

fn read(path: &std::path::Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn grades_the_demo_class_and_writes_every_report() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("grader")
        .unwrap()
        .args(["grade", "--gradescope", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "grade failed:\n{stdout}\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "grading the demo class warns about nothing:\n{stderr}"
    );
    // Without a terminal (a CI log), progress is plain lines: one per lesson built, one per
    // batch graded.
    for lesson in ["01-tick-file-watch", "06-cancellation"] {
        assert!(
            stderr.contains(&format!("built {lesson}: the tests of ")),
            "no progress line for {lesson}:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("graded a batch of 7 submission(s)"),
        "no progress line for the batch:\n{stderr}"
    );

    insta::with_settings!({
        filters => vec![
            (r"\d+\.\d s of real time", "[N] s of real time"),
            (r"\d+\.\d s in all", "[N] s in all"),
            // Where a blocking run's first long stretch falls is measured in real time:
            // a busy machine can stretch another gap of the same run past the threshold.
            (r"between `[^`]*` and `[^`]*`", "between [line] and [line]"),
            (r"the first of \d+ such stretches", "the first of [N] such stretches"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("demo_table", stdout);
        insta::assert_snapshot!("demo_gradebook", read(&out.path().join("gradebook.csv")));
        insta::assert_snapshot!("demo_feedback_boris", read(&out.path().join("feedback/boris.md")));
        insta::assert_snapshot!("demo_feedback_gleb", read(&out.path().join("feedback/gleb.md")));
    });

    let results: Value = serde_json::from_str(&read(&out.path().join("results.json"))).unwrap();
    assert_eq!(results["version"], 2);
    let students = results["students"].as_array().unwrap();
    assert_eq!(students.len(), 7);
    let alice = &students[0];
    assert_eq!(
        (alice["id"].as_str(), alice["points"].as_u64()),
        (Some("alice"), alice["max_points"].as_u64())
    );

    let junit = read(&out.path().join("junit.xml"));
    assert!(junit.contains("<testsuites name=\"grades\""), "{junit}");
    assert!(
        junit.contains("type=\"not compiled\""),
        "chen's compile error is a JUnit error: {junit}"
    );

    let gradescope: Value =
        serde_json::from_str(&read(&out.path().join("gradescope/alice/results.json"))).unwrap();
    assert_eq!(gradescope["score"], gradescope["max_score"]);
    let hidden = gradescope["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["visibility"] == "after_published")
        .count();
    assert!(
        hidden > 0,
        "hidden tests are published after grades: {gradescope}"
    );
}
