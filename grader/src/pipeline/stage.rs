//! Stage: write one Cargo workspace for a batch of submissions.
//!
//! Every student becomes ONE library crate (`s001`) holding each exercise they handed in
//! as a module (`s001::exercise_01`, from `src/exercise_01/lib.rs`): one compiler run per
//! student instead of one per exercise, each of which would load the dependencies'
//! metadata again. The crate is built from the student's `src/**/*.rs` and a `Cargo.toml`
//! the grader writes from the pristine ones: a student's manifest, build script or extra
//! dependency never reaches the build. The exercise's given files (`given` in its
//! manifest, e.g. `src/devices.rs`) are always the course's copies, whatever the student
//! handed in: compiled once per batch in a crate of their own (`given-exercise-03`),
//! which the student's `devices` module re-exports.
//!
//! Code that only works as a crate root (a `crate::` path, `$crate`, `#[macro_export]`)
//! gets a crate of its own per exercise (`s001-exercise-03`, the given files compiled in),
//! and so does every exercise of a student whose combined crate does not compile
//! ([`split`]; e.g. an inherent impl on a given type, legal only where the type is
//! defined): a student's mistake in one exercise never costs them another, and their
//! errors name their own files.
//!
//! The tests of an exercise (visible and hidden) are compiled ONCE for the whole batch, in
//! one test crate per exercise holding a module per student:
//!
//! ```text
//! mod s001 { mod tick_watch { use ::s001::exercise_01 as exercise_01; include!("common/tick_watch.rs"); } mod hidden { .. } }
//! mod s002 { mod tick_watch { use ::s002_exercise_01 as exercise_01; include!("common/tick_watch.rs"); } mod hidden { .. } }
//! ```
//!
//! That makes six link steps for a class instead of one per student per exercise, the
//! largest cost in grading (see the README's Performance section). Students still never share a
//! process: the runner starts the binary once per student with that student's test names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use toml::{Table, Value};

use crate::confine::scan;
use crate::course::{Course, Exercise};
use crate::pipeline::pair::{LessonSlug, Pair, StudentKey};

mod files;
mod manifest;
mod suite;

use crate::pipeline::submission::{Sources, Submission};
use files::{copy, copy_tree, read_toml, sync_tree, write_if_changed, write_toml};
use manifest::{combined_manifest, lesson_manifest, named, path_dependency};
use suite::{solo_package, write_solo_suite, write_suite};

/// A staged batch: where it is and who is in it.
#[derive(Debug)]
pub struct Stage {
    /// The generated workspace.
    pub dir: PathBuf,
    /// Short keys (`s001`, ...) in the order of the batch, with the submission index.
    pub keys: Vec<StudentKey>,
    /// Per lesson: the students whose crate is in that lesson's test crate.
    pub members: BTreeMap<LessonSlug, Vec<StudentKey>>,
    /// Per lesson and line of its `batch.rs`: the student that line belongs to.
    pub lines: BTreeMap<LessonSlug, BTreeMap<usize, StudentKey>>,
    /// Per pair: why the student's code was refused before building.
    pub rejected: BTreeMap<Pair, crate::confine::scan::Refusal>,
    /// Pairs built as a crate of their own; every other lesson of a student is a module of
    /// the student's crate.
    pub own: BTreeSet<Pair>,
}

impl Stage {
    /// Whether a student's lesson has a test crate (was neither refused nor dropped).
    pub fn is_member(&self, key: &str, exercise: &Exercise) -> bool {
        self.members
            .get(exercise.slug.as_str())
            .is_some_and(|keys| keys.iter().any(|k| k == key))
    }

    /// Whether a student's exercise is built as a crate of its own.
    fn is_own(&self, key: &str, exercise: &Exercise) -> bool {
        self.own
            .contains(&Pair::new(&StudentKey::from(key), &exercise.slug))
    }

    /// The package that holds a student's exercise: their crate (`s001`), or the exercise's
    /// own crate (`s001-exercise-03`).
    pub fn crate_package(&self, key: &str, exercise: &Exercise) -> String {
        if self.is_own(key, exercise) {
            own_package(key, exercise)
        } else {
            key.to_string()
        }
    }

    /// Where a student's exercise sources are, relative to the staged workspace.
    pub fn source_dir(&self, key: &str, exercise: &Exercise) -> String {
        if self.is_own(key, exercise) {
            format!("crates/{}/src/", own_package(key, exercise))
        } else {
            format!("crates/{key}/src/{}/", exercise.crate_name())
        }
    }

    /// The Rust path of a student's exercise, as the tests import it.
    fn rust_path(&self, key: &str, exercise: &Exercise) -> String {
        if self.is_own(key, exercise) {
            format!("::{}", own_package(key, exercise).replace('-', "_"))
        } else {
            format!("::{key}::{}", exercise.crate_name())
        }
    }

