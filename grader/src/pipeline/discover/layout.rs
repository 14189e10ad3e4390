//! Layout: where a hand-in keeps its lessons, and how odd layouts are read.
//!
//! The usual layout is `exercises/<lesson>/src/**/*.rs` (a workspace clone, or just its
//! `exercises/`, or the lesson folders alone). Also accepted, each with a note saying how it
//! was read:
//!
//! - a top folder wrapping everything (`work/exercises/03-gather/src/lib.rs`; none for a top
//!   folder named after the student, as zipping their folder gives);
//! - a lesson folder without `src/` (`exercises/03-gather/lib.rs`): its `.rs` files are
//!   read as its `src/`;
//! - a bare `src/` (`src/lib.rs`, `gather/src/lib.rs`) when it is plainly one lesson: its
//!   folder is named for a lesson (`03`, `03-gather`, `gather`, `exercise-03`), or it
//!   defines the functions of exactly one lesson. Otherwise it is not graded, and the note
//!   gives the exact place to put it.
//!
//! All of it is a pure function of the paths found and the course's lessons.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{Found, SKIPPED_DIRS, locate};

/// What the layout needs to know of one lesson.
#[derive(Debug, Clone)]
pub(super) struct Lesson {
    /// `03-gather`.
    pub slug: String,
    /// `exercise-03`.
    pub package: String,
    /// The public functions its stub asks for.
    pub functions: Vec<String>,
}

/// A `.rs` file of a lesson folder outside `src/` that may be its sources when the folder
/// has no `src/` (not a test, example, bench or build script).
pub(super) fn is_loose_source(rest: &Path) -> bool {
    let first = rest.iter().next().and_then(|c| c.to_str()).unwrap_or("");
    rest.extension().is_some_and(|e| e == "rs")
        && !["src", "tests", "benches", "examples", "target"].contains(&first)
        && rest != Path::new("build.rs")
}

/// A `.rs` file under a `src/` outside any lesson folder, at most two folders deep
/// (`src/lib.rs`, `gather/src/lib.rs`, `hw/gather/src/lib.rs`), and not in a workspace's
/// `exercises/` (where an unknown folder is the course's harness, not a lesson).
pub(super) fn is_bare_source(path: &Path) -> bool {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    let Some(at) = parts.iter().position(|p| *p == "src") else {
        return false;
    };
    at <= 2
        && path.extension().is_some_and(|e| e == "rs")
        && !parts[..at]
            .iter()
            .any(|p| SKIPPED_DIRS.contains(p) || ["exercises", "solutions"].contains(p))
}

/// Which copy of each lesson to grade: the one under `exercises/`, else the shallowest.
pub(super) fn prefixes<'a>(
    slugs: &BTreeSet<&'a str>,
    files: &[(PathBuf, Found)],
) -> BTreeMap<&'a str, PathBuf> {
    let mut prefixes: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for (path, _) in files {
        if let Some((slug, prefix, _)) = locate(slugs, path) {
            let rank = |p: &PathBuf| (!p.ends_with("exercises"), p.components().count());
            if prefixes
                .get(slug)
                .is_none_or(|old| rank(&prefix) < rank(old))
            {
                prefixes.insert(slug, prefix);
            }
        }
    }
    prefixes
}

/// Rewrites the paths of an odd layout to the usual one; returns the files and the notes
/// saying how they were read. `id` is the student's (a top folder of that name is usual);
/// `course_file` gives the course's copy of a lesson's file, to compare a loose file with
/// when the lesson has a `src/` after all.
pub(super) fn normalise(
    lessons: &[Lesson],
    id: &str,
    files: Vec<(PathBuf, Found)>,
    course_file: &dyn Fn(&str, &Path) -> Option<Vec<u8>>,
) -> (Vec<(PathBuf, Found)>, Vec<String>) {
    let slugs: BTreeSet<&str> = lessons.iter().map(|l| l.slug.as_str()).collect();
    let mut notes = top_folder_notes(&slugs, id, &files);
    let files = src_less(&slugs, files, course_file, &mut notes);
    let files = if prefixes(&slugs, &files).is_empty() {
        bare(lessons, files, &mut notes)
    } else {
        // Lessons were found: a bare `src/` beside them is something else (the harness of
        // a workspace, a scratch crate), read only in case it was needed.
        files
            .into_iter()
            .filter(|(path, _)| !is_bare_source(path) || locate(&slugs, path).is_some())
            .collect()
    };
    (files, notes)
}

