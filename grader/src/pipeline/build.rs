//! Build: compile a staged batch, find whose code does not compile, and build the rest.
//!
//! One `cargo build --tests --keep-going` compiles every student crate and every test
//! crate. A student crate that fails to compile only stops the test crate that depends on
//! it; an error inside a test crate (a student changed a public signature the tests call)
//! is traced back to the student through the `include!` line of the generated `batch.rs`.
//! Those students are dropped from the test crate, which is built again without them.
//! Their own compiler errors go to their feedback.

mod cargo;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use self::cargo::{CargoOutcome, cargo_build};
pub use self::cargo::{cargo, grader_dir};
use crate::confine::compiler::Compiler;
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

/// How batches are built: in which folder, with which compiler confinement.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The grader's own folder inside cargo's target folder ([`grader_dir`]): build
    /// artifacts, kept between runs so dependencies compile once, the staged workspace,
    /// the run folders and the lock.
    pub dir: PathBuf,
    /// How every compiler run is confined; `None` (library use) runs rustc as cargo
    /// would, as the grader's user.
    pub compiler: Option<Compiler>,
}

impl BuildOptions {
    /// Builds in the grader's folder of the target folder cargo uses for `course`,
    /// without confining the compiler. Fails, before any work, when the test processes
    /// (run as unprivileged users of their own when the grader is root) could not reach
    /// the test binaries there.
    pub fn for_course(course: &Course) -> Result<BuildOptions> {
        let dir = grader_dir(&course.root)?;
        if rustix::process::getuid().is_root() {
            reachable_by_others(&dir)?;
        }
        Ok(BuildOptions {
            dir,
            compiler: None,
        })
    }
}

/// Fails, saying what to do, when a folder on the way to `dir` is closed to other users
/// (no `o+x`, e.g. `/root` or a private temporary folder): every test binary built there
/// would be out of the test users' reach, and every test would crash.
fn reachable_by_others(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &Path| std::fs::metadata(path).ok().map(|m| m.permissions().mode());
    if let Some((closed, mode)) = closed_ancestor(dir, mode) {
        bail!(
            "the grader's build folder {} is inside {} (mode {mode:o}), which the unprivileged \
             users the tests run as cannot enter, so every test would crash: set \
             CARGO_TARGET_DIR to a folder they can reach (e.g. under /var/tmp), or let others \
             enter that folder (`chmod o+x {}`)",
            dir.display(),
            closed.display(),
            closed.display()
        );
    }
    Ok(())
}

/// The first existing folder on the way to `path` (itself included) that others may not
/// enter, with its mode; `mode` reads a path's mode (`None`: it does not exist yet).
fn closed_ancestor(path: &Path, mode: impl Fn(&Path) -> Option<u32>) -> Option<(PathBuf, u32)> {
    let ancestors: Vec<&Path> = path.ancestors().collect();
    ancestors.into_iter().rev().find_map(|folder| {
        let mode = mode(folder)?;
        (mode & 0o001 == 0).then(|| (folder.to_path_buf(), mode & 0o7777))
    })
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
    options: &BuildOptions,
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
        let outcome = cargo_build(stage, options, &packages, students, &linked)?;
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
                culprits(stage, options, exercise)?
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
    stage: &Stage,
    options: &BuildOptions,
    exercise: &Exercise,
) -> Result<BTreeMap<StudentKey, BuildFailure>> {
    let solos = stage::write_solo_suites(stage, exercise)?;
    let packages: Vec<String> = solos.keys().cloned().collect();
    let outcome = cargo_build(stage, options, &packages, 1, &|_, _| {});
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_folder_closed_to_others_is_named() {
        let modes = |path: &Path| match path.to_str()? {
            "/" => Some(0o755),
            "/root" => Some(0o700),
            "/root/t" => Some(0o755),
            "/work" | "/work/t" => Some(0o40755),
            _ => None,
        };
        assert_eq!(
            closed_ancestor(Path::new("/root/t/grader"), modes),
            Some((PathBuf::from("/root"), 0o700))
        );
        assert_eq!(closed_ancestor(Path::new("/work/t/grader"), modes), None);
    }

    #[test]
    fn a_private_folder_on_disk_is_found() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private");
        std::fs::create_dir_all(private.join("t")).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
        let error = reachable_by_others(&private.join("t/grader")).unwrap_err();
        let text = format!("{error:#}");
        assert!(
            text.contains(&format!("inside {} (mode 700)", private.display())),
            "{text}"
        );
        assert!(text.contains("CARGO_TARGET_DIR"), "{text}");
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o711)).unwrap();
        reachable_by_others(&private.join("t/grader")).unwrap();
    }
}
