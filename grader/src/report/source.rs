//! Source: the typed verdicts every report of a run is rendered from, kept in
//! `results.json` (its `source` key) so that a later run can read them back.
//!
//! Two commands build on that:
//! - a partial regrade (`grade -s ID` or `-e LESSON` into an `--out` that already holds a
//!   class) replaces only the cells it graded ([`Source::update`]);
//! - `grader merge` puts the shards of one class (`grade --shard K/N`) back together
//!   ([`merge`]), checking that they come from the same course and grader and cover the
//!   class exactly once.
//!
//! Both refuse to mix verdicts of two versions of the course or the grader.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::row::{HandInOutcome, Row};
use crate::course::Course;
use crate::fingerprint::Versions;

/// One part of a class: the K-th of N (`--shard K/N`, K from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which part, from 1.
    pub k: usize,
    /// Of how many.
    pub n: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("`{text}` is not a shard: write K/N, e.g. `--shard 2/4`");
        let (k, n) = text.split_once('/').ok_or_else(usage)?;
        let k: usize = k.trim().parse().map_err(|_| usage())?;
        let n: usize = n.trim().parse().map_err(|_| usage())?;
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "shard {k}/{n}: K must be between 1 and N (the first of 4 is 1/4)"
            ));
        }
        Ok(Shard { k, n })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// Whether the student at `index` of a class of `len` (sorted by id) is in this shard.
    /// The shards are contiguous runs of the class, as even as can be.
    pub fn takes(self, index: usize, len: usize) -> bool {
        index * self.n / len.max(1) + 1 == self.k
    }

    /// Whether this shard reports the class-wide intake notes (entries that are not a
    /// student): the first one does, so a merge lists them once.
    pub fn reports_intake(self) -> bool {
        self.k == 1
    }
}

/// Everything the reports of one run are rendered from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    /// The course's and the grader's versions the verdicts were decided with.
    pub versions: Versions,
    /// The part of the class this run graded (`None`: all of it).
    pub shard: Option<Shard>,
    /// Every student id of the whole class, shards and filters aside: what a merge must
    /// cover.
    pub class: Vec<String>,
    /// The exercises graded, in course order.
    pub slugs: Vec<String>,
    /// One per entry graded or not, and per roster student who handed in nothing, sorted
    /// by id.
    pub rows: Vec<Row>,
    /// Entries of the submissions folder that are no student's, with the reason.
    pub skipped: Vec<String>,
    /// Whether a roster was given.
    pub roster: bool,
    /// The protections test processes ran under, in words.
    pub protections: Vec<String>,
    /// How the compiler was confined, in words (`None`: not at all).
    pub compiler_protections: Option<String>,
}

/// Just the `source` key of a `results.json`.
#[derive(Deserialize)]
struct Stored {
    source: Source,
}

/// Reads the source of the `results.json` in `out`; `None` when there is none.
pub fn load(out: &Path) -> Result<Option<Source>> {
    let path = out.join("results.json");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let stored: Stored = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} was not written by this version of the grader (no readable `source`); \
             grade the whole class again, or write to another --out",
            path.display()
        )
    })?;
    Ok(Some(stored.source))
}

