//! Run: start each student's tests in a process of their own and collect the evidence.
//!
//! The batch binary of an exercise holds every student's copy of the tests; a student's
//! tests are selected by their exact names, so no two students' code ever shares a
//! process. Each process gets a fresh evidence folder, a scratch working directory, a
//! cleared environment and a wall-clock limit. A test's result is the evidence file its
//! `check!` wrote; the process's exit code and output decide nothing, they only explain a
//! missing result. When a process crashes, the tests it left without evidence are run
//! again one by one, so one test's crash costs no other test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use timeline::{EVIDENCE_ENV, Evidence};

use crate::build::Built;
use crate::course::{Course, Exercise};
use crate::process::{self, Exit};
use crate::stage::Stage;

/// Limits and parallelism of the run step.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Processes running at once.
    pub jobs: usize,
    /// Real time one test may take (its process gets this plus start-up slack).
    pub test_limit: Duration,
    /// Bytes of each output stream kept.
    pub output_cap: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            test_limit: Duration::from_secs(10),
            output_cap: 64 * 1024,
        }
    }
}

/// What was observed of one test.
#[derive(Debug, Clone)]
pub enum Observed {
    /// The test wrote its evidence.
    Evidence(Evidence),
    /// Its process ran out of real time before the test finished.
    TimedOut(Duration),
    /// Its process ended without the test's evidence; why, in words.
    Crashed(String),
}

/// One student's run of one exercise.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The student's key in the batch.
    pub key: String,
    /// The exercise.
    pub slug: String,
    /// Test name -> what happened.
    pub tests: BTreeMap<String, Observed>,
}

/// Runs every compiled (student, exercise) pair, `options.jobs` processes at a time.
///
/// `done` is called after each (student, exercise) pair, from the worker threads.
pub fn run(
    course: &Course,
    stage: &Stage,
    built: &Built,
    work: &Path,
    options: &RunOptions,
    done: &(dyn Fn() + Sync),
) -> Result<Vec<Observation>> {
    let mut units: Vec<(&Exercise, &String, &PathBuf)> = Vec::new();
    for exercise in &course.exercises {
        if let (Some(binary), Some(keys)) = (
            built.binaries.get(&exercise.slug),
            stage.members.get(&exercise.slug),
        ) {
            units.extend(keys.iter().map(|key| (exercise, key, binary)));
        }
    }
    let queue = Mutex::new(units.into_iter().enumerate());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("queue lock").next();
                    let Some((index, (exercise, key, binary))) = next else {
                        break;
                    };
                    let result = run_unit(
                        exercise,
                        key,
                        binary,
                        &work.join(format!("run-{index}")),
                        options,
                    );
                    results.lock().expect("results lock").push((index, result));
                    done();
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results lock");
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn run_unit(
    exercise: &Exercise,
    key: &str,
    binary: &Path,
    work: &Path,
    options: &RunOptions,
) -> Result<Observation> {
    let tests: Vec<(String, String)> = exercise
        .suites
        .iter()
        .flat_map(|s| s.tests.iter().map(|t| (s.name.clone(), t.clone())))
        .collect();
    let mut options = options.clone();
    if let Some(seconds) = exercise.manifest.time_limit {
        options.test_limit = Duration::from_secs_f64(seconds);
    }
    let options = &options;
    let mut observed = BTreeMap::new();
    let all = run_tests(binary, key, &tests, &work.join("all"), options)?;
    let crashed = !matches!(all.1, Exit::TimedOut) && tests.len() > 1;
    for (index, (suite, test)) in tests.iter().enumerate() {
        let result = match read_evidence(&all.0, suite, test) {
            Some(evidence) => Observed::Evidence(evidence),
            None if crashed => {
                let alone = run_tests(
                    binary,
                    key,
                    &tests[index..=index],
                    &work.join(format!("alone-{index}")),
                    options,
                )?;
                match read_evidence(&alone.0, suite, test) {
                    Some(evidence) => Observed::Evidence(evidence),
                    None => explain(&alone.1, &alone.2, options),
                }
            }
            None => explain(&all.1, &all.2, options),
        };
        observed.insert(test.clone(), result);
    }
    Ok(Observation {
        key: key.to_string(),
        slug: exercise.slug.clone(),
        tests: observed,
    })
}

/// Runs the named tests in one process; returns the evidence folder, how it ended, stderr.
fn run_tests(
    binary: &Path,
    key: &str,
    tests: &[(String, String)],
    work: &Path,
    options: &RunOptions,
) -> Result<(PathBuf, Exit, String)> {
    let evidence = work.join("evidence");
    let scratch = work.join("scratch");
    for dir in [&evidence, &scratch] {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut command = Command::new(binary);
    command
        .args(
            tests
                .iter()
                .map(|(suite, test)| Stage::test_path(key, suite, test)),
        )
        .args(["--exact", "--quiet"])
        .arg(format!("--test-threads={}", tests.len().max(1)))
        .current_dir(&scratch)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &scratch)
        .env("TMPDIR", &scratch)
        .env("RUST_BACKTRACE", "0")
        .env(EVIDENCE_ENV, &evidence);
    // Tests run side by side, so the process needs one test's time plus start-up slack.
    let limit = options.test_limit + Duration::from_secs(2);
    let finished = process::run(command, limit, options.output_cap)?;
    Ok((evidence, finished.exit, finished.stderr))
}

fn read_evidence(dir: &Path, suite: &str, test: &str) -> Option<Evidence> {
    let path = dir.join(format!("{}.json", Evidence::file_stem(suite, test)));
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn explain(exit: &Exit, stderr: &str, options: &RunOptions) -> Observed {
    let tail = last_lines(stderr, 12);
    match exit {
        Exit::TimedOut => Observed::TimedOut(options.test_limit),
        Exit::Signal(signal) => Observed::Crashed(format!(
            "the test process was killed by signal {signal} ({})\n{tail}",
            signal_name(*signal)
        )),
        Exit::Code(code) => Observed::Crashed(format!(
            "the test process exited with code {code} before this test recorded a result \
             (a `std::process::exit`, an abort, or a panic outside the code under test)\n{tail}"
        )),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        6 => "SIGABRT: an abort, e.g. a stack overflow",
        9 => "SIGKILL",
        11 => "SIGSEGV: a segmentation fault",
        _ => "a signal",
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