    /// The package name of an exercise's test crate.
    pub fn suite_package(exercise: &Exercise) -> String {
        format!("suite-{}", exercise.manifest.package)
    }

    /// The full libtest name of a student's test, as the batch binary knows it.
    pub fn test_path(key: &str, suite: &str, test: &str) -> String {
        format!("{key}::{suite}::{test}")
    }
}

/// Writes the workspace for `batch` into `dir`.
///
/// Every file is only rewritten when its contents change, and whatever an earlier batch
/// left that this one does not have is removed: cargo keeps the build of everything that
/// stayed the same (grading a class again after changing one hidden test rebuilds one
/// test crate), and no file of an earlier student can reach a later one's build.
pub fn write(course: &Course, batch: &[&Submission], dir: &Path) -> Result<Stage> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // Students' sources are for the compiler only: test processes (unprivileged users) must
    // not read their classmates' code.
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    write_root(course, dir)?;
    // The student and test crates are written afresh next door, then synced over.
    let next = dir.join(".next");
    if next.exists() {
        fs::remove_dir_all(&next).with_context(|| format!("cannot clear {}", next.display()))?;
    }
    let width = batch.len().to_string().len().max(3);
    let keys = (0..batch.len())
        .map(|i| StudentKey::numbered(i, width))
        .collect();
    let mut stage = Stage {
        dir: next.clone(),
        keys,
        members: BTreeMap::new(),
        lines: BTreeMap::new(),
        rejected: BTreeMap::new(),
        own: BTreeSet::new(),
    };
    let combined = combined_manifest(course)?;
    let shared = match &combined {
        Some(_) => write_given_crates(course, &next)?,
        None => BTreeSet::new(),
    };
    for (key, submission) in stage.keys.clone().iter().zip(batch) {
        let mut lessons = Vec::new();
        for exercise in &course.exercises {
            let Some(sources) = submission.exercises.get(&exercise.slug) else {
                continue;
            };
            let unit = Pair::new(key, &exercise.slug);
            if let Some(why) = scan::refused(sources, &exercise.manifest.given) {
                stage.rejected.insert(unit, why);
                continue;
            }
            stage
                .members
                .entry(unit.lesson.clone())
                .or_default()
                .push(key.clone());
            if combined.is_some() && !needs_own_crate(sources, &exercise.manifest.given) {
                lessons.push((exercise, sources));
            } else {
                stage.own.insert(unit);
                let crate_dir = next.join("crates").join(own_package(key, exercise));
                write_sources(&crate_dir.join("src"), exercise, sources)?;
                write_own_manifest(&crate_dir, exercise, key)?;
            }
        }
        if let (Some(manifest), false) = (&combined, lessons.is_empty()) {
            write_combined_crate(&next, key, manifest, &lessons, &shared)?;
        }
    }
    for exercise in &course.exercises {
        write_suite(&mut stage, exercise)?;
    }
    for folder in ["crates", "suites"] {
        sync_tree(&next.join(folder), &dir.join(folder))?;
    }
    fs::remove_dir_all(&next).with_context(|| format!("cannot remove {}", next.display()))?;
    stage.dir = dir.to_path_buf();
    Ok(stage)
}

/// Rewrites an exercise's test crate with only `keys` in it (after dropping students whose
/// code did not compile).
pub fn rewrite_suite(stage: &mut Stage, exercise: &Exercise, keys: Vec<StudentKey>) -> Result<()> {
    if keys.is_empty() {
        stage.members.remove(exercise.slug.as_str());
    } else {
        stage
            .members
            .insert(LessonSlug::from(exercise.slug.as_str()), keys);
    }
    write_suite(stage, exercise)
}

/// Writes a test crate of its own for each student of an exercise's test crate; returns
/// package -> key. See [`remove_solo_suites`].
pub fn write_solo_suites(
    stage: &Stage,
    exercise: &Exercise,
) -> Result<BTreeMap<String, StudentKey>> {
    let mut packages = BTreeMap::new();
    for key in stage
        .members
        .get(exercise.slug.as_str())
        .into_iter()
        .flatten()
    {
        packages.insert(write_solo_suite(stage, exercise, key)?, key.clone());
    }
    Ok(packages)
}

/// Removes the test crates [`write_solo_suites`] wrote for `keys`.
pub fn remove_solo_suites(stage: &Stage, exercise: &Exercise, keys: &[StudentKey]) -> Result<()> {
    for key in keys {
        let dir = stage.dir.join("suites").join(solo_package(exercise, key));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
        }
    }
    Ok(())
}