impl Source {
    /// The class after a partial regrade: `fresh` (a run over `students`, all when empty,
    /// and `slugs`) replaces exactly those cells of `self`; every other row and cell stays.
    /// Refuses when the two were decided by another course or grader.
    /// `order` is every lesson slug of the course, in course order.
    pub fn update(
        self,
        fresh: Source,
        students: &[String],
        slugs: &[String],
        order: &[String],
    ) -> Result<Source> {
        same_versions(
            &self.versions,
            &fresh.versions,
            "the earlier run in --out",
            "this run",
        )?;
        let regraded: BTreeSet<String> = fresh.rows.iter().map(|r| r.id.to_string()).collect();
        let chosen = |id: &str| students.is_empty() || students.iter().any(|s| s == id);
        let mut rows: BTreeMap<String, Row> = self
            .rows
            .into_iter()
            .map(|r| (r.id.to_string(), r))
            .collect();
        for mut row in fresh.rows {
            if let Some(old) = rows.remove(row.id.as_str())
                && let (HandInOutcome::Graded(new), HandInOutcome::Graded(before)) =
                    (&mut row.outcome, old.outcome)
            {
                new.extend(before.into_iter().filter(|e| !slugs.contains(&e.slug)));
                new.sort_by_key(|e| order.iter().position(|s| *s == e.slug));
            }
            rows.insert(row.id.to_string(), row);
        }
        // A chosen student who handed in nothing of the chosen lessons this time loses those
        // cells (their row was not in `fresh`).
        for row in rows.values_mut() {
            if chosen(row.id.as_str())
                && !regraded.contains(row.id.as_str())
                && let HandInOutcome::Graded(exercises) = &mut row.outcome
            {
                exercises.retain(|e| !slugs.contains(&e.slug));
            }
        }
        let class: BTreeSet<String> = self.class.into_iter().chain(fresh.class).collect();
        let slugs: Vec<String> = order
            .iter()
            .filter(|s| self.slugs.contains(s) || fresh.slugs.contains(s))
            .cloned()
            .collect();
        Ok(Source {
            versions: fresh.versions,
            shard: None,
            class: class.into_iter().collect(),
            slugs,
            rows: rows.into_values().collect(),
            skipped: fresh.skipped,
            roster: self.roster || fresh.roster,
            protections: fresh.protections,
            compiler_protections: fresh.compiler_protections,
        })
    }

    /// Refuses a source decided by another course or grader than the running one.
    pub fn check_current(&self, current: &Versions, what: &str) -> Result<()> {
        same_versions(&self.versions, current, what, "this grader and course")
    }
}

/// Puts the shards of one class back together: the same gradebook as one run over the
/// class. Each shard is `(the folder it was read from, its source)`.
pub fn merge(shards: Vec<(PathBuf, Source)>) -> Result<Source> {
    let Some((first_dir, first)) = shards.first().cloned() else {
        bail!("nothing to merge: name the --out folders of the shards");
    };
    let n = match first.shard {
        Some(shard) => shard.n,
        None => bail!(
            "{} holds a whole class, not a shard (it was not graded with --shard K/N)",
            first_dir.display()
        ),
    };
    let mut seen: BTreeMap<usize, PathBuf> = BTreeMap::new();
    let mut owner: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut merged = first.clone();
    merged.rows.clear();
    merged.skipped.clear();
    merged.shard = None;
    for (dir, shard) in shards {
        let what = format!("{}", dir.display());
        same_versions(
            &first.versions,
            &shard.versions,
            &first_dir.display().to_string(),
            &what,
        )?;
        let Some(part) = shard.shard else {
            bail!("{what} holds a whole class, not a shard (it was not graded with --shard K/N)");
        };
        if part.n != n {
            bail!(
                "{what} is shard {part} but {} is one of {n}: grade every shard with the same N",
                first_dir.display()
            );
        }
        if let Some(other) = seen.insert(part.k, dir.clone()) {
            bail!("{what} and {} are both shard {part}", other.display());
        }
        if shard.class != first.class || shard.slugs != first.slugs {
            bail!(
                "{what} and {} graded different classes or lessons: grade every shard from \
                 the same submissions folder with the same -e options",
                first_dir.display()
            );
        }
        for row in shard.rows {
            if let Some(other) = owner.insert(row.id.to_string(), dir.clone()) {
                bail!(
                    "student `{}` was graded in both {} and {what}",
                    row.id,
                    other.display()
                );
            }
            merged.rows.push(row);
        }
        merged.skipped.extend(shard.skipped);
    }
    let missing: Vec<usize> = (1..=n).filter(|k| !seen.contains_key(k)).collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|k| format!("{k}/{n}")).collect();
        bail!(
            "shard(s) {} missing: merge all {n} shards",
            names.join(", ")
        );
    }
    let unowned: Vec<&String> = first
        .class
        .iter()
        .filter(|id| !owner.contains_key(*id))
        .collect();
    if !unowned.is_empty() {
        bail!("student(s) {unowned:?} of the class are in no shard: merge all shards of one class");
    }
    merged.rows.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(merged)
}