/// A note per lesson read from under a top folder other than the student's own name.
fn top_folder_notes(slugs: &BTreeSet<&str>, id: &str, files: &[(PathBuf, Found)]) -> Vec<String> {
    let usual = [
        PathBuf::new(),
        PathBuf::from("exercises"),
        PathBuf::from(id),
        Path::new(id).join("exercises"),
    ];
    let odd: Vec<String> = prefixes(slugs, files)
        .into_iter()
        .filter(|(_, prefix)| !usual.contains(prefix))
        .map(|(slug, prefix)| format!("`{}/` as `exercises/{slug}/`", prefix.join(slug).display()))
        .collect();
    if odd.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "Read {} (a folder wrapping your lessons)",
        odd.join(", ")
    )]
}

/// A lesson folder with no `src/` but a `lib.rs`: its loose `.rs` files are read as `src/`.
/// Elsewhere a loose file is just another file of the lesson, compared with the course's.
fn src_less(
    slugs: &BTreeSet<&str>,
    files: Vec<(PathBuf, Found)>,
    course_file: &dyn Fn(&str, &Path) -> Option<Vec<u8>>,
    notes: &mut Vec<String>,
) -> Vec<(PathBuf, Found)> {
    let mut with_src = BTreeSet::new();
    let mut loose_lib = BTreeSet::new();
    for (path, _) in &files {
        if let Some((slug, prefix, rest)) = locate(slugs, path) {
            if rest.starts_with("src") && rest.extension().is_some_and(|e| e == "rs") {
                with_src.insert((slug, prefix));
            } else if rest == Path::new("lib.rs") {
                loose_lib.insert((slug, prefix));
            }
        }
    }
    let src_less: BTreeSet<_> = loose_lib.difference(&with_src).cloned().collect();
    for (slug, prefix) in &src_less {
        notes.push(format!(
            "Read `{}/` as `exercises/{slug}/src/` (a lesson folder without src/)",
            prefix.join(slug).display()
        ));
    }
    files
        .into_iter()
        .map(|(path, found)| {
            let Some((slug, prefix, rest)) = locate(slugs, &path) else {
                return (path, found);
            };
            if !is_loose_source(&rest) {
                return (path, found);
            }
            if src_less.contains(&(slug, prefix.clone())) {
                return (prefix.join(slug).join("src").join(rest), found);
            }
            let found = match found {
                Found::Source(bytes) => Found::Other {
                    same: course_file(slug, &rest).is_some_and(|course| course == bytes),
                },
                Found::TooBig | Found::OverTotal => Found::Other { same: false },
                other => other,
            };
            (path, found)
        })
        .collect()
}

