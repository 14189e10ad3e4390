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
use std::fs;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use timeline_evidence::{Binding, EVIDENCE_ENV, EVIDENCE_MARK, Evidence};

use crate::confine::process::{self, Exit};
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

/// Real time a test process gets beyond the test limit, to start and to report.
const SLACK: Duration = Duration::from_secs(2);

/// A process is not started with less than this left of the budget.
const LEAST_RUN: Duration = Duration::from_secs(1);

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
    Evidence(Evidence),
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

/// The real time one student's lesson may still use.
struct Budget {
    total: Duration,
    deadline: Instant,
}

impl Budget {
    fn start(total: Duration) -> Budget {
        Budget {
            total,
            deadline: Instant::now() + total,
        }
    }

    /// The real-time limit of the next process: one test's limit with slack, or what is
    /// left of the budget if that is less.
    fn next_limit(&self, options: &RunOptions) -> Duration {
        let left = self.deadline.saturating_duration_since(Instant::now());
        (options.test_limit + SLACK).min(left)
    }

    /// Whether a process given `limit` got less than a test's full time.
    fn cut(&self, limit: Duration, options: &RunOptions) -> bool {
        limit < options.test_limit + SLACK
    }

    fn not_run(&self, first: &Exit) -> Observed {
        let why = match first {
            Exit::Signal(signal) => format!("was killed by signal {signal}"),
            Exit::Code(code) => format!("exited with code {code}"),
            Exit::TimedOut => "ran out of time".to_string(),
        };
        Observed::OverBudget(format!(
            "not run: the test process running all of this lesson's tests {why} before this test \
             recorded a result, and re-running its tests one by one used up the lesson's time \
             budget ({} s of real time)",
            self.total.as_secs_f64()
        ))
    }

    fn cut_short(&self) -> Observed {
        Observed::OverBudget(format!(
            "cut short: the lesson's time budget ({} s of real time) ran out while this test \
             ran",
            self.total.as_secs_f64()
        ))
    }
}

/// Which process to start: the batch binary, for which student, as which worker.
struct Process<'a> {
    binary: &'a Path,
    key: &'a str,
    slot: usize,
}

/// What one test process left behind.
struct Ran {
    /// The first validly signed evidence per `<suite>__<test>`.
    evidence: BTreeMap<String, Evidence>,
    /// Tests that got more than one validly signed evidence line.
    tampered: Vec<String>,
    /// Validly signed evidence that was not this process's to give: why, per line.
    foreign: Vec<String>,
    exit: Exit,
    stderr: String,
}

impl Ran {
    fn observed(&self, stem: &str) -> Option<Observed> {
        if !self.foreign.is_empty() {
            return Some(Observed::Tampered(format!(
                "the test process printed validly signed evidence that was not its own ({}): \
                 the code under test got hold of the grader's secret, so none of this \
                 process's results count",
                self.foreign.join("; ")
            )));
        }
        if self.tampered.iter().any(|t| t == stem) {
            return Some(Observed::Tampered(
                "this test's result was reported twice: the code under test produced a result \
                 of its own, so neither counts"
                    .to_string(),
            ));
        }
        self.evidence.get(stem).cloned().map(Observed::Evidence)
    }

    /// Takes one validly signed piece of evidence, if it belongs to this process.
    fn take(&mut self, evidence: Evidence, binding: Binding<'_>, asked: &[String]) {
        let stem = Evidence::file_stem(&evidence.suite, &evidence.test);
        if let Some(why) = evidence.binding(binding) {
            self.foreign.push(why);
            return;
        }
        if !asked.contains(&stem) {
            self.foreign.push(format!(
                "evidence for `{}`, a test this process was not asked to run",
                evidence.test
            ));
            return;
        }
        match self.evidence.entry(stem) {
            std::collections::btree_map::Entry::Occupied(seen) => {
                self.tampered.push(seen.key().clone())
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(evidence);
            }
        }
    }
}