/// The staged workspace's root: the course's shared package fields, dependencies, lints
/// and profiles, its lock file, and a copy of every path dependency (the harness crates).
fn write_root(course: &Course, dir: &Path) -> Result<()> {
    let root_manifest = read_toml(&course.root.join("Cargo.toml"))?;
    let workspace = root_manifest
        .get("workspace")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut staged = Table::new();
    for key in ["package", "dependencies", "lints"] {
        if let Some(value) = workspace.get(key) {
            staged.insert(key.to_string(), value.clone());
        }
    }
    let mut members: Vec<Value> = vec!["crates/*".into(), "suites/*".into()];
    if let Some(Value::Table(deps)) = staged.get_mut("dependencies") {
        for (name, spec) in deps.iter_mut() {
            let Some(path) = spec.get("path").and_then(Value::as_str) else {
                continue;
            };
            let source = course.root.join(path);
            copy(
                &source.join("Cargo.toml"),
                &dir.join(name).join("Cargo.toml"),
            )?;
            copy_tree(&source.join("src"), &dir.join(name).join("src"))?;
            *spec = path_dependency(name);
            members.push(name.as_str().into());
        }
    }
    staged.insert("resolver".into(), "3".into());
    staged.insert("members".into(), Value::Array(members));
    let mut manifest = Table::new();
    manifest.insert("workspace".into(), Value::Table(staged));
    if let Some(profile) = root_manifest.get("profile") {
        manifest.insert("profile".into(), profile.clone());
    }
    write_toml(&dir.join("Cargo.toml"), &manifest)?;
    copy(&course.root.join("Cargo.lock"), &dir.join("Cargo.lock"))
}

/// Gives every exercise of `key`'s combined crate a crate of its own (the combined crate
/// did not compile: each exercise is then built, and judged, on its own), and rewrites
/// the test crates that use them.
pub fn split(course: &Course, stage: &mut Stage, key: &str) -> Result<()> {
    let combined = stage.dir.join("crates").join(key);
    let mut moved = Vec::new();
    for exercise in &course.exercises {
        if !stage.is_member(key, exercise) || stage.is_own(key, exercise) {
            continue;
        }
        let crate_dir = stage.dir.join("crates").join(own_package(key, exercise));
        copy_tree(
            &combined.join("src").join(exercise.crate_name()),
            &crate_dir.join("src"),
        )?;
        // The combined crate may have re-exported the class's copy: compile it here.
        write_given(&crate_dir.join("src"), exercise)?;
        write_own_manifest(&crate_dir, exercise, key)?;
        stage
            .own
            .insert(Pair::new(&StudentKey::from(key), &exercise.slug));
        moved.push(exercise);
    }
    if combined.exists() {
        fs::remove_dir_all(&combined)
            .with_context(|| format!("cannot remove {}", combined.display()))?;
    }
    for exercise in moved {
        write_suite(stage, exercise)?;
    }
    Ok(())
}

/// The package name of a student's exercise built as a crate of its own.
fn own_package(key: &str, exercise: &Exercise) -> String {
    format!("{key}-{}", exercise.manifest.package)
}

/// Code that only means what it says at a crate's root: paths from `crate::`, `$crate` in
/// a macro, exported macros. Comments do not count.
fn needs_crate_root<'a>(texts: impl IntoIterator<Item = &'a [u8]>) -> bool {
    texts.into_iter().any(|text| {
        String::from_utf8_lossy(text).lines().any(|line| {
            !line.trim_start().starts_with("//")
                && ["crate::", "macro_export"].iter().any(|w| line.contains(w))
        })
    })
}

/// Whether a student's exercise needs a crate root of its own. Their copies of the given
/// files do not count: the course's replace them.
fn needs_own_crate(sources: &Sources, given: &[String]) -> bool {
    needs_crate_root(
        sources
            .files
            .iter()
            .filter(|(path, _)| !given.iter().any(|g| path.as_path() == Path::new(g)))
            .map(|(_, contents)| contents.as_slice()),
    )
}

fn write_own_manifest(crate_dir: &Path, exercise: &Exercise, key: &str) -> Result<()> {
    let manifest = named(lesson_manifest(exercise)?, &own_package(key, exercise));
    write_toml(&crate_dir.join("Cargo.toml"), &manifest)
}

