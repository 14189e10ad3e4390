//! `junit.xml`: a test suite per student and exercise, for CI test reporters.

use std::time::Duration;

use anyhow::Result;
use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::pipeline::verdict::Status;

/// The class as JUnit XML.
pub fn xml(report: &Report<'_>) -> Result<String> {
    let mut junit = Junit::new("grades");
    for graded in report.graded {
        for exercise in &graded.exercises {
            let mut suite = TestSuite::new(format!("{} {}", graded.id, exercise.slug));
            for test in &exercise.tests {
                let status = match test.status {
                    Status::Passed => TestCaseStatus::success(),
                    other => {
                        let kind = if other == Status::Failed {
                            NonSuccessKind::Failure
                        } else {
                            NonSuccessKind::Error
                        };
                        let mut status = TestCaseStatus::non_success(kind);
                        status.set_type(other.word());
                        status.set_message(format!(
                            "{} ({}/{} points)",
                            other.word(),
                            test.points,
                            test.max_points
                        ));
                        status.set_description(super::feedback::test_text(
                            report,
                            &exercise.slug,
                            test,
                        ));
                        status
                    }
                };
                let mut case = TestCase::new(test.name.clone(), status);
                case.set_classname(format!("{}.{}", graded.id, exercise.slug));
                if let Some(ms) = test.wall_ms {
                    case.set_time(Duration::from_secs_f64(ms / 1000.0));
                }
                suite.add_test_case(case);
            }
            junit.add_test_suite(suite);
        }
    }
    Ok(junit.to_string()?)
}