/// A hand-in with no lesson folder: each bare `src/` holding a `lib.rs` is read as the
/// lesson it plainly is, or left out with a note saying where to put it.
fn bare(
    lessons: &[Lesson],
    files: Vec<(PathBuf, Found)>,
    notes: &mut Vec<String>,
) -> Vec<(PathBuf, Found)> {
    let mut groups: BTreeMap<PathBuf, Vec<(PathBuf, Found)>> = BTreeMap::new();
    for (path, found) in files {
        if !is_bare_source(&path) {
            continue;
        }
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        let at = parts.iter().position(|p| *p == "src").unwrap_or(0);
        let prefix: PathBuf = parts[..at].iter().collect();
        let rest: PathBuf = parts[at + 1..].iter().collect();
        groups.entry(prefix).or_default().push((rest, found));
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (prefix, group) in groups {
        let Some((_, Found::Source(lib))) = group.iter().find(|(r, _)| r == Path::new("lib.rs"))
        else {
            continue;
        };
        let shown = prefix.join("src/lib.rs");
        match which_lesson(lessons, &prefix, lib) {
            Ok((slug, why)) if taken.insert(slug.to_string()) => {
                notes.push(format!(
                    "Read `{}/` as `exercises/{slug}/src/` ({why})",
                    prefix.join("src").display()
                ));
                let base = Path::new("exercises").join(slug).join("src");
                out.extend(group.into_iter().map(|(rest, f)| (base.join(rest), f)));
            }
            Ok((slug, _)) => notes.push(format!(
                "Not graded: `{}` is lesson {slug} again (another copy was graded); hand in one \
                 copy, at `exercises/{slug}/src/lib.rs`",
                shown.display()
            )),
            Err(why) => notes.push(format!(
                "Not graded: `{}` is not in a lesson folder, and {why}; put it at \
                 `exercises/<lesson>/src/lib.rs` (for example `exercises/{}/src/lib.rs`) and \
                 hand in again",
                shown.display(),
                lessons.first().map_or("01-...", |l| l.slug.as_str())
            )),
        }
    }
    out
}

/// The lesson a bare `src/lib.rs` in `prefix` is, and why; or why that is not plain.
fn which_lesson<'a>(
    lessons: &'a [Lesson],
    prefix: &Path,
    lib: &[u8],
) -> Result<(&'a str, String), String> {
    if let Some(folder) = prefix.file_name().and_then(|f| f.to_str())
        && let Some(lesson) = lesson_named(lessons, folder)
    {
        return Ok((
            &lesson.slug,
            format!("its folder `{folder}` names that lesson"),
        ));
    }
    let text = String::from_utf8_lossy(lib);
    let matching: Vec<(&Lesson, Vec<&str>)> = lessons
        .iter()
        .map(|l| {
            let defined = l
                .functions
                .iter()
                .map(String::as_str)
                .filter(|f| defines(&text, f))
                .collect::<Vec<_>>();
            (l, defined)
        })
        .filter(|(_, defined)| !defined.is_empty())
        .collect();
    match matching.as_slice() {
        [(lesson, defined)] => Ok((
            &lesson.slug,
            format!("it defines that lesson's `{}`", defined.join("`, `")),
        )),
        [] => Err("it defines none of the functions a lesson asks for".to_string()),
        several => Err(format!(
            "it defines functions of lessons {}",
            several
                .iter()
                .map(|(l, _)| l.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The lesson a folder name stands for: its slug, number, name or package.
fn lesson_named<'a>(lessons: &'a [Lesson], folder: &str) -> Option<&'a Lesson> {
    let folder = folder.to_lowercase().replace('_', "-");
    lessons.iter().find(|l| {
        let (number, name) = l.slug.split_once('-').unwrap_or((&l.slug, ""));
        [l.slug.as_str(), l.package.as_str(), number, name]
            .iter()
            .any(|key| !key.is_empty() && *key == folder)
    })
}

/// Whether `text` defines a function `name` (`fn name(` or `fn name<`).
fn defines(text: &str, name: &str) -> bool {
    let pattern = format!("fn {name}");
    text.match_indices(&pattern).any(|(at, _)| {
        let next = text[at + pattern.len()..]
            .chars()
            .find(|c| !c.is_whitespace());
        matches!(next, Some('(' | '<'))
    })
}

/// The public functions a stub's `lib.rs` asks for (`pub fn f`, `pub async fn f`).
pub(super) fn stub_functions(stub: &str) -> Vec<String> {
    stub.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix("pub async fn ")
                .or_else(|| line.strip_prefix("pub fn "))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lessons() -> Vec<Lesson> {
        let lesson = |slug: &str, package: &str, functions: &[&str]| Lesson {
            slug: slug.into(),
            package: package.into(),
            functions: functions.iter().map(|f| f.to_string()).collect(),
        };
        vec![
            lesson("01-tick", "exercise-01", &["tick", "wait_for"]),
            lesson(
                "03-gather",
                "exercise-03",
                &["send_to_all", "try_send_to_all"],
            ),
        ]
    }

    fn source(text: &str) -> Found {
        Found::Source(text.as_bytes().to_vec())
    }

    fn read(id: &str, files: Vec<(&str, Found)>) -> (Vec<String>, Vec<String>) {
        let files = files
            .into_iter()
            .map(|(p, f)| (PathBuf::from(p), f))
            .collect();
        let (files, notes) = normalise(&lessons(), id, files, &|_, _| None);
        let paths = files.iter().map(|(p, _)| p.display().to_string()).collect();
        (paths, notes)
    }

    #[test]
    fn the_usual_layouts_are_read_without_a_note() {
        for path in [
            "exercises/03-gather/src/lib.rs",
            "03-gather/src/lib.rs",
            "alice/exercises/03-gather/src/lib.rs",
            "alice/03-gather/src/lib.rs",
        ] {
            let (paths, notes) = read("alice", vec![(path, source("x"))]);
            assert_eq!((paths, notes), (vec![path.to_string()], vec![]), "{path}");
        }
    }

    #[test]
    fn a_top_folder_is_read_through_with_a_note() {
        let path = "course-main/exercises/03-gather/src/lib.rs";
        let (paths, notes) = read("alice", vec![(path, source("x"))]);
        assert_eq!(paths, [path]);
        assert_eq!(
            notes,
            [
                "Read `course-main/exercises/03-gather/` as `exercises/03-gather/` (a folder \
              wrapping your lessons)"
            ]
        );
    }

    #[test]
    fn a_lesson_folder_without_src_is_read_as_its_src() {
        let (paths, notes) = read(
            "alice",
            vec![
                ("exercises/03-gather/lib.rs", source("x")),
                ("exercises/03-gather/helpers/more.rs", source("y")),
                (
                    "exercises/03-gather/tests/mine.rs",
                    Found::Other { same: false },
                ),
            ],
        );
        assert_eq!(
            paths,
            [
                "exercises/03-gather/src/lib.rs",
                "exercises/03-gather/src/helpers/more.rs",
                "exercises/03-gather/tests/mine.rs"
            ]
        );
        assert_eq!(
            notes,
            [
                "Read `exercises/03-gather/` as `exercises/03-gather/src/` (a lesson folder \
              without src/)"
            ]
        );
    }

    #[test]
    fn a_loose_file_beside_src_is_another_file_not_a_source() {
        let files = vec![
            (PathBuf::from("exercises/03-gather/src/lib.rs"), source("x")),
            (PathBuf::from("exercises/03-gather/lib.rs"), source("old")),
        ];
        let (files, notes) = normalise(&lessons(), "a", files, &|_, _| None);
        assert!(notes.is_empty(), "{notes:?}");
        assert!(matches!(files[1].1, Found::Other { same: false }));
    }

    #[test]
    fn a_bare_src_is_read_as_the_lesson_its_folder_names() {
        for folder in ["03", "gather", "exercise-03", "Exercise_03"] {
            let path = format!("{folder}/src/lib.rs");
            let (paths, notes) = read("alice", vec![(&path, source("fn other() {}"))]);
            assert_eq!(paths, ["exercises/03-gather/src/lib.rs"], "{folder}");
            assert_eq!(
                notes,
                [format!(
                    "Read `{folder}/src/` as `exercises/03-gather/src/` (its folder `{folder}` \
                     names that lesson)"
                )]
            );
        }
    }

    #[test]
    fn a_bare_src_is_read_as_the_one_lesson_whose_functions_it_defines() {
        let lib = "pub async fn send_to_all<T>(x: T) {}\nmod m;";
        let (paths, notes) = read(
            "alice",
            vec![("src/lib.rs", source(lib)), ("src/m.rs", source(""))],
        );
        assert_eq!(
            paths,
            [
                "exercises/03-gather/src/lib.rs",
                "exercises/03-gather/src/m.rs"
            ]
        );
        assert_eq!(
            notes,
            ["Read `src/` as `exercises/03-gather/src/` (it defines that lesson's `send_to_all`)"]
        );
    }

    #[test]
    fn an_ambiguous_bare_src_is_refused_with_the_exact_fix() {
        for (lib, why) in [
            (
                "fn tick() {} fn send_to_all() {}",
                "it defines functions of lessons 01-tick, 03-gather",
            ),
            (
                "fn ticking() {} // send_to_all",
                "it defines none of the functions a lesson asks for",
            ),
        ] {
            let (paths, notes) = read("alice", vec![("src/lib.rs", source(lib))]);
            assert!(paths.is_empty(), "{paths:?}");
            assert_eq!(
                notes,
                [format!(
                    "Not graded: `src/lib.rs` is not in a lesson folder, and {why}; put it at \
                     `exercises/<lesson>/src/lib.rs` (for example `exercises/01-tick/src/lib.rs`) \
                     and hand in again"
                )]
            );
        }
    }

    #[test]
    fn a_bare_src_is_ignored_beside_a_lesson_folder() {
        let (paths, notes) = read(
            "alice",
            vec![
                ("exercises/01-tick/src/lib.rs", source("x")),
                ("src/lib.rs", source("fn send_to_all() {}")),
            ],
        );
        assert_eq!(paths, ["exercises/01-tick/src/lib.rs"]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn bare_sources_are_only_looked_for_near_the_top_and_outside_a_workspace() {
        assert!(is_bare_source(Path::new("src/lib.rs")));
        assert!(is_bare_source(Path::new("hw/gather/src/a/b.rs")));
        assert!(!is_bare_source(Path::new("a/b/c/src/lib.rs")));
        assert!(!is_bare_source(Path::new("exercises/timeline/src/lib.rs")));
        assert!(!is_bare_source(Path::new("target/src/lib.rs")));
        assert!(!is_bare_source(Path::new("src/notes.txt")));
    }

    #[test]
    fn loose_sources_leave_out_tests_and_build_scripts() {
        assert!(is_loose_source(Path::new("lib.rs")));
        assert!(is_loose_source(Path::new("inner/mod.rs")));
        for path in [
            "build.rs",
            "tests/a.rs",
            "src/lib.rs",
            "examples/e.rs",
            "Cargo.toml",
        ] {
            assert!(!is_loose_source(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn a_stub_s_public_functions_are_its_lesson_s() {
        let stub = "pub async fn tick(n: u32) {}\n    pub fn count_to<T>() {}\nfn private() {}\n";
        assert_eq!(stub_functions(stub), ["tick", "count_to"]);
    }
}
