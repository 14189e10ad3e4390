//! Every renderer on a hand-built class (`report_fixture`): full marks, a failing diff with
//! blocking, a compile error, a time-out, refused code, a lesson that produced no result,
//! a Unicode id, an id with markup, and an entry that could not be graded. Each output is
//! pinned with insta, and what matters is asserted outright: every failing test explains
//! itself in every format, and no output ever shows a hidden test's expected run.

mod report_fixture;

use std::fs;
use std::path::Path;

use grader::report::{self, file_name};
use report_fixture::{COMPILE_ERROR, HIDDEN_EXPECTED, IDS, SKIPPED};
use serde_json::Value;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Writes every report of the fixture's class into a fresh folder.
fn written() -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let class = report_fixture::class();
    let out = tempfile::tempdir().unwrap();
    let paths = report::write_all(&class.report(), out.path(), true).unwrap();
    (out, paths)
}

#[test]
fn every_output_is_pinned() {
    let (out, _) = written();
    let at = |name: &str| read(&out.path().join(name));
    insta::with_settings!({
        filters => vec![(r#""grader_peak_rss_bytes": \d+"#, r#""grader_peak_rss_bytes": "[N]""#)],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("reports_gradebook", at("gradebook.csv"));
        insta::assert_snapshot!("reports_results", at("results.json"));
        insta::assert_snapshot!("reports_junit", at("junit.xml"));
        insta::assert_snapshot!("reports_gradescope_chen", at("gradescope/chen/results.json"));
        insta::assert_snapshot!("reports_feedback_boris", at("feedback/boris.md"));
        insta::assert_snapshot!("reports_feedback_chen", at("feedback/chen.md"));
        insta::assert_snapshot!("reports_html", at("report.html"));
    });
}

#[test]
fn every_student_has_a_row_and_a_feedback_file_and_ids_keep_their_unicode() {
    let (out, paths) = written();
    assert!(paths.contains(&out.path().join("report.html")), "{paths:?}");
    let gradebook = read(&out.path().join("gradebook.csv"));
    let mut reader = csv::Reader::from_reader(gradebook.as_bytes());
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(ids, IDS);
    for id in IDS {
        let feedback = out.path().join(format!("feedback/{}.md", file_name(id)));
        assert!(
            read(&feedback).contains(id),
            "{} names {id}",
            feedback.display()
        );
    }
    let results: Value = serde_json::from_str(&read(&out.path().join("results.json"))).unwrap();
    assert_eq!(results["students"][5]["id"], "Олег Петров");
    assert_eq!(results["skipped"][0], SKIPPED);
}

#[test]
fn results_json_carries_compiler_errors_and_every_failing_test_s_message() {
    let (out, _) = written();
    let results: Value = serde_json::from_str(&read(&out.path().join("results.json"))).unwrap();
    assert_eq!(results["version"], 2);
    let lesson = |student: usize, slug: usize| &results["students"][student]["exercises"][slug];
    let test = |student: usize, slug: usize, test: usize| &lesson(student, slug)["tests"][test];

    let chen_tick = lesson(2, 0);
    assert_eq!(chen_tick["compiled"], false);
    assert_eq!(chen_tick["compile_errors"], COMPILE_ERROR);
    let feedback = test(2, 0, 0)["feedback"].as_str().unwrap();
    assert!(
        feedback.contains("exercises/01-tick/src/lib.rs:3:5"),
        "{feedback}"
    );
    assert_eq!(test(2, 0, 0)["status"], "not_compiled");
    assert!(
        test(2, 0, 0)["message"]
            .as_str()
            .unwrap()
            .contains("error[E0308]: mismatched types")
    );

    let timed_out = test(2, 1, 0);
    assert_eq!(timed_out["status"], "timed_out");
    assert!(
        timed_out["message"]
            .as_str()
            .unwrap()
            .contains("10 s of real time")
    );

    let diff = test(1, 0, 0)["feedback"].as_str().unwrap();
    assert!(
        diff.contains("-[  1.000s] tick") && diff.contains("+[  0.000s] tick"),
        "{diff}"
    );
    assert!(diff.contains("blocked for 1.0 s"), "{diff}");
    assert!(
        test(1, 0, 1).get("feedback").is_none(),
        "a passed test has none"
    );

    let refused = lesson(5, 0);
    assert_eq!(refused["rejected"], true);
    assert!(
        refused["refusal"]
            .as_str()
            .unwrap()
            .contains("include_str!")
    );

    let no_result = test(3, 1, 0);
    assert_eq!(
        no_result["status"], "no_result",
        "compiled, so not `not_compiled`"
    );
    assert_eq!(lesson(3, 1)["compiled"], true);
    assert!(no_result["message"].as_str().unwrap().contains("no result"));
}

#[test]
fn junit_and_gradescope_explain_every_failure() {
    let (out, _) = written();
    let junit = read(&out.path().join("junit.xml"));
    assert!(
        junit.contains("message=\"not compiled (0/2 points): error[E0308]: mismatched types\""),
        "{junit}"
    );
    assert!(
        junit.contains("exercises/01-tick/src/lib.rs:3:5"),
        "{junit}"
    );
    assert!(junit.contains("type=\"no result\""), "{junit}");
    assert!(junit.contains("type=\"timeout\""), "{junit}");

    let chen: Value =
        serde_json::from_str(&read(&out.path().join("gradescope/chen/results.json"))).unwrap();
    assert_eq!(chen["output_format"], "md");
    assert_eq!(chen["test_output_format"], "md");
    assert!(chen["output"].as_str().unwrap().contains("did not compile"));
    let tests = chen["tests"].as_array().unwrap();
    assert!(tests.iter().all(|t| t["output_format"] == "md"));
    let compile = tests[0]["output"].as_str().unwrap();
    assert!(
        compile.contains("exercises/01-tick/src/lib.rs:3:5"),
        "{compile}"
    );
    let hidden = tests
        .iter()
        .find(|t| t["name"] == "02-gather fails_fast")
        .unwrap();
    assert_eq!(hidden["visibility"], "after_published");
    assert!(
        hidden["output"].as_str().unwrap().contains("Ok([1, 2])"),
        "the student's own run"
    );
}

#[test]
fn no_output_shows_a_hidden_test_s_expected_run() {
    let (_out, paths) = written();
    for path in paths {
        let text = read(&path);
        assert!(
            !text.contains(HIDDEN_EXPECTED)
                && !text.contains("Err(\\\"b\\\")")
                && !text.contains("Err(\"b\")"),
            "{} shows a hidden expected run:\n{text}",
            path.display()
        );
    }
}
