//! Report: every output of a grading run, written from the same verdicts.
//!
//! - the terminal table ([`table`]),
//! - `gradebook.csv` ([`gradebook`]),
//! - `results.json`, and Gradescope's per-student format on request ([`results`]),
//! - `junit.xml` ([`junit`]),
//! - `feedback/<student>.md` ([`feedback`]).

pub mod feedback;
pub mod gradebook;
pub mod junit;
pub mod results;
pub mod table;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::Course;
use crate::verdict::{Expectations, Graded};

/// What a grading run produced, plus what it could not take in.
#[derive(Debug)]
pub struct Report<'a> {
    /// The course graded against.
    pub course: &'a Course,
    /// The exercises graded, in course order (all of them unless filtered).
    pub slugs: Vec<String>,
    /// One per student, sorted by id.
    pub graded: &'a [Graded],
    /// Entries of the submissions folder that were not graded, with the reason.
    pub skipped: &'a [String],
    /// The expected runs, for the diffs of visible tests.
    pub expected: &'a Expectations,
    /// The protections test processes ran under, in words.
    pub protections: Vec<String>,
}

/// Writes every file report into `out`; returns the paths written.
pub fn write_all(report: &Report<'_>, out: &Path, gradescope: bool) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let mut written = vec![
        write(out, "gradebook.csv", &gradebook::csv(report))?,
        write(out, "results.json", &results::json(report)?)?,
        write(out, "junit.xml", &junit::xml(report)?)?,
    ];
    let feedback_dir = out.join("feedback");
    for graded in report.graded {
        let name = format!("{}.md", file_name(&graded.id));
        written.push(write(
            &feedback_dir,
            &name,
            &feedback::markdown(report, graded),
        )?);
    }
    if gradescope {
        for graded in report.graded {
            let dir = out.join("gradescope").join(file_name(&graded.id));
            written.push(write(
                &dir,
                "results.json",
                &results::gradescope(report, graded)?,
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

/// A student id made safe as a file name.
pub fn file_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() || safe.starts_with('.') {
        format!("_{safe}")
    } else {
        safe
    }
}

impl Report<'_> {
    /// Points of a student in one exercise: `None` when not submitted.
    pub fn points(&self, graded: &Graded, slug: &str) -> Option<(u32, u32)> {
        graded
            .exercises
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
    pub fn total(&self, graded: &Graded) -> (u32, u32) {
        self.slugs.iter().fold((0, 0), |(got, max), slug| {
            let points = self.points(graded, slug).map_or(0, |(p, _)| p);
            (got + points, max + self.max_points(slug))
        })
    }
}
