//! `grader verify`: the course checks itself. Every reference solution must pass every
//! test, every stub must fail every test, every wrong variant must fail exactly the tests
//! its manifest lists, every right variant (`grader/course/<slug>/right/*.rs`, correct
//! solutions in other idioms) must pass every test like the reference solution, and
//! repeated runs must give identical results. Each lesson's spec map (`[[spec]]`: every
//! "Done when" line, contract and edge case with its tests and wrong variants) must agree
//! with its READMEs and tests, and is shown under the table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;

use anyhow::{Context, Result};
use timeline_evidence::Checks;

use crate::course::{Course, Exercise, SpecKind};
use crate::pipeline;
use crate::pipeline::build;
use crate::pipeline::submission::{Sources, Submission};
use crate::pipeline::verdict::{Expectations, Graded, Status, TestVerdict};
use crate::pipeline::{Options, Progress};
use crate::report::feedback::diff;

/// What a variant must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Pass every test.
    PassAll,
    /// Fail every test.
    FailAll,
    /// Fail exactly these tests and pass the others.
    FailExactly(BTreeSet<String>),
}

/// One row of the verification table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Exercise slug.
    pub exercise: String,
    /// `solution`, `stub`, `wrong/<file>` or `right/<file>`.
    pub variant: String,
    /// What it must do.
    pub expect: Expect,
    /// The tests it failed (first run).
    pub failed: BTreeSet<String>,
    /// Tests whose result differed between runs.
    pub flaky: BTreeSet<String>,
    /// Whether the row is as it should be.
    pub ok: bool,
    /// The compiler's first lines, when the variant did not compile.
    pub compile_error: Option<String>,
    /// For a variant that must pass: why each failed test failed (first run).
    pub failures: Vec<Failure>,
}

/// Why a test that had to pass did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The test.
    pub test: String,
    /// Where the executor blocked, the diff of the run against its snapshot (`-` expected,
    /// `+` actual), and why there is no run, as far as each is known.
    pub detail: String,
}

/// The whole verification.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Manifest problems, per exercise.
    pub problems: Vec<(String, String)>,
    /// One row per variant.
    pub rows: Vec<Row>,
    /// How many times every test ran.
    pub repeat: usize,
    /// The spec map of each selected lesson, in lesson order.
    pub maps: Vec<SpecMap>,
}

/// A lesson's spec map as `verify` shows it.
#[derive(Debug, Clone)]
pub struct SpecMap {
    /// Exercise slug.
    pub exercise: String,
    /// The `[[spec]]` entries, in manifest order.
    pub lines: Vec<MapLine>,
}

/// One line of the spec map.
#[derive(Debug, Clone)]
pub struct MapLine {
    /// Done-when, contract or edge.
    pub kind: SpecKind,
    /// The README bullet or the contract.
    pub text: String,
    /// The tests that check it.
    pub tests: Vec<MapTest>,
    /// The wrong variants that break it (file names in `wrong/`).
    pub wrong: Vec<String>,
}

/// A test on a spec line, with what else it checks besides the printed timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTest {
    /// The test.
    pub name: String,
    /// Checks in force for it beyond the timeline, as the test declares them to the
    /// harness (`blocking`, `leaks after 1 s`), shown as `name [blocking]`.
    pub checks: Vec<String>,
}

impl Verification {
    /// Whether everything is as it should be.
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.rows.iter().all(|r| r.ok)
    }
}

