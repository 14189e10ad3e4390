//! `grader bless`: write every snapshot (visible and hidden) from the reference solutions.
//! Read the changed `.snap` files (`git diff`) before committing them.

use anyhow::{Context, Result, bail};

use crate::course::{Course, Exercise};
use crate::pipeline;
use crate::pipeline::build;
use crate::pipeline::submission::{Sources, Submission};
use crate::pipeline::verdict::Expectations;
use crate::pipeline::{Options, Progress};
use crate::snapshot;

/// Runs the solutions of `selected` and writes their runs as the expected ones. Returns
/// the number of snapshot files written.
pub fn bless(
    course: &Course,
    selected: &[&Exercise],
    options: &Options,
    progress: &dyn Progress,
) -> Result<usize> {
    let mut submissions = Vec::new();
    for exercise in selected {
        let path = exercise.solution(&course.root);
        let source =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut submission = Submission {
            id: exercise.slug.as_str().into(),
            ..Submission::default()
        };
        submission
            .exercises
            .insert(exercise.slug.clone(), Sources::lib_only(source));
        submissions.push(submission);
    }
    build::fetch(course)?;
    let mut compiled = pipeline::compile(
        course,
        submissions.iter().collect(),
        &options.build,
        progress,
    )?;
    let graded = compiled.run(&options.run, &Expectations::default())?;
    let mut written = 0;
    for (exercise, graded) in selected.iter().zip(&graded) {
        let verdict = graded
            .exercises
            .first()
            .context("the solution was not graded")?;
        if let Some(failure) = verdict.fate.build_failure() {
            let error = crate::report::words::build_failure(failure, crate::report::lang::Lang::En);
            bail!(
                "the solution of {} does not compile:\n{error}",
                exercise.slug
            );
        }
        for suite in &exercise.suites {
            for test in &suite.tests {
                let result = verdict
                    .tests
                    .iter()
                    .find(|t| &t.name == test)
                    .context("test missing from the run")?;
                let Some(actual) = &result.actual else {
                    bail!(
                        "the solution of {} produced no run for `{test}`: {}",
                        exercise.slug,
                        crate::report::feedback::message(result)
                            .unwrap_or_else(|| "no reason given".to_string())
                    );
                };
                let path = snapshot::path(suite, test);
                let unchanged = snapshot::read(&path).is_ok_and(|old| &old == actual);
                if !unchanged {
                    let source = suite.path.strip_prefix(&course.root).unwrap_or(&suite.path);
                    snapshot::write(&path, source, actual)?;
                    written += 1;
                }
            }
        }
    }
    Ok(written)
}
