//! The grading pipeline, top to bottom: stage -> build -> run -> verdict.
//! (`discover` reads submissions before it; `report` writes results after it.)

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::build::{self, Built};
use crate::course::Course;
use crate::run::Observation;
use crate::run::{self, RunOptions};
use crate::stage::{self, Stage};
use crate::submission::Submission;
use crate::verdict::{self, ExerciseVerdict, Expectations, Graded};

/// Submissions built together into one workspace (see `performance.md`: ~100 is the sweet
/// spot; larger batches cost more per submission).
pub const BATCH_SIZE: usize = 100;

/// Set to keep the work folders (staged workspace, evidence) after the grader exits.
pub const KEEP_WORK_ENV: &str = "GRADER_KEEP_WORK";

/// A batch that has been staged and built, ready to run (possibly several times).
///
/// It holds the grader's lock for as long as it lives: cargo names build artifacts after
/// the package's path inside the workspace, so two grader runs sharing the target folder
/// would overwrite each other's crates and test binaries (`s002-exercise-05` of one class
/// running as another's). One run at a time keeps every verdict its own.
#[derive(Debug)]
pub struct Compiled<'a> {
    _lock: fs::File,
    course: &'a Course,
    batch: Vec<&'a Submission>,
    stage: Stage,
    built: Built,
    work: tempfile::TempDir,
    runs: usize,
}

/// Stages and builds one batch.
pub fn compile<'a>(course: &'a Course, batch: Vec<&'a Submission>) -> Result<Compiled<'a>> {
    let lock = lock(&build::target_dir(course))?;
    let parent = build::target_dir(course).join("work");
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let work = tempfile::Builder::new()
        .prefix("batch-")
        // `GRADER_KEEP_WORK=1` keeps the run folders (evidence, scratch) for debugging;
        // the staged workspace of the last batch stays in `target/grader/stage` anyway.
        .disable_cleanup(std::env::var_os(KEEP_WORK_ENV).is_some())
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a work folder in {}", parent.display()))?;
    let stage_dir = build::target_dir(course).join("stage");
    let mut stage = stage::write(course, &batch, &stage_dir)?;
    let built = build::build(course, &mut stage)?;
    Ok(Compiled {
        _lock: lock,
        course,
        batch,
        stage,
        built,
        work,
        runs: 0,
    })
}

/// Takes the grader's lock in `target`, waiting (and saying so) while another run has it.
fn lock(target: &Path) -> Result<fs::File> {
    fs::create_dir_all(target).with_context(|| format!("cannot create {}", target.display()))?;
    let path = target.join("grader.lock");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    if file.try_lock().is_err() {
        eprintln!(
            "Another grader run is using {}; waiting for it to finish...",
            target.display()
        );
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
    }
    Ok(file)
}

impl Compiled<'_> {
    /// Runs every compiled test of the batch and judges it.
    pub fn run(
        &mut self,
        options: &RunOptions,
        expectations: &Expectations,
    ) -> Result<Vec<Graded>> {
        self.run_with(options, expectations, &|_, _| {})
    }

    /// [`Compiled::run`], calling `judged` with each student's exercise verdict as soon as
    /// it is known (from worker threads; refused and uncompiled ones at the end).
    pub fn run_with(
        &mut self,
        options: &RunOptions,
        expectations: &Expectations,
        judged: &(dyn Fn(&Submission, &ExerciseVerdict) + Sync),
    ) -> Result<Vec<Graded>> {
        self.runs += 1;
        let folder: PathBuf = self.work.path().join(format!("run-{}", self.runs));
        let on_observation = |observation: &Observation| {
            let (Some(index), Some(exercise)) = (
                self.stage.keys.iter().position(|k| k == &observation.key),
                self.course
                    .exercises
                    .iter()
                    .find(|e| e.slug == observation.slug),
            ) else {
                return;
            };
            let verdict = verdict::judge_unit(
                exercise,
                &observation.key,
                &self.stage,
                &self.built,
                Some(observation),
                expectations,
            );
            judged(self.batch[index], &verdict);
        };
        let observations = run::run(
            self.course,
            &self.stage,
            &self.built,
            &folder,
            options,
            &on_observation,
        )?;
        let graded = verdict::judge(
            self.course,
            &self.batch,
            &self.stage,
            &self.built,
            &observations,
            expectations,
        );
        // Refused and uncompiled exercises never ran: report them now.
        for (submission, graded) in self.batch.iter().zip(&graded) {
            for verdict in &graded.exercises {
                if verdict.rejected.is_some() || verdict.compile_error.is_some() {
                    judged(submission, verdict);
                }
            }
        }
        Ok(graded)
    }
}

/// Hears how grading goes, to show progress.
pub trait Progress: Sync {
    /// A batch of `size` submissions starts building.
    fn building(&self, size: usize);
    /// One (student, exercise) pair has been judged; `total` pairs are in this batch.
    fn judged(&self, total: usize, submission: &Submission, verdict: &ExerciseVerdict);
}

/// Grades submissions batch by batch. With `repeat` > 1 every test runs that many times;
/// a test whose result differs between runs is marked flaky (the first run counts), and
/// `progress` hears the verdicts once all runs of a batch are done.
pub fn grade(
    course: &Course,
    submissions: &[Submission],
    options: &RunOptions,
    expectations: &Expectations,
    repeat: usize,
    progress: &dyn Progress,
) -> Result<Vec<Graded>> {
    build::fetch(course)?;
    let mut graded = Vec::with_capacity(submissions.len());
    for chunk in submissions.chunks(BATCH_SIZE) {
        progress.building(chunk.len());
        let mut compiled = compile(course, chunk.iter().collect())?;
        let total = compiled.stage.members.values().map(Vec::len).sum::<usize>()
            + compiled.stage.rejected.len()
            + compiled.built.failures.len();
        if repeat <= 1 {
            let judged = |s: &Submission, v: &ExerciseVerdict| progress.judged(total, s, v);
            graded.extend(compiled.run_with(options, expectations, &judged)?);
            continue;
        }
        let mut first = compiled.run(options, expectations)?;
        for _ in 1..repeat {
            let again = compiled.run(options, expectations)?;
            mark_flaky(&mut first, &again);
        }
        for (submission, graded) in chunk.iter().zip(&first) {
            for verdict in &graded.exercises {
                progress.judged(total, submission, verdict);
            }
        }
        graded.extend(first);
    }
    Ok(graded)
}

/// Marks every test of `first` whose status or output differs in `again`.
fn mark_flaky(first: &mut [Graded], again: &[Graded]) {
    for (a, b) in first.iter_mut().zip(again) {
        for (x, y) in a.exercises.iter_mut().zip(&b.exercises) {
            for (t, u) in x.tests.iter_mut().zip(&y.tests) {
                if t.status != u.status || t.actual != u.actual {
                    t.flaky = true;
                }
            }
        }
    }
}
