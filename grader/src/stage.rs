//! Stage: write one Cargo workspace for a batch of submissions.
//!
//! Every student's exercise becomes its own library crate (`s001-exercise-01`), built from
//! the student's `src/**/*.rs` and a `Cargo.toml` the grader writes from the pristine one:
//! a student's manifest, build script or extra dependency never reaches the build. The
//! exercise's given files (`given` in its manifest, e.g. `src/devices.rs`) are always the
//! course's copies, written over whatever the student handed in. The
//! tests of an exercise (visible and hidden) are compiled ONCE for the whole batch, in one
//! test crate per exercise holding a module per student:
//!
//! ```text
//! mod s001 { mod tick_watch { use ::s001_exercise_01 as exercise_01; include!("common/tick_watch.rs"); } mod hidden { .. } }
//! mod s002 { mod tick_watch { use ::s002_exercise_01 as exercise_01; include!("common/tick_watch.rs"); } mod hidden { .. } }
//! ```
//!
//! That makes six link steps for a class instead of one per student per exercise, the
//! largest cost in grading (see `shared/notes/performance.md`). Students still never share a
//! process: the runner starts the binary once per student with that student's test names.

use std::collections::BTreeMap;
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
}

impl Stage {
    /// The package name of a student's exercise crate.
    pub fn crate_package(key: &str, exercise: &Exercise) -> String {
        format!("{key}-{}", exercise.manifest.package)
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

/// Writes the workspace for `batch` into `dir` (which must be empty or absent).
///
/// The student crates and test crates of an earlier batch are removed; the root manifest,
/// the lock file and the harness are only rewritten when they change, so cargo keeps
/// their builds.
pub fn write(course: &Course, batch: &[&Submission], dir: &Path) -> Result<Stage> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // Students' sources are for the compiler only: test processes (unprivileged users) must
    // not read their classmates' code.
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    for folder in ["crates", "suites"] {
        let path = dir.join(folder);
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("cannot clear {}", path.display()))?;
        }
    }
    write_root(course, dir)?;
    let width = batch.len().to_string().len().max(3);
    let keys: Vec<String> = (1..=batch.len()).map(|i| format!("s{i:0width$}")).collect();
    let mut stage = Stage {
        dir: dir.to_path_buf(),
        keys,
        members: BTreeMap::new(),
        lines: BTreeMap::new(),
        rejected: BTreeMap::new(),
    };
    for exercise in &course.exercises {
        let mut members = Vec::new();
        for (key, submission) in stage.keys.iter().zip(batch) {
            let Some(sources) = submission.exercises.get(&exercise.slug) else {
                continue;
            };
            if let Some(why) = scan::refused(sources, &exercise.manifest.given) {
                stage
                    .rejected
                    .insert((key.clone(), exercise.slug.clone()), why);
                continue;
            }
            write_student_crate(dir, exercise, key, sources)?;
            members.push(key.clone());
        }
        if !members.is_empty() {
            stage.members.insert(exercise.slug.clone(), members);
        }
    }
    for exercise in &course.exercises {
        write_suite(&mut stage, exercise)?;
    }
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

fn write_student_crate(
    dir: &Path,
    exercise: &Exercise,
    key: &str,
    sources: &Sources,
) -> Result<()> {
    let crate_dir = dir.join("crates").join(Stage::crate_package(key, exercise));
    let mut manifest = read_toml(&exercise.dir.join("Cargo.toml"))?;
    manifest.remove("dev-dependencies");
    let package = manifest
        .entry("package")
        .or_insert_with(|| Table::new().into());
    if let Value::Table(package) = package {
        package.insert("name".into(), Stage::crate_package(key, exercise).into());
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
    write_toml(&crate_dir.join("Cargo.toml"), &manifest)?;
    for (relative, contents) in &sources.files {
        let path = crate_dir.join("src").join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
    }
    // The course's given code (the lesson's simulation) is compiled from the course's copy,
    // always: whatever the student did to theirs is overwritten here.
    for file in &exercise.manifest.given {
        let from = exercise.given_file(file);
        let contents =
            fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
        let path = crate_dir.join("src").join(file);
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
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
        check.insert("features".into(), Value::Array(vec![GRADING_FEATURE.into()]));
    }
    for key in keys {
        let path = format!("../../crates/{}", Stage::crate_package(key, exercise));
        deps.insert(
            Stage::crate_package(key, exercise),
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
    let krate = |key: &str| Stage::crate_package(key, exercise).replace('-', "_");
    for key in keys {
        // One line per student, so a compiler error's line names the student.
        lines.insert(batch.lines().count() + 1, key.clone());
        let modules: String = exercise
            .suites
            .iter()
            .map(|suite| {
                format!(
                    "mod {suite} {{ #[allow(unused_imports)] use ::{krate} as {name}; include!(\"common/{suite}.rs\"); }} ",
                    suite = suite.name,
                    krate = krate(key),
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
