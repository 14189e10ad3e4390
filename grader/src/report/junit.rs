//! `junit.xml`: a test suite per student and exercise, for CI test reporters. Every test
//! that did not pass carries a one-line message and, as its text, what the feedback file
//! says about it: the diff, why the run did not finish, or the lesson's compiler errors.

use std::time::Duration;

use anyhow::Result;
use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use super::feedback;
use crate::pipeline::verdict::{ExerciseVerdict, Graded, Status, TestVerdict};

/// The class as JUnit XML.
pub fn xml(report: &Report<'_>) -> Result<String> {
    let mut junit = Junit::new("grades");
    for graded in report.graded {
        for exercise in &graded.exercises {
            junit.add_test_suite(suite(report, graded, exercise));
        }
    }
    Ok(junit.to_string()?)
}

/// One student's exercise as a test suite.
fn suite(report: &Report<'_>, graded: &Graded, exercise: &ExerciseVerdict) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} {}", graded.id, exercise.slug));
    for test in &exercise.tests {
        let mut case = TestCase::new(test.name.clone(), status(report, exercise, test));
        case.set_classname(format!("{}.{}", graded.id, exercise.slug));
        if let Some(ms) = test.wall_ms {
            case.set_time(Duration::from_secs_f64(ms / 1000.0));
        }
        suite.add_test_case(case);
    }
    suite
}

/// A wrong result is a failure; a run that did not finish or code that never ran, an error.
fn status(report: &Report<'_>, exercise: &ExerciseVerdict, test: &TestVerdict) -> TestCaseStatus {
    let kind = match test.status {
        Status::Passed => return TestCaseStatus::success(),
        Status::Failed => NonSuccessKind::Failure,
        _ => NonSuccessKind::Error,
    };
    let mut status = TestCaseStatus::non_success(kind);
    status.set_type(test.status.word());
    status.set_message(message(exercise, test));
    status.set_description(feedback::test_text(report, exercise, test));
    status
}

/// One line: the status, the points, and why (see [`feedback::summary`]).
fn message(exercise: &ExerciseVerdict, test: &TestVerdict) -> String {
    let head = format!(
        "{} ({}/{} points)",
        test.status.word(),
        test.points,
        test.max_points
    );
    match feedback::summary(exercise, test) {
        Some(why) => format!("{head}: {why}"),
        None => head,
    }
}