/// Builds every variant of the selected exercises and checks each against its expectation;
/// `progress` hears of the build and of the end of the runs.
pub fn verify(
    course: &Course,
    selected: &[&Exercise],
    repeat: usize,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Verification> {
    let mut problems = Vec::new();
    for exercise in selected {
        problems.extend(
            exercise
                .manifest_problems()
                .into_iter()
                .map(|p| (exercise.slug.clone(), p)),
        );
        problems.extend(
            exercise
                .spec_problems()
                .into_iter()
                .map(|p| (exercise.slug.clone(), p)),
        );
    }
    let variants = variants(course, selected)?;
    build::fetch(course)?;
    let expectations = Expectations::load(course)?;
    let submissions: Vec<&Submission> = variants.iter().map(|(submission, _)| submission).collect();
    let size = submissions.len();
    let mut compiled = pipeline::compile(course, submissions, &options.build, progress)?;
    let runs: Vec<Vec<Graded>> = (0..repeat.max(1))
        .map(|_| compiled.run(&options.run, &expectations))
        .collect::<Result<_>>()?;
    progress.graded(size, compiled.pairs());
    let maps = selected
        .iter()
        .map(|e| spec_map(e, &declared_checks(e, &variants, &runs[0])))
        .collect();
    let rows = variants
        .iter()
        .enumerate()
        .map(|(index, (submission, expect))| {
            let first = failed_tests(&runs[0][index]);
            let flaky = flaky_tests(runs.iter().map(|run| &run[index]));
            let (exercise, variant) = submission
                .id
                .split_once(' ')
                .unwrap_or((&submission.id, ""));
            let all: BTreeSet<String> = runs[0][index]
                .exercises
                .iter()
                .flat_map(|e| e.tests.iter().map(|t| t.name.clone()))
                .collect();
            let ok = as_expected(expect, &first, &all, &flaky);
            let compile_error = runs[0][index]
                .exercises
                .iter()
                .find_map(|e| e.fate.build_failure())
                .map(|f| crate::report::words::build_failure(f, crate::report::lang::Lang::En));
            let failures = if *expect == Expect::PassAll {
                failures(&runs[0][index], &expectations)
            } else {
                Vec::new()
            };
            Row {
                exercise: exercise.to_string(),
                variant: variant.to_string(),
                expect: expect.clone(),
                failed: first,
                flaky,
                ok,
                compile_error,
                failures,
            }
        })
        .collect();
    Ok(Verification {
        problems,
        rows,
        repeat: repeat.max(1),
        maps,
    })
}

/// Whether a variant did what it must: its first run failed exactly the tests `expect`
/// says (`all` its tests), and every repetition gave the same verdicts (`flaky` is empty),
/// so a grade never depends on the run.
fn as_expected(
    expect: &Expect,
    first: &BTreeSet<String>,
    all: &BTreeSet<String>,
    flaky: &BTreeSet<String>,
) -> bool {
    flaky.is_empty()
        && !all.is_empty()
        && match expect {
            Expect::PassAll => first.is_empty(),
            Expect::FailAll => first == all,
            Expect::FailExactly(fails) => first == fails,
        }
}

/// What each test of `exercise` checks besides its printed timeline, as the tests declared
/// it to the harness (read from the reference solution's run: the evidence carries it).
fn declared_checks(
    exercise: &Exercise,
    variants: &[(Submission, Expect)],
    first_run: &[Graded],
) -> BTreeMap<String, Checks> {
    let solution = format!("{} solution", exercise.slug);
    variants
        .iter()
        .position(|(submission, _)| submission.id.as_str() == solution)
        .and_then(|index| first_run.get(index))
        .into_iter()
        .flat_map(|graded| &graded.exercises)
        .flat_map(|e| &e.tests)
        .map(|t| (t.name.clone(), t.checks))
        .collect()
}

/// A test's checks beside its timeline, in words for the spec map: `blocking` (blocking
/// the executor fails it), `leaks after 1 s` (tasks, jobs or lines left after the return,
/// and the grace period of virtual time they get).
fn checks_in_words(checks: Option<&Checks>) -> Vec<String> {
    let Some(checks) = checks else {
        return Vec::new();
    };
    let mut words = Vec::new();
    if checks.blocking {
        words.push("blocking".to_string());
    }
    if let Some(ms) = checks.cleanup_ms {
        words.push(format!("leaks after {} s", ms as f64 / 1000.0));
    }
    words
}

/// The lesson's `[[spec]]` entries as rows of the map.
fn spec_map(exercise: &Exercise, checks: &BTreeMap<String, Checks>) -> SpecMap {
    let lines = exercise
        .manifest
        .spec
        .iter()
        .map(|line| MapLine {
            kind: line.kind,
            text: line.text.clone(),
            tests: line
                .tests
                .iter()
                .map(|name| MapTest {
                    name: name.clone(),
                    checks: checks_in_words(checks.get(name)),
                })
                .collect(),
            wrong: line.wrong.clone(),
        })
        .collect();
    SpecMap {
        exercise: exercise.slug.clone(),
        lines,
    }
}

fn variants(course: &Course, selected: &[&Exercise]) -> Result<Vec<(Submission, Expect)>> {
    let mut variants = Vec::new();
    for exercise in selected {
        let mut add = |name: &str, path: std::path::PathBuf, expect: Expect| -> Result<()> {
            let source =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut submission = Submission {
                id: format!("{} {name}", exercise.slug).into(),
                ..Submission::default()
            };
            submission
                .exercises
                .insert(exercise.slug.clone(), Sources::lib_only(source));
            variants.push((submission, expect));
            Ok(())
        };
        add("solution", exercise.solution(&course.root), Expect::PassAll)?;
        add("stub", exercise.stub(), Expect::FailAll)?;
        for wrong in &exercise.manifest.wrong {
            let fails = wrong.fails.iter().cloned().collect();
            add(
                &format!("wrong/{}", wrong.file),
                exercise.wrong(wrong),
                Expect::FailExactly(fails),
            )?;
        }
        for right in exercise.right_variants()? {
            let file = right.file_name().unwrap_or_default().to_string_lossy();
            add(&format!("right/{file}"), right.clone(), Expect::PassAll)?;
        }
    }
    Ok(variants)
}

/// Why each test of `graded` that did not pass failed.
fn failures(graded: &Graded, expectations: &Expectations) -> Vec<Failure> {
    graded
        .exercises
        .iter()
        .flat_map(|e| e.tests.iter().map(move |t| (e.slug.as_str(), t)))
        .filter(|(_, t)| t.status != Status::Passed)
        .map(|(slug, test)| Failure {
            test: test.name.clone(),
            detail: explain(test, expectations.get(slug, &test.name)),
        })
        .collect()
}

/// What is known about a failed test: where the executor blocked, the diff of its run
/// against the expected one, and the message of a run that did not finish.
fn explain(test: &TestVerdict, expected: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(blocking) = &test.blocking {
        let _ = writeln!(out, "note: {blocking}");
    }
    match (expected, &test.actual) {
        (Some(expected), Some(actual)) => out.push_str(&diff(expected, actual)),
        (None, Some(actual)) => {
            let _ = writeln!(out, "(no snapshot to compare with) the run was:\n{actual}");
        }
        (_, None) => {}
    }
    if let Some(message) = crate::report::feedback::message(test) {
        let _ = writeln!(out, "{message}");
    }
    out
}

fn failed_tests(graded: &Graded) -> BTreeSet<String> {
    graded
        .exercises
        .iter()
        .flat_map(|e| e.tests.iter())
        .filter(|t| t.status != Status::Passed)
        .map(|t| t.name.clone())
        .collect()
}

/// Tests whose status or rendered run was not the same in every run.
fn flaky_tests<'a>(mut runs: impl Iterator<Item = &'a Graded>) -> BTreeSet<String> {
    let Some(first) = runs.next() else {
        return BTreeSet::new();
    };
    let mut flaky = BTreeSet::new();
    for other in runs {
        for (a, b) in first.exercises.iter().zip(&other.exercises) {
            for (x, y) in a.tests.iter().zip(&b.tests) {
                if x.status != y.status || x.actual != y.actual {
                    flaky.insert(x.name.clone());
                }
            }
        }
    }
    flaky
}

