//! Run: start each student's tests in a process of their own and collect the evidence.
//!
//! The batch binary of an exercise holds every student's copy of the tests; a student's
//! tests are selected by their exact names, so no two students' code ever shares a
//! process. Each process runs confined (see [`crate::confine::sandbox`]) under a wall-clock limit,
//! and gets a fresh secret and nonce on its standard input (the harness takes them before
//! `main`). A test's result is the evidence line its `check!` printed, signed with that
//! secret and bound to the student and the process (`timeline_evidence::Evidence::binding`);
//! the process's exit code and the rest of its output decide nothing, they only explain a
//! missing result. A second evidence line for the same test means the code under test
//! produced one of its own, and validly signed evidence for another student, process or
//! test means it got hold of the secret: either way the process's tests are marked as
//! tampered. When a process crashes, the tests it left without evidence are run again one
//! by one, so one test's crash costs no other test; all of it within the lesson's time
//! budget, so one student's crashes cannot cost the class (tests + 1) x the limit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

mod budget;
mod explain;
mod ran;
mod test_process;

use anyhow::Result;
use timeline_evidence::Evidence;

use self::budget::{Budget, LEAST_RUN};
use self::explain::explain;
use self::test_process::{Process, run_tests};

use crate::confine::process::Exit;
use crate::confine::sandbox::{Choice, Sandbox};
use crate::course::{Course, Exercise};
use crate::pipeline::build::Built;
use crate::pipeline::pair::{Pair, StudentKey};
use crate::pipeline::stage::Stage;

/// Limits, confinement and parallelism of the run step.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Processes running at once.
    pub jobs: usize,
    /// Real time one test may take (its process gets this plus start-up slack), unless the
    /// exercise's manifest sets `time_limit`.
    pub test_limit: Duration,
    /// Real time one test may take whatever the manifest says (`--test-limit`).
    pub test_limit_override: Option<Duration>,
    /// Real time all the processes of one student's lesson may take together
    /// (`--lesson-budget`); by default [`BUDGET_FACTOR`] times the lesson's test limit.
    pub lesson_budget: Option<Duration>,
    /// Bytes of each output stream kept (evidence comes on stdout: room for many tests).
    pub output_cap: usize,
    /// How test processes are confined.
    pub sandbox: Sandbox,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            jobs: default_jobs(),
            test_limit: Duration::from_secs(10),
            test_limit_override: None,
            lesson_budget: None,
            output_cap: 4 * 1024 * 1024,
            sandbox: Sandbox::detect(Choice::Auto).expect("the automatic choice never fails"),
        }
    }
}

/// The default lesson budget, in test limits: the first process (every test at once), one
/// re-run alone with the full limit, and room for the quick re-runs of the others.
pub const BUDGET_FACTOR: u32 = 3;

impl RunOptions {
    /// The real-time limit of one test of `exercise`: `--test-limit`, else the manifest's
    /// `time_limit`, else [`RunOptions::test_limit`].
    pub fn limit_for(&self, exercise: &Exercise) -> Duration {
        self.test_limit_override
            .or(exercise.manifest.time_limit.map(Duration::from_secs_f64))
            .unwrap_or(self.test_limit)
    }

    /// The real time all of one student's processes for `exercise` may take together.
    pub fn budget_for(&self, exercise: &Exercise) -> Duration {
        self.lesson_budget
            .unwrap_or(self.limit_for(exercise) * BUDGET_FACTOR)
    }
}

/// What was observed of one test.
#[derive(Debug, Clone)]
pub enum Observed {
    /// The test printed its signed evidence.
    Evidence(Box<Evidence>),
    /// Its process ran out of real time before the test finished.
    TimedOut(Duration),
    /// Its process ended without the test's evidence; why, in words.
    Crashed(String),
    /// More than one piece of evidence came for the test, or validly signed evidence for
    /// another student, process or test came from its process; why, in words.
    Tampered(String),
    /// The test was not run, or was cut short, because the lesson's time budget was used
    /// up; why, in words.
    OverBudget(String),
}

/// One student's run of one exercise.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Whose run of which lesson.
    pub pair: Pair,
    /// Test name -> what happened.
    pub tests: BTreeMap<String, Observed>,
}

/// Test processes at once by default: eight per core (measured on 100 students with the
/// build done: 18 s of test runs at four per core, 13 s at eight). A paused-time test costs
/// milliseconds of CPU, and the slow ones (a blocking sleep) wait rather than compute, so
/// more processes than cores keep the machine busy; each worker runs as its own user with
/// its own process limit, so they cannot starve one another.
pub fn default_jobs() -> usize {
    8 * std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// One student's exercise, ready to run: the batch binary holding its tests.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// The exercise.
    pub exercise: &'a Exercise,
    /// The student's key in the batch.
    pub key: StudentKey,
    /// The exercise's batch test binary.
    pub binary: PathBuf,
}

