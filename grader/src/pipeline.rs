//! The grading pipeline, top to bottom: stage -> build -> run -> verdict.
//! (`discover` reads submissions before it; `report` writes results after it.)

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::build::{self, Built};
use crate::course::Course;
use crate::run::{self, RunOptions};
use crate::stage::{self, Stage};
use crate::submission::Submission;
use crate::verdict::{self, Expectations, Graded};

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
        self.run_with(options, expectations, &|| {})
    }

    /// [`Compiled::run`], calling `done` after each (student, exercise) pair has run.
    pub fn run_with(
        &mut self,
        options: &RunOptions,
        expectations: &Expectations,
        done: &(dyn Fn() + Sync),
    ) -> Result<Vec<Graded>> {
        self.runs += 1;
        let folder: PathBuf = self.work.path().join(format!("run-{}", self.runs));
        let observations = run::run(
            self.course,
            &self.stage,
            &self.built,
            &folder,
            options,
            done,
        )?;
        Ok(verdict::judge(
            self.course,
            &self.batch,
            &self.stage,
            &self.built,
            &observations,
            expectations,
        ))
    }
}

/// Hears how grading goes, to show progress.
pub trait Progress: Sync {
    /// A batch of `size` submissions starts building.
    fn building(&self, size: usize);
    /// One (student, exercise) pair has run; `total` pairs are in this batch.
    fn ran(&self, total: usize);
}

/// Grades submissions batch by batch.
pub fn grade(
    course: &Course,
    submissions: &[Submission],
    options: &RunOptions,
    expectations: &Expectations,
    progress: &dyn Progress,
) -> Result<Vec<Graded>> {
    build::fetch(course)?;
    let mut graded = Vec::with_capacity(submissions.len());
    for chunk in submissions.chunks(BATCH_SIZE) {
        progress.building(chunk.len());
        let mut compiled = compile(course, chunk.iter().collect())?;
        let total = compiled.stage.members.values().map(Vec::len).sum();
        graded.extend(compiled.run_with(options, expectations, &|| progress.ran(total))?);
    }
    Ok(graded)
}
