//! Build: compile a staged batch, find whose code does not compile, and build the rest.
//!
//! One `cargo build --tests --keep-going` compiles every student crate and every test
//! crate. A student crate that fails to compile only stops the test crate that depends on
//! it; an error inside a test crate (a student changed a public signature the tests call)
//! is traced back to the student through the `include!` line of the generated `batch.rs`.
//! Those students are dropped from the test crate, which is built again without them.
//! Their own compiler errors go to their feedback.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::course::{Course, Exercise};
use crate::pipeline::pair::{LessonSlug, Pair, StudentKey};
use crate::pipeline::stage::{self, Stage};

/// What the build produced.
#[derive(Debug, Default)]
pub struct Built {
    /// Per lesson, the batch test binary.
    pub binaries: BTreeMap<LessonSlug, PathBuf>,
    /// Per pair, why a student's code did not build.
    pub failures: BTreeMap<Pair, BuildFailure>,
}

/// Why a student's code of one lesson did not build: a value the report words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "failure", content = "errors")]
pub enum BuildFailure {
    /// The compiler's errors, in the student's terms (their own paths and lines).
    Errors(String),
    /// The lesson's tests did not build with this student's code alone, and the compiler
    /// gave no message.
    Silent,
    /// The lesson's tests did not build for the class, and no submission caused it (each
    /// student's built on their own): the grading machine's problem.
    GraderProblem,
}

impl From<&str> for BuildFailure {
    fn from(errors: &str) -> BuildFailure {
        BuildFailure::Errors(errors.to_string())
    }
}

/// Where build artifacts are kept between runs, so dependencies compile once.
pub fn target_dir(course: &Course) -> PathBuf {
    course.root.join("target/grader")
}