/// Every compiled (student, exercise) pair of a built batch, in course order.
pub fn jobs<'a>(course: &'a Course, stage: &Stage, built: &Built) -> Vec<Job<'a>> {
    let mut jobs = Vec::new();
    for exercise in &course.exercises {
        if let (Some(binary), Some(keys)) = (
            built.binaries.get(exercise.slug.as_str()),
            stage.members.get(exercise.slug.as_str()),
        ) {
            jobs.extend(keys.iter().map(|key| Job {
                exercise,
                key: key.clone(),
                binary: binary.clone(),
            }));
        }
    }
    jobs
}

/// Runs every compiled (student, exercise) pair, `options.jobs` processes at a time.
/// `done` is called with each pair's observation as soon as it has run, from the worker
/// threads.
pub fn run(
    course: &Course,
    stage: &Stage,
    built: &Built,
    work: &Path,
    options: &RunOptions,
    done: &(dyn Fn(&Observation) + Sync),
) -> Result<Vec<Observation>> {
    let (sender, receiver) = mpsc::channel();
    for job in jobs(course, stage, built) {
        sender.send(job).expect("the receiver is alive");
    }
    drop(sender);
    run_jobs(receiver, work, options, done)
}

/// Runs jobs as they arrive (the build sends an exercise's jobs as soon as its batch
/// binary is linked, so tests run while other exercises still compile), until the sender
/// is dropped and every job has run.
pub fn run_jobs(
    jobs: mpsc::Receiver<Job<'_>>,
    work: &Path,
    options: &RunOptions,
    done: &(dyn Fn(&Observation) + Sync),
) -> Result<Vec<Observation>> {
    let queue = Mutex::new((jobs, 0usize));
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for slot in 0..options.jobs.max(1) {
            let (queue, results) = (&queue, &results);
            scope.spawn(move || {
                loop {
                    let next = {
                        let mut queue = queue.lock().expect("queue lock");
                        let (jobs, taken) = &mut *queue;
                        jobs.recv().ok().map(|job| {
                            *taken += 1;
                            (*taken, job)
                        })
                    };
                    let Some((index, job)) = next else {
                        break;
                    };
                    let folder = work.join(format!("run-{index}"));
                    let result = run_job(&job, &folder, options, slot);
                    if let Ok(observation) = &result {
                        done(observation);
                    }
                    results.lock().expect("results lock").push((index, result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results lock");
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn run_job(job: &Job<'_>, work: &Path, options: &RunOptions, slot: usize) -> Result<Observation> {
    let (exercise, key, binary) = (job.exercise, job.key.as_str(), job.binary.as_path());
    let tests: Vec<(String, String)> = exercise
        .suites
        .iter()
        .flat_map(|s| s.tests.iter().map(|t| (s.name.clone(), t.clone())))
        .collect();
    let mut options = options.clone();
    options.test_limit = options.limit_for(exercise);
    let budget = Budget::start(options.budget_for(exercise));
    let process = Process { binary, key, slot };
    let all_limit = budget.next_limit(&options);
    let all = run_tests(&process, &tests, &work.join("all"), &options, all_limit)?;
    let crashed = !matches!(all.exit, Exit::TimedOut) && tests.len() > 1;
    let mut observed = BTreeMap::new();
    for (index, (suite, test)) in tests.iter().enumerate() {
        let stem = Evidence::file_stem(suite, test);
        let result = match all.observed(&stem) {
            Some(found) => found,
            None if crashed => {
                let limit = budget.next_limit(&options);
                if limit < LEAST_RUN {
                    observed.insert(test.clone(), budget.not_run(&all.exit));
                    continue;
                }
                let folder = work.join(format!("alone-{index}"));
                let alone = run_tests(&process, &tests[index..=index], &folder, &options, limit)?;
                match alone.observed(&stem) {
                    Some(found) => found,
                    None if budget.cut(limit, &options) && alone.exit == Exit::TimedOut => {
                        budget.cut_short()
                    }
                    None => explain(&alone.exit, &alone.stderr, &options),
                }
            }
            None if budget.cut(all_limit, &options) && all.exit == Exit::TimedOut => {
                budget.cut_short()
            }
            None => explain(&all.exit, &all.stderr, &options),
        };
        observed.insert(test.clone(), result);
    }
    Ok(Observation {
        pair: Pair::new(&job.key, &exercise.slug),
        tests: observed,
    })
}
