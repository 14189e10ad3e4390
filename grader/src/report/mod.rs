//! Report: every output of a grading run, written from the same verdicts.
//!
//! - the terminal table ([`table`]),
//! - `gradebook.csv` ([`gradebook`]),
//! - `results.json`, and Gradescope's per-student format on request ([`results`]),
//! - `junit.xml` ([`junit`]),
//! - `feedback/<student>.md` ([`feedback`]), in English or Russian ([`lang`]): its
//!   sentences in [`words`], the symptoms' words and hints in [`symptom`],
//! - `report.html`, the class at a glance ([`html`]).
//!
//! Each has one [`row::Row`] per entry of the submissions folder (graded or saying why
//! not) and per roster student who handed in nothing. Every file is rendered from one
//! [`source::Source`], which `results.json` keeps.

pub mod feedback;
pub mod gradebook;
pub mod html;
pub mod junit;
pub mod lang;
pub mod listing;
pub mod results;
pub mod row;
pub mod source;
pub mod symptom;
pub mod table;
pub mod words;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::Digest as _;

use crate::course::Course;
use crate::fingerprint::Versions;
use crate::pipeline::verdict::Expectations;
use row::Row;

/// What a grading run produced, plus what it could not take in.
#[derive(Debug)]
pub struct Report<'a> {
    /// The course graded against.
    pub course: &'a Course,
    /// The exercises graded, in course order (all of them unless filtered).
    pub slugs: Vec<String>,
    /// One per entry of the submissions folder and per roster student who handed in
    /// nothing, sorted by id.
    pub rows: &'a [Row],
    /// Entries of the submissions folder that are no student's (the grader's own output,
    /// hidden files), with the reason.
    pub skipped: &'a [String],
    /// Whether a roster was given (the gradebook then has name and LMS id columns).
    pub roster: bool,
    /// The expected runs, for the diffs of visible tests.
    pub expected: &'a Expectations,
    /// The protections test processes ran under, in words.
    pub protections: Vec<String>,
    /// How the compiler was confined, in words (`None`: not at all).
    pub compiler_protections: Option<String>,
    /// The course's and the grader's versions the verdicts were decided with.
    pub versions: &'a Versions,
    /// The part of the class graded (`None`: all of it).
    pub shard: Option<source::Shard>,
    /// Every student id of the whole class (what a merge of shards must cover).
    pub class: &'a [String],
    /// The language of the feedback (and of the test texts in JUnit and Gradescope).
    pub lang: lang::Lang,
}

impl<'a> Report<'a> {
    /// The report of `source`: what every file is rendered from.
    pub fn of(
        course: &'a Course,
        source: &'a source::Source,
        expected: &'a Expectations,
        lang: lang::Lang,
    ) -> Self {
        Report {
            lang,
            course,
            slugs: source.slugs.clone(),
            rows: &source.rows,
            skipped: &source.skipped,
            roster: source.roster,
            expected,
            protections: source.protections.clone(),
            compiler_protections: source.compiler_protections.clone(),
            versions: &source.versions,
            shard: source.shard,
            class: &source.class,
        }
    }

    /// What `results.json` keeps to render this report again ([`source`]), without the run
    /// of any passing hidden test (that run is the hidden expected output).
    pub fn source(&self) -> source::Source {
        let mut rows = self.rows.to_vec();
        for row in &mut rows {
            if let row::HandInOutcome::Graded(exercises) = &mut row.outcome {
                for exercise in exercises {
                    *exercise = crate::pipeline::cache::without_hidden_runs(exercise);
                }
            }
        }
        source::Source {
            versions: self.versions.clone(),
            shard: self.shard,
            class: self.class.to_vec(),
            slugs: self.slugs.clone(),
            rows,
            skipped: self.skipped.to_vec(),
            roster: self.roster,
            protections: self.protections.clone(),
            compiler_protections: self.compiler_protections.clone(),
        }
    }
}

#[cfg(test)]
impl<'a> Report<'a> {
    /// A report of `rows` for unit tests: no roster, no protections, made-up versions.
    pub(crate) fn for_tests(
        course: &'a Course,
        slugs: Vec<String>,
        rows: &'a [Row],
        expected: &'a Expectations,
        lang: lang::Lang,
    ) -> Report<'a> {
        static VERSIONS: std::sync::LazyLock<Versions> = std::sync::LazyLock::new(|| Versions {
            grader: "g".into(),
            course: "c".into(),
        });
        Report {
            course,
            slugs,
            rows,
            skipped: &[],
            roster: false,
            expected,
            protections: Vec::new(),
            compiler_protections: None,
            versions: &VERSIONS,
            shard: None,
            class: &[],
            lang,
        }
    }
}

