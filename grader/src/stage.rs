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
//! largest cost in grading (see `shared/notes/performance.md`). Students still never share a
//! process: the runner starts the binary once per student with that student's test names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use toml::{Table, Value};

use crate::course::{Course, Exercise};
use crate::scan;
use crate::submission::{Sources, Submission};

/// The crate the tests check runs with, and its feature for grading builds.
const CHECK_CRATE: &str = "timeline-check";
const GRADING_FEATURE: &str = "grading";

/// A staged batch: where it is and who is in it.
#[derive(Debug)]
pub struct Stage {
    /// The generated workspace.
    pub dir: PathBuf,
    /// Short keys (`s001`, ...) in the order of the batch, with the submission index.
    pub keys: Vec<String>,
    /// Per exercise slug: the keys of the students whose crate is in that exercise's suite.
    pub members: BTreeMap<String, Vec<String>>,
    /// Per exercise slug and line of its `batch.rs`: the key that line belongs to.
    pub lines: BTreeMap<String, BTreeMap<usize, String>>,
    /// Per (key, exercise slug): why the student's code was refused before building.
    pub rejected: BTreeMap<(String, String), String>,
    /// (key, exercise slug) pairs built as a crate of their own; every other exercise of a
    /// student is a module of the student's crate.
    pub own: BTreeSet<(String, String)>,
}

