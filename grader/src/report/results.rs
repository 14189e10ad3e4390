//! `results.json` (this grader's own format, versioned) and Gradescope's `results.json`.
//!
//! The schema is documented in `grader/RESULTS.md`. Bump [`SCHEMA_VERSION`] on any change
//! that is not a pure addition.

use anyhow::Result;
use serde::Serialize;

use super::Report;
use super::feedback;
use super::lang::Lang;
use super::row::{HandInOutcome, Row};
use super::words;
use crate::pipeline::symptom::Symptom;
use crate::pipeline::verdict::{ExerciseVerdict, Fate, Status, TestVerdict};

/// Version of the `results.json` schema. 2: `not_compiled` no longer covers compiled code
/// whose tests produced no result (now `no_result`); failing tests carry their `message`
/// and `feedback`, lessons their `compile_errors` or `refusal`.
pub const SCHEMA_VERSION: u32 = 2;

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
    /// The course's and the grader's versions.
    versions: &'a crate::fingerprint::Versions,
    /// The part of the class graded, `K/N` (absent: all of it).
    shard: Option<String>,
    /// The typed verdicts every report is rendered from, read back by partial regrades
    /// and `grader merge` (see `report::source`).
    source: super::source::Source,
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
    /// Why the code was refused before building (when `rejected`).
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<String>,
    /// The compiler's errors, in the student's own paths (when it did not compile).
    #[serde(skip_serializing_if = "Option::is_none")]
    compile_errors: Option<String>,
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
    /// What stopped the test, in one line (absent when it passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// What the feedback file says about the test, Markdown (absent when it passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback: Option<String>,
    /// What the run showed (see `pipeline::symptom`), absent when nothing.
    #[serde(skip_serializing_if = "<[Symptom]>::is_empty")]
    symptoms: &'a [Symptom],
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
        versions: report.versions,
        shard: report.shard.map(|s| s.to_string()),
        source: report.source(),
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
                Some(e) => handed_in(report, e),
                None => not_handed_in(report, slug),
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

fn handed_in<'a>(report: &Report<'_>, e: &'a ExerciseVerdict) -> StudentExercise<'a> {
    StudentExercise {
        slug: &e.slug,
        submitted: true,
        rejected: matches!(e.fate, Fate::Refused(_)),
        compiled: e.fate.compiled(),
        points: e.points(),
        max_points: e.max_points(),
        refusal: match &e.fate {
            Fate::Refused(why) => Some(words::refusal(why, Lang::En)),
            _ => None,
        },
        compile_errors: match &e.fate {
            Fate::NotCompiled(failure) => Some(words::build_failure(failure, Lang::En)),
            _ => None,
        },
        tests: e.tests.iter().map(|t| test(report, e, t)).collect(),
    }
}

fn not_handed_in<'a>(report: &Report<'_>, slug: &'a str) -> StudentExercise<'a> {
    StudentExercise {
        slug,
        submitted: false,
        rejected: false,
        compiled: false,
        points: 0,
        max_points: report.max_points(slug),
        refusal: None,
        compile_errors: None,
        tests: Vec::new(),
    }
}

fn test<'a>(report: &Report<'_>, e: &ExerciseVerdict, t: &'a TestVerdict) -> StudentTest<'a> {
    let failed = t.status != Status::Passed;
    StudentTest {
        name: &t.name,
        status: t.status,
        points: t.points,
        max_points: t.max_points,
        duration_ms: t.wall_ms,
        flaky: t.flaky,
        message: feedback::summary(e, t),
        feedback: failed.then(|| feedback::test_text(report, e, t)),
        symptoms: &t.symptoms,
    }
}

/// Gradescope's name for Markdown in its `*_format` fields (its others: `text`, `html`,
/// `simple_format`, `ansi`).
const MARKDOWN: &str = "md";

#[derive(Serialize)]
struct Gradescope {
    score: u32,
    max_score: u32,
    output: String,
    output_format: &'static str,
    test_output_format: &'static str,
    test_name_format: &'static str,
    tests: Vec<GradescopeTest>,
}

#[derive(Serialize)]
struct GradescopeTest {
    name: String,
    name_format: &'static str,
    score: u32,
    max_score: u32,
    status: &'static str,
    visibility: &'static str,
    output: String,
    output_format: &'static str,
}

/// One student's results in Gradescope's autograder format, its texts in Markdown. Hidden
/// tests are visible only after grades are published.
pub fn gradescope(report: &Report<'_>, graded: &Row) -> Result<String> {
    let (score, max_score) = report.total(graded);
    let tests = graded
        .exercises()
        .iter()
        .flat_map(|e| e.tests.iter().map(move |t| gradescope_test(report, e, t)))
        .collect();
    Ok(serde_json::to_string_pretty(&Gradescope {
        score,
        max_score,
        output: gradescope_output(report, graded),
        output_format: MARKDOWN,
        test_output_format: MARKDOWN,
        test_name_format: "text",
        tests,
    })? + "\n")
}

fn gradescope_test(report: &Report<'_>, e: &ExerciseVerdict, t: &TestVerdict) -> GradescopeTest {
    GradescopeTest {
        name: format!("{} {}", e.slug, t.name),
        name_format: "text",
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
        output: feedback::test_text(report, e, t),
        output_format: MARKDOWN,
    }
}

/// The text for the whole submission: intake notes, then per lesson the points and, for a
/// lesson that was refused or did not compile, why (once, not only under each test).
fn gradescope_output(report: &Report<'_>, graded: &Row) -> String {
    let mut parts: Vec<String> = graded.notes.iter().map(|n| format!("> {n}")).collect();
    for e in graded.exercises() {
        let mut part = format!("**{}: {} / {}**", e.slug, e.points(), e.max_points());
        if let Some(why) = feedback::fate_markdown(&e.fate, report.lang) {
            part = format!("{part}\n\n{why}");
        }
        parts.push(part);
    }
    parts.join("\n\n")
}