/// The table `grader verify` prints.
pub fn render(verification: &Verification) -> String {
    let mut out = String::new();
    for (exercise, problem) in &verification.problems {
        let _ = writeln!(out, "error: {exercise}: {problem}");
    }
    let width = verification
        .rows
        .iter()
        .map(|r| r.exercise.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let vwidth = verification
        .rows
        .iter()
        .map(|r| r.variant.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:width$}  {:vwidth$}  {:<22}  {:<22}  check",
        "exercise", "variant", "must", "did"
    );
    for row in &verification.rows {
        let must = match &row.expect {
            Expect::PassAll => "pass every test".to_string(),
            Expect::FailAll => "fail every test".to_string(),
            Expect::FailExactly(fails) => format!("fail {} listed test(s)", fails.len()),
        };
        let did = if row.failed.is_empty() {
            "passed every test".to_string()
        } else {
            format!("failed {} test(s)", row.failed.len())
        };
        let check = if row.ok { "ok" } else { "MISMATCH" };
        let _ = writeln!(
            out,
            "{:width$}  {:vwidth$}  {must:<22}  {did:<22}  {check}",
            row.exercise, row.variant
        );
        if !row.ok {
            if let Expect::FailExactly(fails) = &row.expect {
                for missing in fails.difference(&row.failed) {
                    let _ = writeln!(out, "    should fail but passed: {missing}");
                }
                for extra in row.failed.difference(fails) {
                    let _ = writeln!(out, "    should pass but failed: {extra}");
                }
            } else if row.expect == Expect::PassAll {
                render_failures(&mut out, row);
            }
            if let Some(error) = &row.compile_error {
                let _ = writeln!(out, "    did not compile:");
                for line in error.lines().take(12) {
                    let _ = writeln!(out, "      {line}");
                }
            }
            for flaky in &row.flaky {
                let _ = writeln!(out, "    result differed between runs: {flaky}");
            }
        }
    }
    for map in &verification.maps {
        render_map(&mut out, map, &verification.rows);
    }
    let bad = verification.rows.iter().filter(|r| !r.ok).count();
    let _ = writeln!(
        out,
        "\n{} variant(s), {} run(s) each: {}",
        verification.rows.len(),
        verification.repeat,
        if verification.ok() {
            "all as expected".to_string()
        } else {
            format!(
                "{bad} mismatch(es), {} manifest problem(s)",
                verification.problems.len()
            )
        }
    );
    out
}

