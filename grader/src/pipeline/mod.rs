//! The grading pipeline, top to bottom: stage -> build -> run -> verdict.
//! (`discover` reads submissions before it; `report` writes results after it.) The
//! verdict also names what each failed run shows ([`symptom`]); the steps return values
//! (reasons, refusals, build failures, symptoms) and `report` words them.

pub mod build;
pub mod cache;
pub mod discover;
pub mod outcome;
pub mod pair;
pub mod roster;
pub mod run;
pub mod stage;
pub mod submission;
pub mod symptom;
pub mod verdict;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::{Context, Result};

use crate::course::{Course, Exercise};
use crate::pipeline::build::{BuildOptions, Built};
use crate::pipeline::pair::StudentKey;
use crate::pipeline::run::Observation;
use crate::pipeline::run::RunOptions;
use crate::pipeline::stage::Stage;
use crate::pipeline::submission::Submission;
use crate::pipeline::verdict::{ExerciseVerdict, Expectations, Graded};

/// Submissions built together into one workspace (see `performance.md`: ~100 is the sweet
/// spot; larger batches cost more per submission).
pub const BATCH_SIZE: usize = 100;

/// Set to keep the work folders (staged workspace, evidence) after the grader exits.
pub const KEEP_WORK_ENV: &str = "GRADER_KEEP_WORK";

/// Everything a grading run is told: how batches are built, how tests run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where batches are built, and how the compiler is confined.
    pub build: BuildOptions,
    /// How test processes run.
    pub run: RunOptions,
}

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
    build: BuildOptions,
    built: Built,
    work: tempfile::TempDir,
    runs: usize,
}

/// Stages and builds one batch; `progress` hears of the build.
pub fn compile<'a>(
    course: &'a Course,
    batch: Vec<&'a Submission>,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Compiled<'a>> {
    progress.building(batch.len());
    let mut compiled = stage(course, batch, options, progress)?;
    let linked = |exercise: &Exercise, _: &Path, keys: &[StudentKey]| {
        progress.linked(&exercise.slug, keys.len());
    };
    compiled.built = build::build(course, &mut compiled.stage, options, &linked)?;
    Ok(compiled)
}

/// Stages one batch in `options.dir`, to be built by [`Compiled::build_and_run`].
pub fn stage<'a>(
    course: &'a Course,
    batch: Vec<&'a Submission>,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Compiled<'a>> {
    let lock = lock(&options.dir, progress)?;
    let parent = options.dir.join("work");
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let work = tempfile::Builder::new()
        .prefix("batch-")
        // `GRADER_KEEP_WORK=1` keeps the run folders (evidence, scratch) for debugging;
        // the staged workspace of the last batch stays in `<target>/grader/stage` anyway.
        .disable_cleanup(std::env::var_os(KEEP_WORK_ENV).is_some())
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a work folder in {}", parent.display()))?;
    let stage_dir = options.dir.join("stage");
    let stage = stage::write(course, &batch, &stage_dir)?;
    Ok(Compiled {
        _lock: lock,
        course,
        batch,
        stage,
        build: options.clone(),
        built: Built::default(),
        work,
        runs: 0,
    })
}

/// Takes the grader's lock in `target`, waiting (and telling `progress`) while another run
/// has it.
fn lock(target: &Path, progress: &dyn Progress) -> Result<fs::File> {
    fs::create_dir_all(target).with_context(|| format!("cannot create {}", target.display()))?;
    let path = target.join("grader.lock");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    if file.try_lock().is_err() {
        progress.waiting(target);
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
    }
    Ok(file)
}

impl<'a> Compiled<'a> {
    /// How many (student, exercise) pairs the batch has: each ends up run, refused or not
    /// compiled.
    pub fn pairs(&self) -> usize {
        self.stage.members.values().map(Vec::len).sum::<usize>() + self.stage.rejected.len()
    }

