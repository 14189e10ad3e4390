//! Run: start each student's tests in a process of their own and collect the evidence.
//!
//! The batch binary of an exercise holds every student's copy of the tests; a student's
//! tests are selected by their exact names, so no two students' code ever shares a
//! process. Each process runs confined (see [`crate::sandbox`]) under a wall-clock limit,
//! and gets a fresh secret on its standard input. A test's result is the evidence line its
//! `check!` printed, signed with that secret; the process's exit code and the rest of its
//! output decide nothing, they only explain a missing result. A second evidence line for
//! the same test means the code under test produced one of its own: the test is marked
//! as tampered. When a process crashes, the tests it left without evidence are run again
//! one by one, so one test's crash costs no other test.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use anyhow::{Context, Result};
use timeline_check::{EVIDENCE_ENV, EVIDENCE_MARK, Evidence};

use crate::build::Built;
use crate::course::{Course, Exercise};
use crate::process::{self, Exit};
use crate::sandbox::{Choice, Sandbox};
use crate::stage::Stage;

/// Limits, confinement and parallelism of the run step.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Processes running at once.
    pub jobs: usize,
    /// Real time one test may take (its process gets this plus start-up slack).
    pub test_limit: Duration,
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
            output_cap: 4 * 1024 * 1024,
            sandbox: Sandbox::detect(Choice::Auto).expect("the automatic choice never fails"),
        }
    }
}

/// What was observed of one test.
#[derive(Debug, Clone)]
pub enum Observed {
    /// The test printed its signed evidence.
    Evidence(Evidence),
    /// Its process ran out of real time before the test finished.
    TimedOut(Duration),
    /// Its process ended without the test's evidence; why, in words.
    Crashed(String),
    /// More than one piece of evidence came for the test.
    Tampered,
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
pub struct Unit<'a> {
    /// The exercise.
    pub exercise: &'a Exercise,
    /// The student's key in the batch.
    pub key: String,
    /// The exercise's batch test binary.
    pub binary: PathBuf,
}

/// Every compiled (student, exercise) pair of a built batch, in course order.
pub fn units<'a>(course: &'a Course, stage: &Stage, built: &Built) -> Vec<Unit<'a>> {
    let mut units = Vec::new();
    for exercise in &course.exercises {
        if let (Some(binary), Some(keys)) = (
            built.binaries.get(&exercise.slug),
            stage.members.get(&exercise.slug),
        ) {
            units.extend(keys.iter().map(|key| Unit {
                exercise,
                key: key.clone(),
                binary: binary.clone(),
            }));
        }
    }
    units
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
    for unit in units(course, stage, built) {
        sender.send(unit).expect("the receiver is alive");
    }
    drop(sender);
    run_units(receiver, work, options, done)
}