/// A lesson's spec map: each line with its tests and its wrong variants, each variant
/// marked with its row's check.
/// How many of the lesson's tests check blocking and leaks beside their timeline.
fn checks_in_force(map: &SpecMap) -> String {
    let tests: BTreeMap<&str, &MapTest> = map
        .lines
        .iter()
        .flat_map(|l| &l.tests)
        .map(|t| (t.name.as_str(), t))
        .collect();
    let with = |prefix: &str| {
        tests
            .values()
            .filter(|t| t.checks.iter().any(|c| c.starts_with(prefix)))
            .count()
    };
    format!(
        "blocking checked in {} of {} tests, leaks in {}",
        with("blocking"),
        tests.len(),
        with("leaks")
    )
}

fn render_map(out: &mut String, map: &SpecMap, rows: &[Row]) {
    if map.lines.is_empty() {
        let _ = writeln!(out, "\n{}: no spec map", map.exercise);
        return;
    }
    let count = |kind| map.lines.iter().filter(|l| l.kind == kind).count();
    let _ = writeln!(
        out,
        "\n{}: {} done-when, {} contract, {} edge; {}",
        map.exercise,
        count(SpecKind::DoneWhen),
        count(SpecKind::Contract),
        count(SpecKind::Edge),
        checks_in_force(map)
    );
    for line in &map.lines {
        let _ = writeln!(out, "  {:<9}  {}", line.kind.name(), line.text);
        let tests: Vec<String> = line.tests.iter().map(map_test).collect();
        write_list(out, "tests", &tests);
        let wrong: Vec<String> = line
            .wrong
            .iter()
            .map(|file| {
                let variant = format!("wrong/{file}");
                let check = rows
                    .iter()
                    .find(|r| r.exercise == map.exercise && r.variant == variant)
                    .map_or("", |r| if r.ok { " ok" } else { " MISMATCH" });
                format!("{file}{check}")
            })
            .collect();
        if wrong.is_empty() {
            write_list(out, "wrong", &["none".to_string()]);
        } else {
            write_list(out, "wrong", &wrong);
        }
    }
}

/// `label: a, b, c` under a spec line, wrapped before [`MAP_WIDTH`] columns, each
/// continuation lined up under the first item.
fn write_list(out: &mut String, label: &str, items: &[String]) {
    let prefix = format!("{:15}{label}: ", "");
    let mut line = prefix.clone();
    for (index, item) in items.iter().enumerate() {
        let comma = if index + 1 < items.len() { "," } else { "" };
        if line.len() > prefix.len() {
            if line.len() + 1 + item.len() + comma.len() > MAP_WIDTH {
                let _ = writeln!(out, "{line}");
                line = " ".repeat(prefix.len());
            } else {
                line.push(' ');
            }
        }
        line.push_str(item);
        line.push_str(comma);
    }
    let _ = writeln!(out, "{line}");
}

/// Where the lists of the spec map wrap.
const MAP_WIDTH: usize = 100;

/// `name`, or `name [blocking, leaks]` when it checks more than the timeline.
fn map_test(test: &MapTest) -> String {
    if test.checks.is_empty() {
        test.name.clone()
    } else {
        format!("{} [{}]", test.name, test.checks.join(", "))
    }
}