/// Writes every file report into `out`; returns the paths written.
pub fn write_all(report: &Report<'_>, out: &Path, gradescope: bool) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let mut written = vec![
        write(out, "gradebook.csv", &gradebook::csv(report)?)?,
        write(out, "results.json", &results::json(report)?)?,
        write(out, "junit.xml", &junit::xml(report)?)?,
        write(out, "report.html", &html::page(report))?,
    ];
    let feedback_dir = out.join("feedback");
    for row in report.rows {
        let name = format!("{}.md", file_name(&row.id));
        written.push(write(
            &feedback_dir,
            &name,
            &feedback::markdown(report, row),
        )?);
    }
    if gradescope {
        for row in report.rows {
            let dir = out.join("gradescope").join(file_name(&row.id));
            written.push(write(
                &dir,
                "results.json",
                &results::gradescope(report, row)?,
            )?);
        }
    }
    Ok(written)
}

fn write(dir: &Path, name: &str, contents: &str) -> Result<PathBuf> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(name);
    fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// A student id made safe as a file name: a pure function of the id, so the name is the
/// same in every run, regrade and merge, and two ids never share a file.
///
/// An id of lower-case ASCII letters, digits, `-` and `_` is its own name (`alice`).
/// Any other id keeps its letters and digits (Unicode included, `_` for the rest) and gets
/// `.` and a hash of the whole id: `Олег.1f0c2a9d`, `Nina_Petrova.8b3e…`. The hash tells
/// apart what a case-insensitive or Unicode-normalising file system would merge (`Alice`
/// and `alice`, `Nina Petrova` and `Nina_Petrova`, the two encodings of `й`), and the `.`
/// keeps hashed names apart from plain ones, which never contain it.
pub fn file_name(id: &str) -> String {
    let plain = !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
        && !is_reserved(id);
    if plain {
        return id.to_string();
    }
    let readable: String = id
        .chars()
        .take(40)
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = sha2::Sha256::digest(id.as_bytes());
    let hash: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    let lead = if readable.is_empty() || readable.starts_with('-') {
        "_"
    } else {
        ""
    };
    format!("{lead}{readable}.{hash}")
}

/// Names Windows refuses for a file (an instructor may copy the feedback folder there).
fn is_reserved(id: &str) -> bool {
    let reserved = ["con", "prn", "aux", "nul"];
    reserved.contains(&id)
        || ((id.starts_with("com") || id.starts_with("lpt"))
            && id.len() == 4
            && id.as_bytes()[3].is_ascii_digit())
}

impl Report<'_> {
    /// Points of a student in one exercise: `None` when not handed in (or not graded).
    pub fn points(&self, row: &Row, slug: &str) -> Option<(u32, u32)> {
        row.exercises()
            .iter()
            .find(|e| e.slug == slug)
            .map(|e| (e.points(), e.max_points()))
    }

    /// The most points an exercise gives.
    pub fn max_points(&self, slug: &str) -> u32 {
        self.course
            .exercises
            .iter()
            .find(|e| e.slug == slug)
            .map_or(0, |e| e.max_points())
    }

    /// A student's total and the course maximum over the graded exercises.
    pub fn total(&self, row: &Row) -> (u32, u32) {
        self.slugs.iter().fold((0, 0), |(got, max), slug| {
            let points = self.points(row, slug).map_or(0, |(p, _)| p);
            (got + points, max + self.max_points(slug))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn plain_ids_are_their_own_file_names() {
        for id in ["alice", "s-01", "ivan_petrov", "b2"] {
            assert_eq!(file_name(id), id);
        }
    }

    #[test]
    fn ids_that_file_systems_would_merge_get_names_of_their_own() {
        let ids = [
            "Олег",
            "Иван",
            "Nina Petrova",
            "Nina_Petrova",
            "Alice",
            "alice",
            "ALICE",
            "й",              // U+0439, one code point
            "\u{438}\u{306}", // the same letter, decomposed
            "",
            ".hidden",
            "-rf",
            "con",
            "a/b",
            "../x",
        ];
        let names: Vec<String> = ids.iter().map(|id| file_name(id)).collect();
        let folded: std::collections::BTreeSet<String> =
            names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(folded.len(), ids.len(), "{names:?}");
        for name in &names {
            assert!(!name.is_empty() && !name.starts_with('.') && !name.starts_with('-'));
            assert!(!name.contains('/') && !name.contains('\\'), "{name}");
        }
        assert!(names[0].starts_with("Олег."), "{}", names[0]);
        assert_eq!(file_name("Олег"), names[0], "a pure function of the id");
    }
}
