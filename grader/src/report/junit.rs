//! `junit.xml`: a test suite per student and exercise, for CI test reporters. Every test
//! that did not pass carries a one-line message and, as its text, what the feedback file
//! says about it: the diff, why the run did not finish, or the lesson's compiler errors.
//! Every row is there: a lesson not handed in is a suite whose one case, `hand-in`,
//! failed; an entry that could not be graded is a suite whose `hand-in` case is an error
//! saying why.

use std::time::Duration;

use anyhow::Result;
use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use super::feedback;
use super::row::{HandInOutcome, Row};
use crate::pipeline::verdict::{ExerciseVerdict, Status, TestVerdict};

/// The class as JUnit XML.
pub fn xml(report: &Report<'_>) -> Result<String> {
    let mut junit = Junit::new("grades");
    for row in report.rows {
        match &row.outcome {
            HandInOutcome::Graded(exercises) => {
                for slug in &report.slugs {
                    junit.add_test_suite(match exercises.iter().find(|e| &e.slug == slug) {
                        Some(exercise) => exercise_suite(report, row, exercise),
                        None => {
                            hand_in_suite(row, Some(slug), NonSuccessKind::Failure, "not handed in")
                        }
                    });
                }
            }
            HandInOutcome::NotGradable(reason) => {
                junit.add_test_suite(hand_in_suite(
                    row,
                    None,
                    NonSuccessKind::Error,
                    &format!("not gradable: {reason}"),
                ));
            }
            HandInOutcome::NothingHandedIn => {
                junit.add_test_suite(hand_in_suite(
                    row,
                    None,
                    NonSuccessKind::Failure,
                    "nothing handed in",
                ));
            }
        }
    }
    Ok(junit.to_string()?)
}

/// A suite of one case, `hand-in`, that did not succeed: `message` says why.
fn hand_in_suite(row: &Row, slug: Option<&str>, kind: NonSuccessKind, message: &str) -> TestSuite {
    let name = slug.map_or_else(|| row.id.to_string(), |slug| format!("{} {slug}", row.id));
    let mut status = TestCaseStatus::non_success(kind);
    status.set_type(message.split(':').next().unwrap_or(message));
    status.set_message(message);
    status.set_description(row.notes.join("\n"));
    let mut case = TestCase::new("hand-in", status);
    case.set_classname(name.replace(' ', "."));
    let mut suite = TestSuite::new(name);
    suite.add_test_case(case);
    suite
}

/// The suite of one graded lesson: a case per test.
fn exercise_suite(report: &Report<'_>, row: &Row, exercise: &ExerciseVerdict) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} {}", row.id, exercise.slug));
    for test in &exercise.tests {
        let mut case = TestCase::new(test.name.clone(), status(report, exercise, test));
        case.set_classname(format!("{}.{}", row.id, exercise.slug));
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