/// Runs the named tests in one confined process, killed after `limit` of real time, and
/// reads their signed evidence.
fn run_tests(
    process: &Process<'_>,
    tests: &[(String, String)],
    work: &Path,
    options: &RunOptions,
    limit: Duration,
) -> Result<Ran> {
    let scratch = work.join("scratch");
    fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    // Without bwrap the process may run as an unprivileged user: let it write its scratch.
    fs::set_permissions(&scratch, fs::Permissions::from_mode(0o777))?;
    let mut args: Vec<String> = tests
        .iter()
        .map(|(suite, test)| Stage::test_path(process.key, suite, test))
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
        .command(process.binary, &args, &env, &scratch, cpu, process.slot);
    let command = match &cgroup {
        Some(group) => group.wrap(command),
        None => command,
    };
    let (secret, nonce) = (random_hex(32)?, random_hex(16)?);
    // The harness takes this line before `main` (timeline-check's constructor).
    let input = format!("{secret} {nonce}\n");
    let mut finished =
        process::run_with_input(command, limit, options.output_cap, input.as_bytes())?;
    // Dropping the group kills what is left in it; first, whether its bound ended the test.
    if let Some(note) = cgroup.and_then(|group| group.usage().note()) {
        finished.stderr.push_str(&format!("\n{note}"));
    }
    let mut ran = Ran {
        evidence: BTreeMap::new(),
        tampered: Vec::new(),
        foreign: Vec::new(),
        exit: finished.exit,
        stderr: finished.stderr,
    };
    let binding = Binding {
        key: process.key,
        nonce: &nonce,
    };
    let asked: Vec<String> = tests
        .iter()
        .map(|(suite, test)| Evidence::file_stem(suite, test))
        .collect();
    for line in finished.stdout.lines() {
        // libtest's progress dots can share the line: the evidence starts at its mark.
        let Some(start) = line.find(EVIDENCE_MARK) else {
            continue;
        };
        if let Some(evidence) = Evidence::from_line(&line[start..], secret.as_bytes()) {
            ran.take(evidence, binding, &asked);
        }
    }
    Ok(ran)
}

/// `n` random bytes, hex-encoded: a fresh secret or nonce for one test process.
fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
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

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(module: &str, test: &str, nonce: &str) -> Evidence {
        Evidence {
            suite: "tick_watch".into(),
            test: test.into(),
            rendered: "[  0.000s] tick".into(),
            blocking: None,
            wall_ms: 1.0,
            module: module.into(),
            nonce: nonce.into(),
        }
    }

    fn ran() -> Ran {
        Ran {
            evidence: BTreeMap::new(),
            tampered: Vec::new(),
            foreign: Vec::new(),
            exit: Exit::Code(0),
            stderr: String::new(),
        }
    }

    const MINE: Binding<'static> = Binding {
        key: "s001",
        nonce: "n1",
    };

    fn asked() -> Vec<String> {
        vec!["tick_watch__a".to_string(), "tick_watch__b".to_string()]
    }

    #[test]
    fn the_process_own_evidence_counts() {
        let mut ran = ran();
        ran.take(
            evidence("batch::s001::tick_watch", "a", "n1"),
            MINE,
            &asked(),
        );
        assert!(matches!(
            ran.observed("tick_watch__a"),
            Some(Observed::Evidence(_))
        ));
        assert!(ran.observed("tick_watch__b").is_none());
    }

    #[test]
    fn a_second_result_for_a_test_is_tampering() {
        let mut ran = ran();
        for _ in 0..2 {
            ran.take(
                evidence("batch::s001::tick_watch", "a", "n1"),
                MINE,
                &asked(),
            );
        }
        let Some(Observed::Tampered(why)) = ran.observed("tick_watch__a") else {
            panic!("not tampered");
        };
        assert!(why.contains("reported twice"), "{why}");
        assert!(ran.observed("tick_watch__b").is_none());
    }

    #[test]
    fn evidence_not_this_process_to_give_taints_all_its_tests() {
        let foreign = [
            (
                evidence("batch::s002::tick_watch", "b", "n1"),
                "another student",
            ),
            (
                evidence("batch::s001::tick_watch", "b", "n2"),
                "another test process",
            ),
            (
                evidence("batch::s001::tick_watch", "c", "n1"),
                "not asked to run",
            ),
        ];
        for (evidence, said) in foreign {
            let mut ran = ran();
            ran.take(
                super::tests::evidence("batch::s001::tick_watch", "a", "n1"),
                MINE,
                &asked(),
            );
            ran.take(evidence, MINE, &asked());
            for stem in asked() {
                let Some(Observed::Tampered(why)) = ran.observed(&stem) else {
                    panic!("{stem} is not tampered ({said})");
                };
                assert!(why.contains(said) && why.contains("secret"), "{why}");
            }
        }
    }
}
