//! The manifests the grader writes for staged crates, derived from the exercises'
//! pristine ones.

use anyhow::Result;
use toml::{Table, Value};

use super::files::read_toml;
use crate::course::{Course, Exercise};

/// The manifest of a student's crate holding several exercises: the exercises' package
/// settings and lints, the union of their dependencies. `None` when the exercises'
/// manifests disagree (then every exercise is a crate of its own).
pub(super) fn combined_manifest(course: &Course) -> Result<Option<Table>> {
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
pub(super) fn lesson_manifest(exercise: &Exercise) -> Result<Table> {
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

/// `manifest` as the package `name` (without the lesson's description).
pub(super) fn named(mut manifest: Table, name: &str) -> Table {
    if let Some(Value::Table(package)) = manifest.get_mut("package") {
        package.insert("name".into(), name.into());
        package.remove("description");
    }
    manifest
}

/// A dependency on the crate at `path`.
pub(super) fn path_dependency(path: &str) -> Value {
    Table::from_iter([("path".to_string(), Value::from(path))]).into()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

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