/// Runs units as they arrive (the build sends an exercise's units as soon as its batch
/// binary is linked, so tests run while other exercises still compile), until the sender
/// is dropped and every unit has run.
pub fn run_units(
    units: mpsc::Receiver<Unit<'_>>,
    work: &Path,
    options: &RunOptions,
    done: &(dyn Fn(&Observation) + Sync),
) -> Result<Vec<Observation>> {
    let queue = Mutex::new((units, 0usize));
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for slot in 0..options.jobs.max(1) {
            let (queue, results) = (&queue, &results);
            scope.spawn(move || {
                loop {
                    let next = {
                        let mut queue = queue.lock().expect("queue lock");
                        let (units, taken) = &mut *queue;
                        units.recv().ok().map(|unit| {
                            *taken += 1;
                            (*taken, unit)
                        })
                    };
                    let Some((index, unit)) = next else {
                        break;
                    };
                    let folder = work.join(format!("run-{index}"));
                    let result = run_unit(&unit, &folder, options, slot);
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

fn run_unit(
    unit: &Unit<'_>,
    work: &Path,
    options: &RunOptions,
    slot: usize,
) -> Result<Observation> {
    let (exercise, key, binary) = (unit.exercise, unit.key.as_str(), unit.binary.as_path());
    let tests: Vec<(String, String)> = exercise
        .suites
        .iter()
        .flat_map(|s| s.tests.iter().map(|t| (s.name.clone(), t.clone())))
        .collect();
    let mut options = options.clone();
    if let Some(seconds) = exercise.manifest.time_limit {
        options.test_limit = Duration::from_secs_f64(seconds);
    }
    let all = run_tests(binary, key, &tests, &work.join("all"), &options, slot)?;
    let crashed = !matches!(all.exit, Exit::TimedOut) && tests.len() > 1;
    let mut observed = BTreeMap::new();
    for (index, (suite, test)) in tests.iter().enumerate() {
        let stem = Evidence::file_stem(suite, test);
        let result = match all.observed(&stem) {
            Some(found) => found,
            None if crashed => {
                let folder = work.join(format!("alone-{index}"));
                let alone = run_tests(binary, key, &tests[index..=index], &folder, &options, slot)?;
                alone
                    .observed(&stem)
                    .unwrap_or_else(|| explain(&alone.exit, &alone.stderr, &options))
            }
            None => explain(&all.exit, &all.stderr, &options),
        };
        observed.insert(test.clone(), result);
    }
    Ok(Observation {
        key: key.to_string(),
        slug: exercise.slug.clone(),
        tests: observed,
    })
}

/// What one test process left behind.
struct Ran {
    /// The first validly signed evidence per `<suite>__<test>`.
    evidence: BTreeMap<String, Evidence>,
    /// Tests that got more than one validly signed evidence line.
    tampered: Vec<String>,
    exit: Exit,
    stderr: String,
}

impl Ran {
    fn observed(&self, stem: &str) -> Option<Observed> {
        if self.tampered.iter().any(|t| t == stem) {
            return Some(Observed::Tampered);
        }
        self.evidence.get(stem).cloned().map(Observed::Evidence)
    }
}

/// Runs the named tests in one confined process and reads their signed evidence.
fn run_tests(
    binary: &Path,
    key: &str,
    tests: &[(String, String)],
    work: &Path,
    options: &RunOptions,
    slot: usize,
) -> Result<Ran> {
    let scratch = work.join("scratch");
    fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    // Without bwrap the process may run as an unprivileged user: let it write its scratch.
    fs::set_permissions(&scratch, fs::Permissions::from_mode(0o777))?;
    let mut args: Vec<String> = tests
        .iter()
        .map(|(suite, test)| Stage::test_path(key, suite, test))
        .collect();
    args.extend([
        "--exact".to_string(),
        "--quiet".to_string(),
        format!("--test-threads={}", tests.len().max(1)),
    ]);
    let env = [(EVIDENCE_ENV, "1"), ("RUST_BACKTRACE", "0")];
    let cpu = options.test_limit * 2 + Duration::from_secs(5);
    // One bound on the memory and processes of the test's whole tree, where available.
    let cgroup = options.sandbox.cgroup(options.jobs)?;
    let command = options
        .sandbox
        .command(binary, &args, &env, &scratch, cpu, slot);
    let command = match &cgroup {
        Some(group) => group.wrap(command),
        None => command,
    };
    let secret = secret()?;
    // Tests run side by side, so the process needs one test's time plus start-up slack.
    let limit = options.test_limit + Duration::from_secs(2);
    let input = format!("{secret}\n");
    let mut finished =
        process::run_with_input(command, limit, options.output_cap, input.as_bytes())?;
    // Dropping the group kills what is left in it; first, whether its bound ended the test.
    if let Some(note) = cgroup.and_then(|group| group.usage().note()) {
        finished.stderr.push_str(&format!("\n{note}"));
    }
    let mut ran = Ran {
        evidence: BTreeMap::new(),
        tampered: Vec::new(),
        exit: finished.exit,
        stderr: finished.stderr,
    };
    for line in finished.stdout.lines() {
        // libtest's progress dots can share the line: the evidence starts at its mark.
        let Some(start) = line.find(EVIDENCE_MARK) else {
            continue;
        };
        let Some(evidence) = Evidence::from_line(&line[start..], secret.as_bytes()) else {
            continue;
        };
        let stem = Evidence::file_stem(&evidence.suite, &evidence.test);
        match ran.evidence.entry(stem) {
            std::collections::btree_map::Entry::Occupied(seen) => {
                ran.tampered.push(seen.key().clone())
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(evidence);
            }
        }
    }
    Ok(ran)
}

/// A fresh secret for one test process: 32 random bytes, hex-encoded.
fn secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for a secret")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
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
             (a `std::process::exit`, an abort, running out of memory, or a panic outside the \
             code under test)\n{tail}"
        )),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        6 => "SIGABRT: an abort, e.g. a stack overflow or a failed allocation",
        9 => "SIGKILL",
        11 => "SIGSEGV: a segmentation fault",
        24 => "SIGXCPU: the CPU-time limit",
        25 => "SIGXFSZ: the file-size limit",
        _ => "a signal",
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
