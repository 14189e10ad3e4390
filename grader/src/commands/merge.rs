//! `grader merge`: the shards of one class (`grade --shard K/N`) back into one set of
//! reports, as if one run had graded the whole class.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::course::Course;
use crate::fingerprint::Fingerprint;
use crate::pipeline::verdict::Expectations;
use crate::report::lang::Lang;
use crate::report::source::{self, Source};
use crate::report::{self, Report};

/// Reads every shard's `results.json` and merges them; refuses shards that do not come
/// from this course and grader or do not cover their class exactly once.
pub fn merge(course: &Course, dirs: &[PathBuf]) -> Result<Source> {
    let mut shards = Vec::new();
    for dir in dirs {
        match source::load(dir)? {
            Some(shard) => shards.push((dir.clone(), shard)),
            None => bail!(
                "{} holds no results.json: name the --out folder of each `grade --shard K/N` run",
                dir.display()
            ),
        }
    }
    let merged = source::merge(shards)?;
    let current = Fingerprint::of(course)?;
    merged.check_current(&current.versions, "the shards")?;
    source::knows_lessons(course, &merged)?;
    Ok(merged)
}

/// Writes every report of `merged` into `out`; returns the terminal table.
pub fn write(
    course: &Course,
    merged: &Source,
    out: &Path,
    gradescope: bool,
    lang: Lang,
) -> Result<String> {
    let expectations = Expectations::load(course)?;
    let report = Report::of(course, merged, &expectations, lang);
    report::write_all(&report, out, gradescope)?;
    Ok(report::table::render(&report))
}
