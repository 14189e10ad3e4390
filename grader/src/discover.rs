//! Discover: read a folder of submissions into [`Submission`]s.
//!
//! Each entry of the folder is one student, named after the entry: a folder (a clone of
//! the student's workspace, or just its `exercises/`), a `.zip`, or a `.tar.gz`/`.tgz`.
//! Only regular files named `<slug>/src/**/*.rs` under a known exercise are taken, with
//! size caps. Links are never followed, archives are read in memory and never extracted,
//! and a path with `..` or a root is refused. Anything else a student put in an exercise
//! folder (tests, manifests, build scripts, snapshots) is listed in their feedback as
//! ignored, unless it is identical to the course's own copy. The same goes for the
//! exercise's given files (`src/devices.rs`...): they are the course's code, so a
//! submission always gets the course's copy of them, and a student whose copy differs is
//! told that their changes are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::submission::{Sources, Submission};

/// Largest source file taken.
pub const MAX_FILE: u64 = 256 * 1024;
/// Largest total of source files taken from one submission.
pub const MAX_TOTAL: u64 = 4 * 1024 * 1024;
/// Most archive entries or files looked at in one submission.
pub const MAX_ENTRIES: usize = 20_000;

/// Folders never looked into.
const SKIPPED_DIRS: [&str; 4] = ["target", ".git", "node_modules", ".idea"];

/// The class, read.
#[derive(Debug, Default)]
pub struct Class {
    /// One per student, sorted by id.
    pub submissions: Vec<Submission>,
    /// Entries of the folder that are not submissions, with the reason.
    pub skipped: Vec<String>,
}

/// Reads every entry of `folder`.
pub fn discover(course: &Course, folder: &Path) -> Result<Class> {
    if !folder.is_dir() {
        bail!(
            "the submissions folder `{}` does not exist or is not a folder; give a folder holding \
             one folder, .zip or .tar.gz per student, or no argument to grade the bundled demo class",
            folder.display()
        );
    }
    let entries = fs::read_dir(folder)
        .with_context(|| format!("cannot read the submissions folder {}", folder.display()))?;
    let mut class = Class::default();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        match read_entry(course, &entry.path(), &name) {
            Ok(Some(submission)) => class.submissions.push(submission),
            Ok(None) => class
                .skipped
                .push(format!("{name}: not a folder, .zip or .tar.gz")),
            Err(error) => class.skipped.push(format!("{name}: {error:#}")),
        }
    }
    class.submissions.sort_by(|a, b| a.id.cmp(&b.id));
    if class.submissions.is_empty() {
        let mut message = format!("no submissions in {}", folder.display());
        if !class.skipped.is_empty() {
            message.push_str(&format!(" (skipped: {})", class.skipped.join("; ")));
        }
        bail!("{message}: expected one folder, .zip or .tar.gz per student");
    }
    Ok(class)
}

fn read_entry(course: &Course, path: &Path, name: &str) -> Result<Option<Submission>> {
    let metadata = fs::symlink_metadata(path)?;
    let (id, files) = if metadata.is_dir() {
        (name.to_string(), walk_folder(path)?)
    } else if !metadata.is_file() {
        return Ok(None);
    } else if let Some(id) = name.strip_suffix(".zip") {
        (
            id.to_string(),
            read_zip(path).context("unreadable .zip archive")?,
        )
    } else if let Some(id) = name
        .strip_suffix(".tar.gz")
        .or_else(|| name.strip_suffix(".tgz"))
    {
        (
            id.to_string(),
            read_tar_gz(path).context("unreadable .tar.gz archive")?,
        )
    } else {
        return Ok(None);
    };
    Ok(Some(sort_files(course, id, files)))
}

/// One file found in a submission.
#[derive(Debug)]
enum Found {
    /// A regular file's contents (or `None` when it was too big to read).
    File(Option<Vec<u8>>),
    /// A symbolic or hard link, a device: never followed.
    NotAFile,
}

fn walk_folder(root: &Path) -> Result<Vec<(PathBuf, Found)>> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir()
                && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        });
    for entry in walker.take(MAX_ENTRIES) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(root)?.to_path_buf();
        if entry.file_type().is_dir() {
            continue;
        }
        let content = if entry.file_type().is_file() {
            let size = entry.metadata()?.len();
            Found::File(
                (size <= MAX_FILE)
                    .then(|| fs::read(entry.path()))
                    .transpose()?,
            )
        } else {
            Found::NotAFile
        };
        found.push((relative, content));
    }
    Ok(found)
}