/// A student's crate: a root that declares one module per exercise, each in its folder.
/// `shared`: the exercises whose given files are compiled once, in a crate of their own
/// ([`write_given_crates`]); the student's crate gets a module that re-exports them.
fn write_combined_crate(
    dir: &Path,
    key: &str,
    manifest: &Table,
    lessons: &[(&Exercise, &Sources)],
    shared: &BTreeSet<String>,
) -> Result<()> {
    let crate_dir = dir.join("crates").join(key);
    let mut manifest = named(manifest.clone(), key);
    let mut root = String::from("// Generated by the grader: one module per exercise.\n");
    for (exercise, sources) in lessons {
        let module = exercise.crate_name();
        writeln!(root, "#[path = \"{module}/lib.rs\"]\npub mod {module};")?;
        let src = crate_dir.join("src").join(&module);
        if !shared.contains(&exercise.slug) {
            write_sources(&src, exercise, sources)?;
            continue;
        }
        write_student_files(&src, sources)?;
        let given = given_package(exercise);
        if let Some(Value::Table(deps)) = manifest.get_mut("dependencies") {
            deps.insert(given.clone(), path_dependency(&format!("../{given}")));
        }
        for (file, module) in exercise.manifest.given.iter().zip(exercise.given_modules()) {
            let shim = format!(
                "// Generated by the grader: the course's copy, compiled once for the class.\n\
                 pub use ::{}::{module}::*;\n",
                given.replace('-', "_")
            );
            write_if_changed(&src.join(file), shim.as_bytes())?;
        }
    }
    write_toml(&crate_dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&crate_dir.join("src/lib.rs"), root.as_bytes())
}

/// The package of an exercise's given files, compiled once for the whole batch.
pub fn given_package(exercise: &Exercise) -> String {
    format!("given-{}", exercise.manifest.package)
}

/// Compiles each exercise's given files (the lesson's simulation) once for the batch,
/// instead of once per student: a crate per exercise, which students' crates re-export.
/// Returns the exercises that have one. Given code that names its crate root stays in
/// every student's crate.
fn write_given_crates(course: &Course, dir: &Path) -> Result<BTreeSet<String>> {
    let mut shared = BTreeSet::new();
    for exercise in &course.exercises {
        if exercise.manifest.given.is_empty() {
            continue;
        }
        let mut files = BTreeMap::new();
        for file in &exercise.manifest.given {
            let from = exercise.given_file(file);
            let contents =
                fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
            files.insert(PathBuf::from(file), contents);
        }
        if needs_crate_root(files.values().map(Vec::as_slice)) {
            continue;
        }
        let package = given_package(exercise);
        let crate_dir = dir.join("crates").join(&package);
        let mut lib = String::from("// Generated by the grader: the exercise's given code.\n");
        for module in exercise.given_modules() {
            writeln!(lib, "pub mod {module};")?;
        }
        files.insert(PathBuf::from("lib.rs"), lib.into_bytes());
        for (file, contents) in &files {
            write_if_changed(&crate_dir.join("src").join(file), contents)?;
        }
        write_toml(
            &crate_dir.join("Cargo.toml"),
            &named(lesson_manifest(exercise)?, &package),
        )?;
        shared.insert(exercise.slug.clone());
    }
    Ok(shared)
}

/// The student's sources of one exercise, and the course's given files over them.
fn write_sources(src: &Path, exercise: &Exercise, sources: &Sources) -> Result<()> {
    write_student_files(src, sources)?;
    write_given(src, exercise)
}

fn write_student_files(src: &Path, sources: &Sources) -> Result<()> {
    for (relative, contents) in &sources.files {
        write_if_changed(&src.join(relative), contents)?;
    }
    Ok(())
}

/// The course's given code (the lesson's simulation) is compiled from the course's copy,
/// always: whatever the student did to theirs is overwritten here.
fn write_given(src: &Path, exercise: &Exercise) -> Result<()> {
    for file in &exercise.manifest.given {
        let from = exercise.given_file(file);
        let contents =
            fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
        write_if_changed(&src.join(file), &contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> Sources {
        Sources {
            files: files
                .iter()
                .map(|(path, text)| (PathBuf::from(path), text.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn only_code_that_needs_a_crate_root_gets_its_own_crate() {
        let given = vec!["devices.rs".to_string()];
        for plain in [
            "pub mod devices;\npub use devices::connect;",
            "/// See [`run`](crate::pipeline::run).\npub fn run() {}",
            "pub(crate) fn helper() {}",
        ] {
            assert!(
                !needs_own_crate(&sources(&[("lib.rs", plain)]), &given),
                "{plain}"
            );
        }
        for rooted in [
            "use crate::devices::connect;",
            "macro_rules! m { () => { $crate::f() } }",
            "#[macro_export]\nmacro_rules! m { () => {} }",
        ] {
            assert!(
                needs_own_crate(&sources(&[("lib.rs", rooted)]), &given),
                "{rooted}"
            );
        }
        // The student's copy of a given file is replaced by the course's: it does not count.
        let with_given = sources(&[
            ("lib.rs", "pub mod devices;"),
            ("devices.rs", "use crate::x;"),
        ]);
        assert!(!needs_own_crate(&with_given, &given));
    }
}
