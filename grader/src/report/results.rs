//! `results.json` (this grader's own format, versioned) and Gradescope's `results.json`.
//!
//! The schema is documented in `grader/RESULTS.md`. Bump [`SCHEMA_VERSION`] on any change
//! that is not a pure addition.

use anyhow::Result;
use serde::Serialize;

use super::Report;
use super::row::{HandInOutcome, Row};
use crate::pipeline::verdict::{Fate, Status, TestVerdict};

/// Version of the `results.json` schema.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Results<'a> {
    schema: &'static str,
    version: u32,
    grader: &'static str,
    protections: &'a [String],
    /// How the compiler was confined, in words (absent when it was not).
    compiler_protections: Option<&'a str>,
    /// The grader process's own peak resident memory so far (not its cargo, rustc and test
    /// children), read when the report is written, at the end of the run.
    grader_peak_rss_bytes: Option<u64>,
    exercises: Vec<ExerciseInfo<'a>>,
    students: Vec<Student<'a>>,
    skipped: &'a [String],
}

#[derive(Serialize)]
struct ExerciseInfo<'a> {
    slug: &'a str,
    title_en: &'a str,
    title_ru: &'a str,
    max_points: u32,
    tests: Vec<TestInfo<'a>>,
}

#[derive(Serialize)]
struct TestInfo<'a> {
    name: &'a str,
    points: u32,
    hidden: bool,
    description: &'a str,
}

#[derive(Serialize)]
struct Student<'a> {
    id: &'a str,
    /// From the roster.
    name: Option<&'a str>,
    /// From the roster.
    lms_id: Option<&'a str>,
    /// The entry of the submissions folder (absent: nothing handed in).
    entry: Option<&'a str>,
    /// `graded`, `not_gradable` or `nothing_handed_in`.
    status: &'static str,
    /// Why it was not graded and what to do (absent when graded).
    reason: Option<&'a str>,
    points: u32,
    max_points: u32,
    notes: &'a [String],
    exercises: Vec<StudentExercise<'a>>,
}

#[derive(Serialize)]
struct StudentExercise<'a> {
    slug: &'a str,
    submitted: bool,
    rejected: bool,
    compiled: bool,
    points: u32,
    max_points: u32,
    tests: Vec<StudentTest<'a>>,
}

#[derive(Serialize)]
struct StudentTest<'a> {
    name: &'a str,
    status: Status,
    points: u32,
    max_points: u32,
    duration_ms: Option<f64>,
    flaky: bool,
}

/// The whole class as JSON.
pub fn json(report: &Report<'_>) -> Result<String> {
    let exercises = report
        .course
        .exercises
        .iter()
        .filter(|e| report.slugs.contains(&e.slug))
        .map(|e| ExerciseInfo {
            slug: &e.slug,
            title_en: &e.manifest.title.en,
            title_ru: &e.manifest.title.ru,
            max_points: e.max_points(),
            tests: e
                .manifest
                .tests
                .iter()
                .map(|t| TestInfo {
                    name: &t.name,
                    points: t.points,
                    hidden: t.hidden,
                    description: &t.description,
                })
                .collect(),
        })
        .collect();
    let students = report.rows.iter().map(|g| student(report, g)).collect();
    let results = Results {
        schema: "tokio-course-grader/results",
        version: SCHEMA_VERSION,
        grader: env!("CARGO_PKG_VERSION"),
        protections: &report.protections,
        compiler_protections: report.compiler_protections.as_deref(),
        grader_peak_rss_bytes: peak_rss_bytes(),
        exercises,
        students,
        skipped: report.skipped,
    };
    Ok(serde_json::to_string_pretty(&results)? + "\n")
}

/// This process's peak resident set size (`VmHWM` of `/proc/self/status`), if the system
/// has one to read.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

fn student<'a>(report: &'a Report<'_>, graded: &'a Row) -> Student<'a> {
    let (points, max_points) = report.total(graded);
    let exercises = report
        .slugs
        .iter()
        .map(
            |slug| match graded.exercises().iter().find(|e| &e.slug == slug) {
                Some(e) => StudentExercise {
                    slug,
                    submitted: true,
                    rejected: matches!(e.fate, Fate::Refused(_)),
                    compiled: e.fate.compiled(),
                    points: e.points(),
                    max_points: e.max_points(),
                    tests: e.tests.iter().map(test).collect(),
                },
                None => StudentExercise {
                    slug,
                    submitted: false,
                    rejected: false,
                    compiled: false,
                    points: 0,
                    max_points: report.max_points(slug),
                    tests: Vec::new(),
                },
            },
        )
        .collect();
    Student {
        id: &graded.id,
        name: graded.name.as_deref(),
        lms_id: graded.lms_id.as_deref(),
        entry: graded.entry.as_deref(),
        status: match graded.outcome {
            HandInOutcome::Graded(_) => "graded",
            HandInOutcome::NotGradable(_) => "not_gradable",
            HandInOutcome::NothingHandedIn => "nothing_handed_in",
        },
        reason: graded.reason(),
        points,
        max_points,
        notes: &graded.notes,
        exercises,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_peak_memory_is_this_process_s_own_and_grows_with_it() {
        let before = super::peak_rss_bytes().expect("Linux has /proc/self/status");
        assert!(
            before > 1 << 20,
            "a process holds more than 1 MiB: {before}"
        );
        // A block larger than the peak so far, touched: the peak must now exceed it.
        let size = usize::try_from(before).unwrap() + (32 << 20);
        let block = vec![1u8; size];
        let after = super::peak_rss_bytes().expect("still there");
        assert_eq!(block.iter().map(|&b| usize::from(b)).sum::<usize>(), size);
        assert!(
            after >= size as u64,
            "peak {after} below the {size} bytes held"
        );
    }
}

fn test(t: &TestVerdict) -> StudentTest<'_> {
    StudentTest {
        name: &t.name,
        status: t.status,
        points: t.points,
        max_points: t.max_points,
        duration_ms: t.wall_ms,
        flaky: t.flaky,
    }
}

#[derive(Serialize)]
struct Gradescope {
    score: u32,
    max_score: u32,
    output: String,
    tests: Vec<GradescopeTest>,
}

#[derive(Serialize)]
struct GradescopeTest {
    name: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    visibility: &'static str,
    output: String,
}

/// One student's results in Gradescope's autograder format. Hidden tests are visible
/// only after grades are published.
pub fn gradescope(report: &Report<'_>, graded: &Row) -> Result<String> {
    let (score, max_score) = report.total(graded);
    let tests = graded
        .exercises()
        .iter()
        .flat_map(|e| e.tests.iter().map(move |t| (e, t)))
        .map(|(e, t)| GradescopeTest {
            name: format!("{} {}", e.slug, t.name),
            score: t.points,
            max_score: t.max_points,
            status: if t.status == Status::Passed {
                "passed"
            } else {
                "failed"
            },
            visibility: if t.hidden {
                "after_published"
            } else {
                "visible"
            },
            output: super::feedback::test_text(report, &e.slug, t),
        })
        .collect();
    let output = graded.notes.join("\n");
    Ok(serde_json::to_string_pretty(&Gradescope {
        score,
        max_score,
        output,
        tests,
    })? + "\n")
}