fn read_zip(path: &Path) -> Result<Vec<(PathBuf, Found)>> {
    let file = fs::File::open(path)?;
    let mut archive = zip::ZipArchive::new(file)?;
    let mut found = Vec::new();
    for index in 0..archive.len().min(MAX_ENTRIES) {
        let mut entry = archive.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.into_owned();
        let Some(relative) = safe_path(Path::new(&name)) else {
            continue;
        };
        let content = if entry.is_symlink() || !entry.is_file() {
            Found::NotAFile
        } else {
            Found::File(read_capped(&mut entry)?)
        };
        found.push((relative, content));
    }
    Ok(found)
}

fn read_tar_gz(path: &Path) -> Result<Vec<(PathBuf, Found)>> {
    let file = fs::File::open(path)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut found = Vec::new();
    for entry in archive.entries()?.take(MAX_ENTRIES) {
        let mut entry = entry?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        let Some(relative) = safe_path(&entry.path()?) else {
            continue;
        };
        let content = if kind.is_file() {
            Found::File(read_capped(&mut entry)?)
        } else {
            Found::NotAFile
        };
        found.push((relative, content));
    }
    Ok(found)
}

/// Reads at most [`MAX_FILE`] bytes; `None` if there was more.
fn read_capped(reader: &mut impl Read) -> Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE).then_some(bytes))
}

/// A relative path made only of plain names (no root, no `..`, no `.`).
fn safe_path(path: &Path) -> Option<PathBuf> {
    let ok = path.components().all(|c| matches!(c, Component::Normal(_)));
    (ok && !path.as_os_str().is_empty()).then(|| path.to_path_buf())
}

/// Where a found file sits relative to a known exercise: (slug, prefix, rest).
fn locate<'a>(slugs: &BTreeSet<&'a str>, path: &Path) -> Option<(&'a str, PathBuf, PathBuf)> {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    let at = parts.iter().rposition(|p| slugs.contains(p))?;
    let slug = *slugs.get(parts[at])?;
    let prefix: PathBuf = parts[..at].iter().collect();
    let rest: PathBuf = parts[at + 1..].iter().collect();
    if SKIPPED_DIRS.iter().any(|d| parts[..at].contains(d)) {
        return None;
    }
    Some((slug, prefix, rest))
}