/// The failed tests of a row that had to pass, each with its diff indented below it.
fn render_failures(out: &mut String, row: &Row) {
    for failed in &row.failed {
        let _ = writeln!(out, "    failed: {failed}");
        let detail = row.failures.iter().find(|f| &f.test == failed);
        for line in detail.map_or("", |f| f.detail.as_str()).lines() {
            let _ = writeln!(out, "      {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::{
        Expect, Failure, MapLine, MapTest, Row, SpecMap, Verification, as_expected, explain,
        flaky_tests, render, variants,
    };
    use crate::course::{Course, SpecKind};
    use crate::pipeline::verdict::{ExerciseVerdict, Fate, Graded, Status, TestVerdict};

    fn verdict(actual: Option<&str>, message: Option<&str>) -> TestVerdict {
        TestVerdict {
            actual: actual.map(str::to_string),
            message: message.map(|m| crate::pipeline::verdict::Reason::Said(m.to_string())),
            ..TestVerdict::new("t".to_string(), Status::Failed, 1)
        }
    }

    fn row(variant: &str, failed: &[&str], failures: Vec<Failure>) -> Row {
        let failed: BTreeSet<String> = failed.iter().map(|s| s.to_string()).collect();
        Row {
            exercise: "03-gather".to_string(),
            variant: variant.to_string(),
            expect: Expect::PassAll,
            ok: failed.is_empty(),
            failed,
            flaky: BTreeSet::new(),
            compile_error: None,
            failures,
        }
    }

    fn graded(tests: Vec<TestVerdict>) -> Graded {
        Graded {
            id: "03 solution".into(),
            exercises: vec![ExerciseVerdict {
                slug: "03-gather".to_string(),
                tests,
                fate: Fate::Ran,
            }],
            notes: Vec::new(),
        }
    }

    fn names(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_verdict_that_differs_between_repetitions_is_a_mismatch() {
        let passed = |actual: &str| TestVerdict {
            status: Status::Passed,
            ..verdict(Some(actual), None)
        };
        let first = graded(vec![passed("[  0.000s] a\n[  0.000s] b")]);
        let same = graded(vec![passed("[  0.000s] a\n[  0.000s] b")]);
        assert_eq!(flaky_tests([&first, &same, &same].into_iter()), names(&[]));
        // Another status, or the same status with another run, in any repetition.
        let failed = graded(vec![verdict(Some("[  0.000s] a\n[  0.000s] b"), None)]);
        let other_run = graded(vec![passed("[  0.000s] b\n[  0.000s] a")]);
        for differs in [&failed, &other_run] {
            let flaky = flaky_tests([&first, &same, differs].into_iter());
            assert_eq!(flaky, names(&["t"]));
            // Passing every test in the first run is not enough then.
            assert!(!as_expected(
                &Expect::PassAll,
                &names(&[]),
                &names(&["t"]),
                &flaky
            ));
        }
        assert!(as_expected(
            &Expect::PassAll,
            &names(&[]),
            &names(&["t"]),
            &names(&[])
        ));
        let fails = Expect::FailExactly(names(&["t"]));
        assert!(as_expected(
            &fails,
            &names(&["t"]),
            &names(&["t", "u"]),
            &names(&[])
        ));
        assert!(!as_expected(
            &fails,
            &names(&["t"]),
            &names(&["t", "u"]),
            &names(&["u"])
        ));
    }

    #[test]
    fn a_failed_run_is_explained_by_its_diff_against_the_snapshot() {
        let run = verdict(Some("[  0.000s] a\n[  0.500s] b"), None);
        let detail = explain(&run, Some("[  0.000s] a\n[  1.000s] b"));
        assert_eq!(
            detail, " [  0.000s] a\n-[  1.000s] b\n+[  0.500s] b\n",
            "{detail}"
        );
    }

    #[test]
    fn a_run_that_did_not_finish_is_explained_by_its_message_and_blocking() {
        let mut run = verdict(None, Some("timed out after 10 s"));
        run.blocking = Some("your code blocked for 1.0 s".to_string());
        let detail = explain(&run, Some("[  0.000s] a"));
        assert_eq!(
            detail,
            "note: your code blocked for 1.0 s\ntimed out after 10 s\n"
        );
    }

    #[test]
    fn right_variants_are_rows_that_show_why_they_failed() {
        let failure = Failure {
            test: "fails_fast".to_string(),
            detail: "-[  0.900s] returned\n+[  1.000s] returned\n".to_string(),
        };
        let verification = Verification {
            problems: Vec::new(),
            rows: vec![
                row("right/joinset.rs", &[], Vec::new()),
                row("right/select_all.rs", &["fails_fast"], vec![failure]),
            ],
            repeat: 1,
            maps: Vec::new(),
        };
        let table = render(&verification);
        let lines: Vec<&str> = table.lines().collect();
        assert!(
            lines[1].contains("right/joinset.rs") && lines[1].ends_with("ok"),
            "{table}"
        );
        assert!(
            lines[2].contains("right/select_all.rs") && lines[2].ends_with("MISMATCH"),
            "{table}"
        );
        assert_eq!(
            lines[3..6],
            [
                "    failed: fails_fast",
                "      -[  0.900s] returned",
                "      +[  1.000s] returned"
            ],
            "{table}"
        );
        assert!(table.contains("1 mismatch(es)"), "{table}");
    }

    #[test]
    fn long_lists_of_the_spec_map_wrap_under_their_first_item() {
        let tests: Vec<String> = (0..6)
            .map(|i| format!("a_test_named_{i}_at_length"))
            .collect();
        let mut out = String::new();
        super::write_list(&mut out, "tests", &tests);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines.iter().all(|l| l.len() <= super::MAP_WIDTH), "{out}");
        assert!(
            lines[0].starts_with("               tests: a_test_named_0_at_length,"),
            "{out}"
        );
        assert!(
            lines[1].starts_with(&format!("{:22}a_test_named_", "")),
            "{out}"
        );
        let joined: Vec<&str> = out.split_whitespace().filter(|w| *w != "tests:").collect();
        assert_eq!(joined.join(" "), tests.join(", "), "{out}");
    }

    #[test]
    fn every_right_file_is_a_variant_that_must_pass() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let course = Course::load(root).unwrap();
        let selected: Vec<_> = course.exercises.iter().collect();
        let all = variants(&course, &selected).unwrap();
        for exercise in &course.exercises {
            let files: Vec<String> = exercise
                .right_variants()
                .unwrap()
                .iter()
                .map(|p| format!("right/{}", p.file_name().unwrap().to_string_lossy()))
                .collect();
            let rows: Vec<(&str, &Expect)> = all
                .iter()
                .filter_map(|(submission, expect)| {
                    let (slug, variant) = submission.id.split_once(' ')?;
                    (slug == exercise.slug && variant.starts_with("right/"))
                        .then_some((variant, expect))
                })
                .collect();
            let names: Vec<&str> = rows.iter().map(|(variant, _)| *variant).collect();
            assert_eq!(names, files, "{}", exercise.slug);
            assert!(rows.iter().all(|(_, expect)| **expect == Expect::PassAll));
        }
    }

    fn map_test(name: &str, checks: &[&str]) -> MapTest {
        MapTest {
            name: name.to_string(),
            checks: checks.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn the_spec_map_shows_each_line_with_its_tests_and_wrong_variants() {
        let mut broken = row("wrong/sequential.rs", &[], Vec::new());
        broken.ok = false;
        let map = SpecMap {
            exercise: "03-gather".to_string(),
            lines: vec![
                MapLine {
                    kind: SpecKind::DoneWhen,
                    text: "results come in order".to_string(),
                    tests: vec![map_test("in_order", &[]), map_test("late", &["leaks"])],
                    wrong: vec!["sequential.rs".to_string()],
                },
                MapLine {
                    kind: SpecKind::Edge,
                    text: "no devices: returns at once".to_string(),
                    tests: vec![map_test("empty", &[])],
                    wrong: Vec::new(),
                },
            ],
        };
        let verification = Verification {
            problems: Vec::new(),
            rows: vec![broken],
            repeat: 1,
            maps: vec![
                map,
                SpecMap {
                    exercise: "04-wait-first".to_string(),
                    lines: Vec::new(),
                },
            ],
        };
        let table = render(&verification);
        let start = table.find("03-gather: ").expect(&table);
        let lines: Vec<&str> = table[start..].lines().collect();
        assert_eq!(
            lines[..9],
            [
                "03-gather: 1 done-when, 0 contract, 1 edge; blocking checked in 0 of 3 tests, leaks in 1",
                "  done-when  results come in order",
                "               tests: in_order, late [leaks]",
                "               wrong: sequential.rs MISMATCH",
                "  edge       no devices: returns at once",
                "               tests: empty",
                "               wrong: none",
                "",
                "04-wait-first: no spec map",
            ],
            "{table}"
        );
    }

    #[test]
    fn the_checks_a_test_declares_are_named_in_words() {
        use super::{Checks, checks_in_words};
        assert!(checks_in_words(None).is_empty());
        assert!(checks_in_words(Some(&Checks::default())).is_empty());
        let both = Checks {
            blocking: true,
            cleanup_ms: Some(500),
        };
        assert_eq!(
            checks_in_words(Some(&both)),
            ["blocking", "leaks after 0.5 s"]
        );
    }
}
