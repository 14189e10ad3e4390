//! Roster: the class list (`grade --roster FILE`), so that a student who handed in nothing
//! still gets a row, an entry nobody expected is named, and the gradebook carries names
//! and LMS ids.
//!
//! The file is CSV as spreadsheets and LMSs export it: one student a line, `id,name` or
//! `id,name,lms_id`; a first line starting `id` (or `student`) is a header; a UTF-8 BOM,
//! quoted fields and `;` as the separator (what a spreadsheet in a Russian locale writes)
//! are fine. The id is the name of the student's entry in the submissions folder (without
//! its extension), Unicode and spaces kept.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::pipeline::pair::StudentId;

/// One student of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The id (the entry's name in the submissions folder).
    pub id: StudentId,
    /// The student's name, as the roster spells it.
    pub name: String,
    /// The student's id in the LMS, if the roster has one.
    pub lms_id: Option<String>,
}

/// The class list, in the roster's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Every student, once.
    pub students: Vec<Enrolled>,
}

impl Roster {
    /// Reads the roster at `path`.
    pub fn read(path: &Path) -> Result<Roster> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read the roster {} (a UTF-8 CSV file: id,name[,lms_id])",
                path.display()
            )
        })?;
        Roster::parse(&text).with_context(|| format!("the roster {} is not usable", path.display()))
    }

    /// Parses a roster's text; the error names the line to fix.
    pub fn parse(text: &str) -> Result<Roster> {
        let text = text.trim_start_matches('\u{feff}');
        let first = text.lines().next().unwrap_or_default();
        let separator = if first.contains(';') && !first.contains(',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(separator)
            .from_reader(text.as_bytes());
        let mut students = Vec::new();
        let mut lines: BTreeMap<StudentId, u64> = BTreeMap::new();
        for (index, record) in reader.records().enumerate() {
            let record = record.context("it is not valid CSV")?;
            let line = record.position().map_or(index as u64 + 1, |p| p.line());
            let field = |i: usize| record.get(i).unwrap_or_default();
            if index == 0
                && ["id", "student", "student id"].contains(&field(0).to_lowercase().as_str())
            {
                continue;
            }
            if record.iter().all(str::is_empty) {
                continue;
            }
            if field(0).is_empty() || field(1).is_empty() || record.len() > 3 {
                bail!(
                    "line {line} (`{}`) is not `id,name` or `id,name,lms_id`; fix it or remove it",
                    record.iter().collect::<Vec<_>>().join(",")
                );
            }
            let id = StudentId::from(field(0));
            if let Some(earlier) = lines.insert(id.clone(), line) {
                bail!("student `{id}` is on lines {earlier} and {line}; keep one of them");
            }
            students.push(Enrolled {
                id,
                name: field(1).to_string(),
                lms_id: Some(field(2)).filter(|l| !l.is_empty()).map(str::to_string),
            });
        }
        Ok(Roster { students })
    }

    /// The roster's entry for `id`.
    pub fn get(&self, id: &str) -> Option<&Enrolled> {
        self.students.iter().find(|s| s.id == *id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(roster: &Roster) -> Vec<(&str, &str, Option<&str>)> {
        roster
            .students
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str(), s.lms_id.as_deref()))
            .collect()
    }

    #[test]
    fn reads_ids_names_and_lms_ids_as_spreadsheets_write_them() {
        let text = "\u{feff}id,name,lms_id\n\
                    alice,Alice Smith,1001\n\
                    Олег,\"Олег Петров\",\n\
                    \n\
                    Nina Petrova,\"Petrova, Nina\", 1003\n\
                    bob,Bob\n";
        let roster = Roster::parse(text).unwrap();
        assert_eq!(
            ids(&roster),
            [
                ("alice", "Alice Smith", Some("1001")),
                ("Олег", "Олег Петров", None),
                ("Nina Petrova", "Petrova, Nina", Some("1003")),
                ("bob", "Bob", None),
            ]
        );
        assert_eq!(roster.get("Олег").unwrap().name, "Олег Петров");
        assert!(roster.get("олег").is_none());
    }

    #[test]
    fn reads_semicolons_and_no_header() {
        let roster = Roster::parse("Иван;Иван Иванов;7\nalice;Alice\n").unwrap();
        assert_eq!(
            ids(&roster),
            [("Иван", "Иван Иванов", Some("7")), ("alice", "Alice", None)]
        );
    }

    #[test]
    fn refuses_what_it_cannot_read_naming_the_line() {
        for (text, words) in [
            ("alice,Alice\nbob\n", "line 2 (`bob`) is not `id,name`"),
            ("alice,Alice\n,Nobody\n", "line 2 (`,Nobody`)"),
            ("a,A,1,extra\n", "line 1 (`a,A,1,extra`)"),
            (
                "alice,Alice\nbob,Bob\nalice,Alice B\n",
                "student `alice` is on lines 1 and 3",
            ),
        ] {
            let error = format!("{:#}", Roster::parse(text).unwrap_err());
            assert!(error.contains(words), "{text:?}: {error}");
        }
    }

    #[test]
    fn an_empty_roster_has_no_students() {
        assert_eq!(Roster::parse("id,name\n").unwrap(), Roster::default());
    }
}