fn sort_files(course: &Course, id: String, files: Vec<(PathBuf, Found)>) -> Submission {
    let slugs: BTreeSet<&str> = course.exercises.iter().map(|e| e.slug.as_str()).collect();
    let mut submission = Submission {
        id,
        ..Submission::default()
    };
    // Which copy of each exercise to grade: the one under `exercises/`, else the shallowest.
    let mut prefixes: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for (path, _) in &files {
        if let Some((slug, prefix, _)) = locate(&slugs, path) {
            let better = |old: &PathBuf| {
                let rank = |p: &PathBuf| (!p.ends_with("exercises"), p.components().count());
                rank(&prefix) < rank(old)
            };
            if prefixes.get(slug).is_none_or(better) {
                prefixes.insert(slug, prefix);
            }
        }
    }
    let mut total = 0u64;
    let mut ignored = Vec::new();
    let mut given_notes = Vec::new();
    for (path, content) in files {
        let Some((slug, prefix, rest)) = locate(&slugs, &path) else {
            continue;
        };
        if prefixes.get(slug) != Some(&prefix) {
            continue;
        }
        let shown = Path::new("exercises").join(slug).join(&rest);
        let exercise = course
            .exercises
            .iter()
            .find(|e| e.slug == slug)
            .expect("known slug");
        let in_src = rest
            .strip_prefix("src")
            .ok()
            .filter(|r| r.extension().is_some_and(|e| e == "rs"));
        if let Some(file) = in_src.and_then(|relative| {
            exercise
                .manifest
                .given
                .iter()
                .find(|file| Path::new(file) == relative)
        }) {
            // Given by the course: the course's copy is put in below, whatever this is.
            let pristine = fs::read(exercise.given_file(file)).ok();
            let same =
                matches!((&content, &pristine), (Found::File(Some(bytes)), Some(p)) if bytes == p);
            if !same {
                given_notes.push(format!(
                    "{} is given by the course: your changes to it are ignored",
                    shown.display()
                ));
            }
            continue;
        }
        match (in_src, content) {
            (Some(relative), Found::File(Some(bytes)))
                if total + bytes.len() as u64 <= MAX_TOTAL =>
            {
                total += bytes.len() as u64;
                submission
                    .exercises
                    .entry(slug.to_string())
                    .or_default()
                    .files
                    .insert(relative.to_path_buf(), bytes);
            }
            (Some(_), Found::File(Some(_))) => ignored.push(format!(
                "{} (over the {} KiB total for a submission)",
                shown.display(),
                MAX_TOTAL / 1024
            )),
            (Some(_), Found::File(None)) => ignored.push(format!(
                "{} (larger than {} KiB)",
                shown.display(),
                MAX_FILE / 1024
            )),
            (_, Found::NotAFile) => ignored.push(format!(
                "{} (a link or special file: only regular files are taken)",
                shown.display()
            )),
            (None, Found::File(bytes)) => {
                let pristine = fs::read(exercise.dir.join(&rest)).ok();
                if bytes.is_none() || bytes != pristine {
                    ignored.push(format!(
                        "{} ({} the course's copy is used: only src/**/*.rs is graded)",
                        shown.display(),
                        if pristine.is_some() {
                            "changed;"
                        } else {
                            "added;"
                        }
                    ));
                }
            }
        }
    }
    for (slug, sources) in &submission.exercises {
        if !sources.files.contains_key(Path::new("lib.rs")) {
            ignored.push(format!(
                "exercises/{slug}/src/lib.rs is missing, so {slug} was not graded"
            ));
        }
    }
    submission
        .exercises
        .retain(|_, s: &mut Sources| s.files.contains_key(Path::new("lib.rs")));
    // Every exercise handed in carries the course's copies of its given files (staging
    // writes them anyway): so the verdict cache's key, made from the sources, changes when
    // the course changes them.
    for (slug, sources) in &mut submission.exercises {
        let Some(exercise) = course.exercises.iter().find(|e| &e.slug == slug) else {
            continue;
        };
        for file in &exercise.manifest.given {
            if let Ok(bytes) = fs::read(exercise.given_file(file)) {
                sources.files.insert(PathBuf::from(file), bytes);
            }
        }
    }
    if !ignored.is_empty() {
        submission
            .notes
            .push(format!("Ignored: {}", ignored.join("; ")));
    }
    submission.notes.extend(given_notes);
    submission
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_climb_or_are_absolute() {
        assert_eq!(
            safe_path(Path::new("a/b.rs")),
            Some(PathBuf::from("a/b.rs"))
        );
        assert_eq!(safe_path(Path::new("../b.rs")), None);
        assert_eq!(safe_path(Path::new("a/../../b.rs")), None);
        assert_eq!(safe_path(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn a_given_file_is_always_the_courses_copy() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let course = Course::load(root).unwrap();
        // The first lesson with given files (lesson 3's `devices.rs`).
        let Some((exercise, given)) = course
            .exercises
            .iter()
            .find_map(|e| Some((e, e.manifest.given.first()?)))
        else {
            return;
        };
        let pristine = fs::read(exercise.given_file(given)).unwrap();
        let src = |file: &str| PathBuf::from(format!("exercises/{}/src/{file}", exercise.slug));
        let lib = fs::read(exercise.solution(root)).unwrap();
        let read = |given_copy: Option<Found>| {
            let mut files = vec![(src("lib.rs"), Found::File(Some(lib.clone())))];
            files.extend(given_copy.map(|copy| (src(given), copy)));
            sort_files(&course, "student".into(), files)
        };
        let note = format!(
            "exercises/{}/src/{given} is given by the course: your changes to it are ignored",
            exercise.slug
        );
        for (copy, noted) in [
            (None, false),
            (Some(Found::File(Some(pristine.clone()))), false),
            (Some(Found::File(Some(b"// mine\n".to_vec()))), true),
            (Some(Found::File(None)), true),
            (Some(Found::NotAFile), true),
        ] {
            let submission = read(copy);
            let sources = &submission.exercises[&exercise.slug];
            assert_eq!(sources.files[Path::new(given)], pristine);
            assert_eq!(
                submission.notes.contains(&note),
                noted,
                "{:?}",
                submission.notes
            );
            assert!(
                submission.notes.iter().all(|n| !n.starts_with("Ignored")),
                "{:?}",
                submission.notes
            );
        }
    }

    #[test]
    fn locates_an_exercise_at_any_depth() {
        let slugs = BTreeSet::from(["01-x"]);
        let (slug, prefix, rest) =
            locate(&slugs, Path::new("repo/exercises/01-x/src/lib.rs")).unwrap();
        assert_eq!(
            (slug, prefix, rest),
            (
                "01-x",
                PathBuf::from("repo/exercises"),
                PathBuf::from("src/lib.rs")
            )
        );
        assert!(locate(&slugs, Path::new("repo/target/01-x/src/lib.rs")).is_none());
    }
}
