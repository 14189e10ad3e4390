//! `grader verify`: the course checks itself. Every reference solution must pass every
//! test, every stub must fail every test, every wrong variant must fail exactly the tests
//! its manifest lists, and repeated runs must give identical results.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;

use anyhow::{Context, Result};

use crate::build;
use crate::course::{Course, Exercise};
use crate::pipeline;
use crate::run::RunOptions;
use crate::submission::{Sources, Submission};
use crate::verdict::{Expectations, Graded, Status};

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
    /// `solution`, `stub` or `wrong/<file>`.
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
}

impl Verification {
    /// Whether everything is as it should be.
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.rows.iter().all(|r| r.ok)
    }
}

/// Builds every variant of the selected exercises and checks each against its expectation.
pub fn verify(
    course: &Course,
    selected: &[&Exercise],
    repeat: usize,
    options: &RunOptions,
) -> Result<Verification> {
    let mut problems = Vec::new();
    for exercise in selected {
        problems.extend(
            exercise
                .manifest_problems()
                .into_iter()
                .map(|p| (exercise.slug.clone(), p)),
        );
    }
    let variants = variants(course, selected)?;
    build::fetch(course)?;
    let expectations = Expectations::load(course)?;
    let submissions: Vec<&Submission> = variants.iter().map(|(submission, _)| submission).collect();
    let mut compiled = pipeline::compile(course, submissions)?;
    let runs: Vec<Vec<Graded>> = (0..repeat.max(1))
        .map(|_| compiled.run(options, &expectations))
        .collect::<Result<_>>()?;
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
            let ok = flaky.is_empty()
                && !all.is_empty()
                && match expect {
                    Expect::PassAll => first.is_empty(),
                    Expect::FailAll => first == all,
                    Expect::FailExactly(fails) => &first == fails,
                };
            let compile_error = runs[0][index]
                .exercises
                .iter()
                .find_map(|e| e.compile_error.clone());
            Row {
                exercise: exercise.to_string(),
                variant: variant.to_string(),
                expect: expect.clone(),
                failed: first,
                flaky,
                ok,
                compile_error,
            }
        })
        .collect();
    Ok(Verification {
        problems,
        rows,
        repeat: repeat.max(1),
    })
}

fn variants(course: &Course, selected: &[&Exercise]) -> Result<Vec<(Submission, Expect)>> {
    let mut variants = Vec::new();
    for exercise in selected {
        let mut add = |name: &str, path: std::path::PathBuf, expect: Expect| -> Result<()> {
            let source =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut submission = Submission {
                id: format!("{} {name}", exercise.slug),
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
    }
    Ok(variants)
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
                for failed in &row.failed {
                    let _ = writeln!(out, "    failed: {failed}");
                }
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