    /// Builds the staged batch and runs it at the same time: an exercise's tests start as
    /// soon as its batch binary is linked, while cargo goes on with the others (test
    /// processes mostly wait, the compiler mostly computes). `judged` hears each verdict as
    /// soon as it is known.
    pub fn build_and_run(
        &mut self,
        options: &RunOptions,
        expectations: &Expectations,
        judged: &(dyn Fn(&Submission, &ExerciseVerdict) + Sync),
        progress: &dyn Progress,
    ) -> Result<Vec<Graded>> {
        self.runs += 1;
        let folder: PathBuf = self.work.path().join(format!("run-{}", self.runs));
        let Compiled {
            course,
            batch,
            stage,
            build: build_options,
            ..
        } = self;
        let course: &Course = course;
        let keys = stage.keys.clone();
        let on_observation = |observation: &Observation| {
            if let Some((index, exercise)) = locate(course, &keys, observation) {
                judged(
                    batch[index],
                    &verdict::judge_observed(exercise, observation, expectations),
                );
            }
        };
        let (sender, receiver) = mpsc::channel();
        let (built, observations) = std::thread::scope(|scope| {
            let runner = scope.spawn(|| run::run_jobs(receiver, &folder, options, &on_observation));
            let built = {
                // Dropped when the build ends, however it ends: the runner then finishes
                // what it has and stops.
                let sender = sender;
                let ready = |exercise: &'a Exercise, binary: &Path, keys: &[StudentKey]| {
                    progress.linked(&exercise.slug, keys.len());
                    for key in keys {
                        let job = run::Job {
                            exercise,
                            key: key.clone(),
                            binary: binary.to_path_buf(),
                        };
                        let _ = sender.send(job);
                    }
                };
                build::build(course, stage, build_options, &ready)
            };
            let observations = runner.join().expect("the runner does not panic");
            (built, observations)
        });
        self.built = built?;
        let observations = observations?;
        self.finish(&observations, expectations, judged)
    }

    /// Runs every compiled test of the batch again (after [`Compiled::build_and_run`] or
    /// [`compile`]) and judges it.
    pub fn run(
        &mut self,
        options: &RunOptions,
        expectations: &Expectations,
    ) -> Result<Vec<Graded>> {
        self.runs += 1;
        let folder: PathBuf = self.work.path().join(format!("run-{}", self.runs));
        let observations = run::run(
            self.course,
            &self.stage,
            &self.built,
            &folder,
            options,
            &|_| {},
        )?;
        self.finish(&observations, expectations, &|_, _| {})
    }

    /// Judges the whole batch from its observations, and reports the refused and uncompiled
    /// exercises (which never ran) to `judged`.
    fn finish(
        &self,
        observations: &[Observation],
        expectations: &Expectations,
        judged: &(dyn Fn(&Submission, &ExerciseVerdict) + Sync),
    ) -> Result<Vec<Graded>> {
        let graded = verdict::judge(
            self.course,
            &self.batch,
            &self.stage,
            &self.built,
            observations,
            expectations,
        );
        // Refused and uncompiled exercises never ran: report them now.
        for (submission, graded) in self.batch.iter().zip(&graded) {
            for verdict in &graded.exercises {
                if !verdict.fate.compiled() {
                    judged(submission, verdict);
                }
            }
        }
        Ok(graded)
    }
}

/// The batch index and exercise an observation belongs to.
fn locate<'c>(
    course: &'c Course,
    keys: &[StudentKey],
    observation: &Observation,
) -> Option<(usize, &'c Exercise)> {
    let index = keys.iter().position(|k| k == &observation.pair.student)?;
    let exercise = course
        .exercises
        .iter()
        .find(|e| observation.pair.lesson == e.slug)?;
    Some((index, exercise))
}

/// Hears how grading goes, to show progress: the library prints nothing, and a terminal,
/// a plain log and GitHub Actions are presenters of the same events (the binary's).
/// Every event has a default that ignores it.
pub trait Progress: Sync {
    /// `--resume`: `reused` of the class's `total` (student, exercise) verdicts are taken
    /// from the cache in `cache`; the rest are graded now.
    fn resuming(&self, _reused: usize, _total: usize, _cache: &Path) {}
    /// Another grader run holds the build folder `dir`; this one waits for it.
    fn waiting(&self, _dir: &Path) {}
    /// A batch of `size` submissions starts building.
    fn building(&self, _size: usize) {}
    /// A lesson's test binary is linked, holding the tests of `students` students, who start
    /// running now.
    fn linked(&self, _lesson: &str, _students: usize) {}
    /// One (student, exercise) pair has been judged; `total` pairs are in this batch.
    fn judged(&self, _total: usize, _submission: &Submission, _verdict: &ExerciseVerdict) {}
    /// A batch of `size` submissions is graded, `pairs` (student, exercise) pairs in all.
    fn graded(&self, _size: usize, _pairs: usize) {}
    /// Something went wrong that costs no verdict (one could not be cached), in words.
    fn warning(&self, _text: &str) {}
}

/// Progress nobody hears.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// Grades submissions batch by batch. With `repeat` > 1 every test runs that many times;
/// a test whose result differs between runs is marked flaky (the first run counts), and
/// `progress` hears the verdicts once all runs of a batch are done.
pub fn grade(
    course: &Course,
    submissions: &[Submission],
    options: &Options,
    expectations: &Expectations,
    repeat: usize,
    progress: &dyn Progress,
) -> Result<Vec<Graded>> {
    build::fetch(course)?;
    let (build, options) = (&options.build, &options.run);
    let mut graded = Vec::with_capacity(submissions.len());
    for chunk in submissions.chunks(BATCH_SIZE) {
        progress.building(chunk.len());
        let mut compiled = stage(course, chunk.iter().collect(), build, progress)?;
        let total = compiled.pairs();
        if repeat <= 1 {
            let judged = |s: &Submission, v: &ExerciseVerdict| progress.judged(total, s, v);
            graded.extend(compiled.build_and_run(options, expectations, &judged, progress)?);
            progress.graded(chunk.len(), total);
            continue;
        }
        let mut first = compiled.build_and_run(options, expectations, &|_, _| {}, progress)?;
        for _ in 1..repeat {
            let again = compiled.run(options, expectations)?;
            mark_flaky(&mut first, &again);
        }
        for (submission, graded) in chunk.iter().zip(&first) {
            for verdict in &graded.exercises {
                progress.judged(total, submission, verdict);
            }
        }
        progress.graded(chunk.len(), total);
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