/// Makes sure every dependency is downloaded, so builds of staged batches can run offline.
pub fn fetch(course: &Course) -> Result<()> {
    let output = cargo()
        .args(["fetch", "--locked", "--quiet"])
        .current_dir(&course.root)
        .output()
        .context("cannot run `cargo fetch`: is cargo on PATH?")?;
    if !output.status.success() {
        bail!(
            "`cargo fetch --locked` failed in {}: {}",
            course.root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Builds the staged batch until every test crate that still has students compiles.
/// `ready` hears of each exercise's batch binary as soon as cargo has linked it, with the
/// students whose tests it holds, so their tests can run while the rest still compiles.
pub fn build<'c>(
    course: &'c Course,
    stage: &mut Stage,
    ready: &dyn Fn(&'c Exercise, &Path, &[StudentKey]),
) -> Result<Built> {
    let mut built = Built::default();
    // Each round builds every remaining suite, or splits or drops at least one student,
    // so the number of rounds is bounded by twice the number of students plus one.
    for _round in 0..=2 * stage.keys.len() + 1 {
        let pending: Vec<&'c Exercise> = course
            .exercises
            .iter()
            .filter(|e| {
                stage.members.contains_key(e.slug.as_str())
                    && !built.binaries.contains_key(e.slug.as_str())
            })
            .collect();
        if pending.is_empty() {
            return Ok(built);
        }
        let linked = |package: &str, binary: &Path| {
            let exercise = pending.iter().find(|e| Stage::suite_package(e) == package);
            if let Some(exercise) = exercise {
                let keys = stage
                    .members
                    .get(exercise.slug.as_str())
                    .map_or(&[][..], Vec::as_slice);
                ready(exercise, binary, keys);
            }
        };
        let packages: Vec<String> = pending.iter().map(|e| Stage::suite_package(e)).collect();
        let students = pending
            .iter()
            .filter_map(|e| stage.members.get(e.slug.as_str()))
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        let outcome = cargo_build(course, stage, &packages, students, &linked)?;
        let given = course.exercises.iter().map(stage::given_package);
        if let Some((package, errors)) = given
            .filter_map(|package| outcome.errors.get_key_value(&package))
            .next()
        {
            bail!(
                "the course's given code ({package}, the files listed as `given` in the \
                 exercise's exercise.toml) does not compile as a crate of its own; this is a \
                 problem of the course, not of any submission: fix those files and check the \
                 course with `grader verify`\n{}",
                errors.join("\n")
            );
        }
        // A student's crate holding several exercises did not compile: build each of
        // them as a crate of its own, and judge each on its own errors, next round.
        let split: Vec<StudentKey> = stage
            .keys
            .iter()
            .filter(|key| outcome.errors.contains_key(key.as_str()))
            .filter(|key| !gave_up_alone(course, stage, key, &outcome))
            .cloned()
            .collect();
        for key in &split {
            stage::split(course, stage, key)?;
        }
        for exercise in pending {
            if let Some(binary) = outcome.binaries.get(&Stage::suite_package(exercise)) {
                built
                    .binaries
                    .insert(LessonSlug::from(exercise.slug.as_str()), binary.clone());
                continue;
            }
            if !split.is_empty() {
                // Perhaps only the split crates stopped this test crate: try it again.
                continue;
            }
            let members = stage
                .members
                .get(exercise.slug.as_str())
                .cloned()
                .unwrap_or_default();
            let failed: Vec<StudentKey> = members
                .iter()
                .filter(|key| outcome.errors_of(stage, exercise, key).is_some())
                .cloned()
                .collect();
            let blamed: BTreeMap<StudentKey, BuildFailure> = if failed.is_empty() {
                culprits(course, stage, exercise)?
            } else {
                failed
                    .iter()
                    .filter_map(|key| {
                        let errors = outcome.errors_of(stage, exercise, key)?;
                        Some((key.clone(), BuildFailure::Errors(errors)))
                    })
                    .collect()
            };
            for (key, message) in &blamed {
                built
                    .failures
                    .insert(Pair::new(key, &exercise.slug), message.clone());
            }
            let keep = members
                .into_iter()
                .filter(|k| !blamed.contains_key(k))
                .collect();
            stage::rewrite_suite(stage, exercise, keep)?;
        }
    }
    bail!("the build of {} did not settle", stage.dir.display())
}

/// Who stops an exercise's test crate from building when no error names a line of its
/// `batch.rs` (an error the tests only meet when they instantiate a student's generic code,
/// a compiler limit): each student's tests are built in a crate of their own, in one cargo
/// run; those whose crate fails are the culprits, each with their own errors only. When
/// every one builds alone, nobody caused it: every member is told it is the grader's
/// problem, with nobody's errors.
fn culprits(
    course: &Course,
    stage: &Stage,
    exercise: &Exercise,
) -> Result<BTreeMap<StudentKey, BuildFailure>> {
    let solos = stage::write_solo_suites(stage, exercise)?;
    let packages: Vec<String> = solos.keys().cloned().collect();
    let outcome = cargo_build(course, stage, &packages, 1, &|_, _| {});
    let keys: Vec<StudentKey> = solos.values().cloned().collect();
    stage::remove_solo_suites(stage, exercise, &keys)?;
    let outcome = outcome?;
    let mut blamed = BTreeMap::new();
    for (package, key) in &solos {
        if outcome.binaries.contains_key(package) {
            continue;
        }
        let own = outcome.errors.get(&stage.crate_package(key, exercise));
        let errors: Vec<&String> = outcome
            .suite_errors
            .get(package)
            .into_iter()
            .flatten()
            .map(|(_, text)| text)
            .chain(own.into_iter().flatten())
            .collect();
        let failure = if errors.is_empty() {
            BuildFailure::Silent
        } else {
            BuildFailure::Errors(tidy(stage, exercise, key, &errors))
        };
        blamed.insert(key.clone(), failure);
    }
    if blamed.is_empty() {
        for key in keys {
            blamed.insert(key, BuildFailure::GraderProblem);
        }
    }
    Ok(blamed)
}

/// Whether a student's crate failed only because the compiler gave up on it (a limit, a
/// crash) while it holds a single exercise: building that exercise as a crate of its own
/// would only hit the same limit again.
fn gave_up_alone(course: &Course, stage: &Stage, key: &str, outcome: &CargoOutcome) -> bool {
    let lessons = course
        .exercises
        .iter()
        .filter(|e| stage.is_member(key, e) && stage.crate_package(key, e) == key)
        .count();
    let errors = outcome.errors.get(key).map_or(&[][..], Vec::as_slice);
    lessons <= 1
        && errors
            .iter()
            .all(|e| e.contains(crate::confine::compiler::GAVE_UP))
}

/// What one cargo run said, sorted by package.
#[derive(Debug, Default)]
struct CargoOutcome {
    /// Package name -> test executable.
    binaries: BTreeMap<String, PathBuf>,
    /// Package name -> rendered errors.
    errors: BTreeMap<String, Vec<String>>,
    /// Suite package name -> (batch.rs line, rendered error) for errors inside a test crate.
    suite_errors: BTreeMap<String, Vec<(Option<usize>, String)>>,
}

impl CargoOutcome {
    /// The compiler errors that are this student's fault, in the student's own terms.
    fn errors_of(&self, stage: &Stage, exercise: &Exercise, key: &str) -> Option<String> {
        let own = self.errors.get(&stage.crate_package(key, exercise));
        let lines = stage.lines.get(exercise.slug.as_str());
        let in_tests: Vec<&String> = self
            .suite_errors
            .get(&Stage::suite_package(exercise))
            .into_iter()
            .flatten()
            .filter(|(line, _)| line.and_then(|l| lines?.get(&l)).is_some_and(|k| k == key))
            .map(|(_, text)| text)
            .collect();
        let all: Vec<&String> = own.into_iter().flatten().chain(in_tests).collect();
        (!all.is_empty()).then(|| tidy(stage, exercise, key, &all))
    }
}

/// At most this many errors per package, of at most this many characters each, are kept
/// from one cargo run (a test crate's errors of every student together).
const MAX_KEPT_ERRORS: usize = 2000;
const MAX_ERROR_CHARS: usize = 4000;

/// At most this many errors, and this many lines, go to a student.
const MAX_ERRORS: usize = 3;
const MAX_LINES: usize = 60;

/// Rewrites staged paths into the ones the student knows, and trims.
fn tidy(stage: &Stage, exercise: &Exercise, key: &str, errors: &[&String]) -> String {
    let own_src = stage.source_dir(key, exercise);
    let student_src = format!("exercises/{}/src/", exercise.slug);
    let tests = format!("suites/{}/common/", Stage::suite_package(exercise));
    let solo_tests = format!("suites/{}-{key}/common/", Stage::suite_package(exercise));
    // Absolute paths (a file the student tried to read) say nothing of the stage.
    let stage_dir = format!("{}/", stage.dir.display());
    let mut text = errors
        .iter()
        .take(MAX_ERRORS)
        .map(|e| {
            e.replace(&stage_dir, "")
                .replace(&own_src, &student_src)
                .replace(&solo_tests, "tests/")
                .replace(&tests, "tests/")
        })
        .collect::<Vec<_>>()
        .join("\n");
    if errors.len() > MAX_ERRORS {
        text.push_str(&format!(
            "\n... and {} more errors\n",
            errors.len() - MAX_ERRORS
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_LINES {
        format!(
            "{}\n... ({} more lines)",
            lines[..MAX_LINES].join("\n"),
            lines.len() - MAX_LINES
        )
    } else {
        text.trim_end().to_string()
    }
}

/// One `cargo build` of the pending test crates, read as it goes: `linked` hears of every
/// test binary the moment cargo reports it.
fn cargo_build(
    course: &Course,
    stage: &Stage,
    packages: &[String],
    students: usize,
    linked: &dyn Fn(&str, &Path),
) -> Result<CargoOutcome> {
    let mut command = cargo();
    command
        .args([
            "build",
            "--tests",
            "--keep-going",
            "--offline",
            "--message-format=json",
        ])
        .args(["--profile", "grading"])
        .arg("--manifest-path")
        .arg(stage.dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir(course))
        .current_dir(&stage.dir);
    for package in packages {
        command.args(["-p", package]);
    }
    if let Some(compiler) = crate::confine::compiler::installed() {
        compiler.apply(&mut command, students)?;
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `cargo build`")?;
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut text);
        text
    });
    let mut outcome = CargoOutcome::default();
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for line in stdout.lines() {
        let line = line.context("cannot read cargo's output")?;
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if let Some((package, binary)) = record(&mut outcome, &message) {
            linked(&package, &binary);
        }
    }
    let status = child.wait().context("cannot wait for `cargo build`")?;
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() && outcome.errors.is_empty() && outcome.suite_errors.is_empty() {
        let stderr = String::from_utf8_lossy(&stderr);
        let tail: Vec<&str> = stderr
            .lines()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!(
            "cargo could not build the staged batch in {}:\n{}",
            stage.dir.display(),
            tail.join("\n")
        );
    }
    Ok(outcome)
}

/// Files one cargo message; returns the package and binary of a linked test executable.
fn record(outcome: &mut CargoOutcome, message: &Value) -> Option<(String, PathBuf)> {
    let package = message["manifest_path"]
        .as_str()
        .and_then(|p| {
            Path::new(p)
                .parent()?
                .file_name()?
                .to_str()
                .map(str::to_string)
        })
        .unwrap_or_default();
    match message["reason"].as_str() {
        Some("compiler-artifact") => {
            if let (Some(exe), true) = (
                message["executable"].as_str(),
                message["profile"]["test"] == true,
            ) {
                outcome.binaries.insert(package.clone(), PathBuf::from(exe));
                return Some((package, PathBuf::from(exe)));
            }
        }
        Some("compiler-message") if message["message"]["level"] == "error" => {
            let mut rendered = message["message"]["rendered"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            // A flood of errors (a macro can make millions) must not fill the grader's
            // memory: a student is shown three anyway.
            if let Some((cut, _)) = rendered.char_indices().nth(MAX_ERROR_CHARS) {
                rendered.truncate(cut);
            }
            if package.starts_with("suite-") {
                let line = batch_line(&message["message"]["spans"]);
                let errors = outcome.suite_errors.entry(package).or_default();
                if errors.len() < MAX_KEPT_ERRORS {
                    errors.push((line, rendered));
                }
            } else {
                let errors = outcome.errors.entry(package).or_default();
                if errors.len() < MAX_KEPT_ERRORS {
                    errors.push(rendered);
                }
            }
        }
        _ => {}
    }
    None
}

/// The `batch.rs` line an error inside an included test file comes from.
fn batch_line(spans: &Value) -> Option<usize> {
    for span in spans.as_array()? {
        let mut current = Some(span);
        while let Some(span) = current {
            if span["file_name"]
                .as_str()
                .is_some_and(|f| f.ends_with("batch.rs"))
            {
                return span["line_start"].as_u64().map(|l| l as usize);
            }
            current = span.get("expansion").and_then(|e| e.get("span"));
        }
    }
    None
}

/// A cargo command free of the settings of whatever cargo started the grader.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for variable in [
        "CARGO_TARGET_DIR",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_INCREMENTAL",
        "CARGO_PROFILE_DEV_DEBUG",
        "CARGO_BUILD_TARGET",
    ] {
        command.env_remove(variable);
    }
    command
}