impl Stage {
    /// Whether a student's exercise is built as a crate of its own.
    fn is_own(&self, key: &str, exercise: &Exercise) -> bool {
        self.own.contains(&(key.to_string(), exercise.slug.clone()))
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
    let keys: Vec<String> = (1..=batch.len()).map(|i| format!("s{i:0width$}")).collect();
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
            let unit = (key.clone(), exercise.slug.clone());
            if let Some(why) = scan::refused(sources, &exercise.manifest.given) {
                stage.rejected.insert(unit, why);
                continue;
            }
            stage
                .members
                .entry(exercise.slug.clone())
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
pub fn rewrite_suite(stage: &mut Stage, exercise: &Exercise, keys: Vec<String>) -> Result<()> {
    if keys.is_empty() {
        stage.members.remove(&exercise.slug);
    } else {
        stage.members.insert(exercise.slug.clone(), keys);
    }
    write_suite(stage, exercise)
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
            *spec = Value::Table(Table::from_iter([("path".into(), name.as_str().into())]));
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
        let member = stage
            .members
            .get(&exercise.slug)
            .is_some_and(|keys| keys.iter().any(|k| k == key));
        if !member || stage.is_own(key, exercise) {
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
        stage.own.insert((key.to_string(), exercise.slug.clone()));
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
/// a macro, exported macros. Comments do not count, nor do the given files (the course's
/// copies replace them).
fn needs_own_crate(sources: &Sources, given: &[String]) -> bool {
    sources
        .files
        .iter()
        .filter(|(path, _)| !given.iter().any(|g| path.as_path() == Path::new(g)))
        .any(|(_, contents)| {
            String::from_utf8_lossy(contents).lines().any(|line| {
                !line.trim_start().starts_with("//")
                    && ["crate::", "macro_export"].iter().any(|w| line.contains(w))
            })
        })
}

/// The manifest of a student's crate holding several exercises: the exercises' package
/// settings and lints, the union of their dependencies. `None` when the exercises'
/// manifests disagree (then every exercise is a crate of its own).
fn combined_manifest(course: &Course) -> Result<Option<Table>> {
    let mut combined: Option<Table> = None;
    for exercise in &course.exercises {
        let manifest = lesson_manifest(exercise)?;
        let Some(so_far) = &mut combined else {
            combined = Some(manifest);
            continue;
        };
        let same = |section: &str, except: &[&str]| {
            let strip = |table: &Table| -> Option<Table> {
                let mut table = table.get(section)?.as_table()?.clone();
                for key in except {
                    table.remove(*key);
                }
                Some(table)
            };
            strip(so_far) == strip(&manifest)
        };
        if !same("package", &["name", "description"]) || !same("lints", &[]) || !same("lib", &[]) {
            return Ok(None);
        }
        let Some(Value::Table(deps)) = so_far.get_mut("dependencies") else {
            return Ok(None);
        };
        if let Some(Value::Table(more)) = manifest.get("dependencies") {
            for (name, spec) in more {
                match deps.get(name) {
                    Some(existing) if existing != spec => return Ok(None),
                    Some(_) => {}
                    None => {
                        deps.insert(name.clone(), spec.clone());
                    }
                }
            }
        }
    }
    Ok(combined)
}

/// An exercise's pristine manifest made into a staged library crate's: no dev-dependencies,
/// no targets found automatically, no unit tests or doctests of its own.
fn lesson_manifest(exercise: &Exercise) -> Result<Table> {
    let mut manifest = read_toml(&exercise.dir.join("Cargo.toml"))?;
    manifest.remove("dev-dependencies");
    if let Value::Table(package) = manifest
        .entry("package")
        .or_insert_with(|| Table::new().into())
    {
        for auto in ["autobins", "autoexamples", "autotests", "autobenches"] {
            package.insert(auto.into(), false.into());
        }
    }
    let lib = Table::from_iter([
        ("path".to_string(), Value::from("src/lib.rs")),
        ("test".to_string(), false.into()),
        ("doctest".to_string(), false.into()),
    ]);
    manifest.insert("lib".into(), lib.into());
    Ok(manifest)
}

fn named(mut manifest: Table, name: &str) -> Table {
    if let Some(Value::Table(package)) = manifest.get_mut("package") {
        package.insert("name".into(), name.into());
        package.remove("description");
    }
    manifest
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
        write_sources(&src, exercise, sources)?;
        if !shared.contains(&exercise.slug) {
            continue;
        }
        let given = given_package(exercise);
        if let Some(Value::Table(deps)) = manifest.get_mut("dependencies") {
            let path = Value::from(format!("../{given}"));
            deps.insert(
                given.clone(),
                Table::from_iter([("path".into(), path)]).into(),
            );
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
fn given_package(exercise: &Exercise) -> String {
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
        if needs_own_crate(
            &Sources {
                files: files.clone(),
            },
            &[],
        ) {
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
    for (relative, contents) in &sources.files {
        write_if_changed(&src.join(relative), contents)?;
    }
    write_given(src, exercise)
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

fn write_suite(stage: &mut Stage, exercise: &Exercise) -> Result<()> {
    let suite_dir = stage
        .dir
        .join("suites")
        .join(Stage::suite_package(exercise));
    if suite_dir.exists() {
        fs::remove_dir_all(&suite_dir)?;
    }
    let Some(keys) = stage.members.get(&exercise.slug) else {
        stage.lines.remove(&exercise.slug);
        return Ok(());
    };
    let pristine = read_toml(&exercise.dir.join("Cargo.toml"))?;
    let mut deps = Table::new();
    for section in ["dependencies", "dev-dependencies"] {
        if let Some(Value::Table(table)) = pristine.get(section) {
            deps.extend(table.clone());
        }
    }
    // The tests' `check!` only records evidence here: no insta assertion in each of the
    // batch's copies of each test (a third of the test binaries' compile time).
    if let Some(Value::Table(check)) = deps.get_mut(CHECK_CRATE) {
        check.insert(
            "features".into(),
            Value::Array(vec![GRADING_FEATURE.into()]),
        );
    }
    for key in keys {
        let package = stage.crate_package(key, exercise);
        let path = format!("../../crates/{package}");
        deps.insert(
            package,
            Table::from_iter([("path".to_string(), Value::from(path))]).into(),
        );
    }
    let manifest: Table = toml::from_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\
         autotests = false\nautobins = false\nautoexamples = false\nautobenches = false\n\
         [lib]\npath = \"lib.rs\"\ntest = false\ndoctest = false\n\
         [[test]]\nname = \"batch\"\npath = \"batch.rs\"\n",
        Stage::suite_package(exercise)
    ))?;
    let mut manifest = manifest;
    manifest.insert("dependencies".into(), deps.into());
    write_toml(&suite_dir.join("Cargo.toml"), &manifest)?;
    fs::write(suite_dir.join("lib.rs"), "")?;
    for suite in &exercise.suites {
        let source = fs::read_to_string(&suite.path)
            .with_context(|| format!("cannot read {}", suite.path.display()))?;
        fs::create_dir_all(suite_dir.join("common"))?;
        fs::write(
            suite_dir.join("common").join(format!("{}.rs", suite.name)),
            includable(&source),
        )?;
    }
    let mut batch =
        String::from("// Generated by the grader: every student's copy of the tests.\n");
    let mut lines = BTreeMap::new();
    for key in keys {
        // One line per student, so a compiler error's line names the student.
        lines.insert(batch.lines().count() + 1, key.clone());
        let modules: String = exercise
            .suites
            .iter()
            .map(|suite| {
                format!(
                    "mod {suite} {{ #[allow(unused_imports)] use {path} as {name}; include!(\"common/{suite}.rs\"); }} ",
                    suite = suite.name,
                    path = stage.rust_path(key, exercise),
                    name = exercise.crate_name(),
                )
            })
            .collect();
        writeln!(batch, "mod {key} {{ {modules}}}")?;
    }
    fs::write(suite_dir.join("batch.rs"), batch)?;
    stage.lines.insert(exercise.slug.clone(), lines);
    Ok(())
}

/// `include!` accepts only items: turn inner doc comments into plain comments.
fn includable(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.trim_start().strip_prefix("//!") {
            Some(rest) => format!("//{rest}"),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_toml(path: &Path) -> Result<Table> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))
}

fn write_toml(path: &Path, table: &Table) -> Result<()> {
    write_if_changed(path, toml::to_string(table)?.as_bytes())
}

/// Writes only when the contents differ, keeping the file's timestamp (and so cargo's
/// build of it) otherwise.
fn write_if_changed(path: &Path, contents: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    let contents = fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    write_if_changed(to, &contents)
}

/// Makes `to` hold exactly what `from` holds, rewriting only the files that differ.
fn sync_tree(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        for entry in walkdir::WalkDir::new(to).contents_first(true) {
            let entry = entry?;
            let twin = from.join(entry.path().strip_prefix(to)?);
            let kind = entry.file_type();
            if kind.is_dir() {
                if !twin.is_dir() {
                    fs::remove_dir_all(entry.path())?;
                }
            } else if !(kind.is_file() && twin.is_file()) {
                fs::remove_file(entry.path())?;
            }
        }
    }
    if from.exists() {
        copy_tree(from, to)?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            copy(entry.path(), &target)?;
        }
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
            "/// See [`run`](crate::run).\npub fn run() {}",
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

    #[test]
    fn a_synced_tree_keeps_what_stayed_and_drops_what_went() {
        let tmp = tempfile::tempdir().unwrap();
        let (from, to) = (tmp.path().join("from"), tmp.path().join("to"));
        for (path, text) in [("a/same.rs", "same"), ("a/new.rs", "new"), ("b.rs", "b2")] {
            write_if_changed(&from.join(path), text.as_bytes()).unwrap();
        }
        for (path, text) in [("a/same.rs", "same"), ("a/old.rs", "old"), ("b.rs", "b1")] {
            write_if_changed(&to.join(path), text.as_bytes()).unwrap();
        }
        write_if_changed(&to.join("gone/x.rs"), b"x").unwrap();
        let before = fs::metadata(to.join("a/same.rs"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        sync_tree(&from, &to).unwrap();
        let mut files: Vec<String> = walkdir::WalkDir::new(&to)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&to).unwrap().display().to_string())
            .collect();
        files.sort();
        assert_eq!(files, ["a/new.rs", "a/same.rs", "b.rs"]);
        assert_eq!(fs::read(to.join("b.rs")).unwrap(), b"b2");
        assert!(!to.join("gone").exists());
        let after = fs::metadata(to.join("a/same.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            before, after,
            "an unchanged file is not rewritten (cargo keeps its build)"
        );
    }

    #[test]
    fn the_course_exercises_share_one_student_crate() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let course = Course::load(root).unwrap();
        let manifest = combined_manifest(&course)
            .unwrap()
            .expect("the lessons agree");
        let deps = manifest["dependencies"].as_table().unwrap();
        for exercise in &course.exercises {
            let own = lesson_manifest(exercise).unwrap();
            for name in own["dependencies"].as_table().unwrap().keys() {
                assert!(deps.contains_key(name), "{name} of {}", exercise.slug);
            }
        }
    }
}