/// Refuses two sets of verdicts decided by different versions.
fn same_versions(a: &Versions, b: &Versions, a_name: &str, b_name: &str) -> Result<()> {
    if a == b {
        return Ok(());
    }
    let mut changed = Vec::new();
    if a.course != b.course {
        changed.push(format!("the course ({} vs {})", a.course, b.course));
    }
    if a.grader != b.grader {
        changed.push(format!("the grader ({} vs {})", a.grader, b.grader));
    }
    bail!(
        "{a_name} and {b_name} were graded with different versions: {} differ. Verdicts of two \
         versions are never mixed: grade the whole class again with one grader and course",
        changed.join(" and ")
    )
}

/// Students of `class` (sorted ids) that `shard` grades.
pub fn shard_of(class: &[String], shard: Option<Shard>) -> Vec<String> {
    match shard {
        None => class.to_vec(),
        Some(shard) => class
            .iter()
            .enumerate()
            .filter(|(i, _)| shard.takes(*i, class.len()))
            .map(|(_, id)| id.clone())
            .collect(),
    }
}

/// Whether `course` is where the slugs of `source` still are (a merge renders with it).
pub fn knows_lessons(course: &Course, source: &Source) -> Result<()> {
    for slug in &source.slugs {
        if course.find(slug).is_none() {
            bail!("the course has no lesson `{slug}` any more; use the grader that graded it");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::verdict::{ExerciseVerdict, Fate};

    fn versions(course: &str) -> Versions {
        Versions {
            grader: "0.1.0+abc".into(),
            course: course.into(),
        }
    }

    fn cell(slug: &str, fate: Fate) -> ExerciseVerdict {
        ExerciseVerdict {
            slug: slug.into(),
            tests: Vec::new(),
            fate,
        }
    }

    fn row(id: &str, cells: &[(&str, Fate)]) -> Row {
        Row {
            id: id.into(),
            name: None,
            lms_id: None,
            entry: Some(id.into()),
            notes: Vec::new(),
            outcome: HandInOutcome::Graded(cells.iter().map(|(s, f)| cell(s, f.clone())).collect()),
        }
    }

    fn source(class: &[&str], rows: Vec<Row>, shard: Option<Shard>) -> Source {
        Source {
            versions: versions("c1"),
            shard,
            class: class.iter().map(|s| s.to_string()).collect(),
            slugs: vec!["01".into(), "02".into()],
            rows,
            skipped: Vec::new(),
            roster: false,
            protections: Vec::new(),
            compiler_protections: None,
        }
    }

    fn ids(source: &Source) -> Vec<&str> {
        source.rows.iter().map(|r| r.id.as_str()).collect()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_shard_is_read_as_k_of_n_and_nothing_else() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { k: 2, n: 4 }));
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3", ""] {
            let error = bad.parse::<Shard>().unwrap_err();
            assert!(error.contains("K"), "{bad}: {error}");
        }
    }

    #[test]
    fn the_shards_of_any_class_cover_it_exactly_once_in_contiguous_parts() {
        for len in 0..40 {
            for n in 1..7 {
                let class: Vec<String> = (0..len).map(|i| format!("s{i:03}")).collect();
                let parts: Vec<Vec<String>> = (1..=n)
                    .map(|k| shard_of(&class, Some(Shard { k, n })))
                    .collect();
                assert_eq!(parts.concat(), class, "{len} students in {n} shards");
                let sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
                let (min, max) = (sizes.iter().min(), sizes.iter().max());
                assert!(max.unwrap() - min.unwrap() <= 1, "{len}/{n}: {sizes:?}");
            }
        }
    }

    #[test]
    fn a_partial_regrade_replaces_only_its_cells() {
        let before = source(
            &["alice", "bob", "carol"],
            vec![
                row("alice", &[("01", Fate::Ran), ("02", Fate::Ran)]),
                row("bob", &[("01", Fate::Ran), ("02", Fate::Ran)]),
                row("carol", &[("01", Fate::Ran)]),
            ],
            None,
        );
        let mut fresh = source(
            &["alice", "bob", "carol"],
            vec![row("bob", &[("02", Fate::NotCompiled("E0308".into()))])],
            None,
        );
        fresh.slugs = vec!["02".into()];
        let order = strings(&["01", "02"]);
        let after = before
            .clone()
            .update(fresh, &strings(&["bob"]), &strings(&["02"]), &order)
            .unwrap();
        assert_eq!(ids(&after), ["alice", "bob", "carol"]);
        assert_eq!(after.slugs, order);
        assert_eq!(after.rows[0].exercises().len(), 2, "alice untouched");
        let bob: Vec<(&str, &Fate)> = after.rows[1]
            .exercises()
            .iter()
            .map(|e| (e.slug.as_str(), &e.fate))
            .collect();
        assert!(bob.contains(&("01", &Fate::Ran)), "bob keeps lesson 01");
        assert!(bob.contains(&("02", &Fate::NotCompiled("E0308".into()))));
        assert_eq!(bob.len(), 2);
    }

    #[test]
    fn a_regraded_student_who_no_longer_hands_in_a_lesson_loses_that_cell_only() {
        let before = source(
            &["alice", "bob"],
            vec![
                row("alice", &[("01", Fate::Ran)]),
                row("bob", &[("01", Fate::Ran), ("02", Fate::Ran)]),
            ],
            None,
        );
        let fresh = source(&["alice", "bob"], Vec::new(), None);
        let after = before
            .update(
                fresh,
                &strings(&["bob"]),
                &strings(&["02"]),
                &strings(&["01", "02"]),
            )
            .unwrap();
        let bob: Vec<&str> = after.rows[1]
            .exercises()
            .iter()
            .map(|e| e.slug.as_str())
            .collect();
        assert_eq!(bob, ["01"]);
        assert_eq!(after.rows[0].exercises().len(), 1);
    }

    #[test]
    fn verdicts_of_another_course_or_grader_are_never_mixed() {
        let before = source(&["alice"], vec![row("alice", &[("01", Fate::Ran)])], None);
        let mut fresh = before.clone();
        fresh.versions = versions("c2");
        let error = before
            .update(fresh, &[], &strings(&["01"]), &strings(&["01"]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("the course (c1 vs c2)"), "{error}");
    }

    fn shards(class: &[&str], n: usize) -> Vec<(PathBuf, Source)> {
        let everyone = strings(class);
        (1..=n)
            .map(|k| {
                let shard = Shard { k, n };
                let graded = shard_of(&everyone, Some(shard))
                    .iter()
                    .map(|id| row(id, &[("01", Fate::Ran)]))
                    .collect();
                (
                    PathBuf::from(format!("out{k}")),
                    source(class, graded, Some(shard)),
                )
            })
            .collect()
    }

    #[test]
    fn shards_merge_into_the_whole_class_in_id_order() {
        let class = ["ann", "bob", "cid", "dan", "eve"];
        let mut parts = shards(&class, 3);
        parts.reverse();
        let merged = merge(parts).unwrap();
        assert_eq!(ids(&merged), class);
        assert_eq!(merged.shard, None);
    }

    #[test]
    fn a_merge_refuses_what_is_not_one_class_covered_exactly_once() {
        let class = ["ann", "bob", "cid", "dan"];
        let error = |parts: Vec<(PathBuf, Source)>| merge(parts).unwrap_err().to_string();

        let mut missing = shards(&class, 3);
        missing.remove(1);
        assert!(error(missing).contains("shard(s) 2/3 missing"));

        let mut twice = shards(&class, 2);
        twice.push(twice[0].clone());
        assert!(error(twice).contains("are both shard 1/2"));

        let mut overlap = shards(&class, 2);
        overlap[1].1.rows.push(row("ann", &[]));
        assert!(error(overlap).contains("student `ann` was graded in both"));

        let mut other_course = shards(&class, 2);
        other_course[1].1.versions = versions("c2");
        assert!(error(other_course).contains("different versions"));

        let mut other_n = shards(&class, 2);
        other_n[1].1.shard = Some(Shard { k: 2, n: 3 });
        assert!(error(other_n).contains("same N"));

        let mut whole = shards(&class, 2);
        whole[0].1.shard = None;
        assert!(error(whole).contains("not a shard"));

        let mut other_class = shards(&class, 2);
        other_class[1].1.class.push("zed".into());
        assert!(error(other_class).contains("different classes"));

        let mut lost = shards(&class, 2);
        lost[1].1.rows.pop();
        assert!(error(lost).contains("in no shard"));
    }
}
