//! Row: one line of every report (the table, `gradebook.csv`, `results.json`,
//! `junit.xml`) and one feedback file. There is one per entry of the submissions folder,
//! graded or not, and one per roster student who handed in nothing: no hand-in is ever
//! left out of a report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::pipeline::discover::FORMS;
use crate::pipeline::pair::StudentId;
use crate::pipeline::roster::Roster;
use crate::pipeline::submission::{NotGradable, Submission};
use crate::pipeline::verdict::{ExerciseVerdict, Graded};

/// What became of one student's hand-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandInOutcome {
    /// Read and graded: the lessons handed in, in course order.
    Graded(Vec<ExerciseVerdict>),
    /// The entry could not be graded: why and what to do.
    NotGradable(String),
    /// A roster student with no entry in the submissions folder.
    NothingHandedIn,
}

/// One student's line in every report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// The student id.
    pub id: StudentId,
    /// Their name, from the roster.
    pub name: Option<String>,
    /// Their LMS id, from the roster.
    pub lms_id: Option<String>,
    /// The entry of the submissions folder it stands for (none when nothing was handed
    /// in).
    pub entry: Option<String>,
    /// What the student should know: how their hand-in was read, what was left out, why
    /// it was not graded.
    pub notes: Vec<String>,
    /// What became of the hand-in.
    pub outcome: HandInOutcome,
}

impl Row {
    /// The lessons graded (none unless graded).
    pub fn exercises(&self) -> &[ExerciseVerdict] {
        match &self.outcome {
            HandInOutcome::Graded(exercises) => exercises,
            _ => &[],
        }
    }

    /// Whether the hand-in was graded.
    pub fn is_graded(&self) -> bool {
        matches!(self.outcome, HandInOutcome::Graded(_))
    }

    /// Why the hand-in was not graded, when it was not.
    pub fn reason(&self) -> Option<&str> {
        match &self.outcome {
            HandInOutcome::Graded(_) => None,
            HandInOutcome::NotGradable(reason) => Some(reason),
            HandInOutcome::NothingHandedIn => Some("nothing handed in"),
        }
    }

    /// The outcome in a word or two: `graded`, `not gradable`, `nothing handed in`.
    pub fn status(&self) -> &'static str {
        match self.outcome {
            HandInOutcome::Graded(_) => "graded",
            HandInOutcome::NotGradable(_) => "not gradable",
            HandInOutcome::NothingHandedIn => "nothing handed in",
        }
    }

    fn graded(graded: Graded, entry: Option<String>) -> Row {
        Row {
            id: graded.id,
            name: None,
            lms_id: None,
            entry,
            notes: graded.notes,
            outcome: HandInOutcome::Graded(graded.exercises),
        }
    }

    fn not_gradable(refused: NotGradable) -> Row {
        let mut notes = vec![format!("Not graded: {}", refused.reason)];
        notes.extend(refused.notes);
        Row {
            id: refused.id,
            name: None,
            lms_id: None,
            entry: Some(refused.entry),
            notes,
            outcome: HandInOutcome::NotGradable(refused.reason),
        }
    }

    fn nothing_handed_in(id: StudentId) -> Row {
        Row {
            notes: vec![format!(
                "Nothing handed in: the submissions folder has no entry named `{id}` ({FORMS})"
            )],
            id,
            name: None,
            lms_id: None,
            entry: None,
            outcome: HandInOutcome::NothingHandedIn,
        }
    }
}

/// The rows of a class, sorted by id: one per graded submission (`submissions` gives
/// their entries), one per entry not gradable, and with a `roster`, one per roster student
/// who handed in nothing. Also returns a warning per entry whose id is not on the roster
/// (graded anyway; their feedback says so too).
pub fn rows(
    graded: Vec<Graded>,
    submissions: &[Submission],
    not_gradable: Vec<NotGradable>,
    roster: Option<&Roster>,
) -> (Vec<Row>, Vec<String>) {
    let entries: BTreeMap<&StudentId, &str> = submissions
        .iter()
        .map(|s| (&s.id, s.entry.as_str()))
        .collect();
    let mut rows: Vec<Row> = graded
        .into_iter()
        .map(|g| {
            let entry = entries.get(&g.id).map(|e| e.to_string());
            Row::graded(g, entry)
        })
        .chain(not_gradable.into_iter().map(Row::not_gradable))
        .collect();
    let mut warnings = Vec::new();
    if let Some(roster) = roster {
        warnings = on_roster(&mut rows, roster);
        for enrolled in &roster.students {
            if !rows.iter().any(|r| r.id == enrolled.id) {
                let mut row = Row::nothing_handed_in(enrolled.id.clone());
                row.name = Some(enrolled.name.clone());
                row.lms_id.clone_from(&enrolled.lms_id);
                rows.push(row);
            }
        }
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    (rows, warnings)
}

/// Gives each row its roster name and LMS id; names, in a warning and a note, the rows
/// whose id is not on the roster.
fn on_roster(rows: &mut [Row], roster: &Roster) -> Vec<String> {
    let mut warnings = Vec::new();
    for row in rows {
        match roster.get(&row.id) {
            Some(enrolled) => {
                row.name = Some(enrolled.name.clone());
                row.lms_id.clone_from(&enrolled.lms_id);
            }
            None => {
                let entry = row.entry.as_deref().unwrap_or(&row.id);
                warnings.push(format!(
                    "`{}` (entry `{entry}`) is not on the roster; {} anyway: check its name",
                    row.id,
                    if row.is_graded() {
                        "graded"
                    } else {
                        "reported"
                    }
                ));
                row.notes.push(format!(
                    "Your id `{}` is not on the class roster: tell your instructor, who may \
                     need to rename your hand-in to the id the roster has for you",
                    row.id
                ));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graded(id: &str) -> Graded {
        Graded {
            id: id.into(),
            exercises: Vec::new(),
            notes: vec!["read".into()],
        }
    }

    fn submission(id: &str, entry: &str) -> Submission {
        Submission {
            id: id.into(),
            entry: entry.into(),
            ..Submission::default()
        }
    }

    fn refused(id: &str, entry: &str) -> NotGradable {
        NotGradable {
            id: id.into(),
            entry: entry.into(),
            reason: "`x` is broken; do y".into(),
            notes: vec!["also".into()],
        }
    }

    #[test]
    fn every_entry_is_a_row_graded_or_saying_why_not() {
        let (rows, warnings) = rows(
            vec![graded("Олег"), graded("alice")],
            &[submission("alice", "alice.ZIP"), submission("Олег", "Олег")],
            vec![refused("carol", "carol.zip")],
            None,
        );
        assert!(warnings.is_empty());
        let shown: Vec<(&str, &str, Option<&str>)> = rows
            .iter()
            .map(|r| (r.id.as_str(), r.status(), r.entry.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("alice", "graded", Some("alice.ZIP")),
                ("carol", "not gradable", Some("carol.zip")),
                ("Олег", "graded", Some("Олег")),
            ]
        );
        assert_eq!(rows[1].reason(), Some("`x` is broken; do y"));
        assert_eq!(rows[1].notes, ["Not graded: `x` is broken; do y", "also"]);
        assert_eq!(rows[0].notes, ["read"]);
    }

    #[test]
    fn the_roster_names_rows_adds_the_absent_and_flags_the_unknown() {
        let roster = Roster::parse("alice,Alice A,1001\nbob,Bob B\n").unwrap();
        let (rows, warnings) = rows(
            vec![graded("alice"), graded("mallory")],
            &[
                submission("alice", "alice"),
                submission("mallory", "mallory.tgz"),
            ],
            Vec::new(),
            Some(&roster),
        );
        let shown: Vec<(&str, &str, Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    r.status(),
                    r.name.as_deref(),
                    r.lms_id.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("alice", "graded", Some("Alice A"), Some("1001")),
                ("bob", "nothing handed in", Some("Bob B"), None),
                ("mallory", "graded", None, None),
            ]
        );
        assert_eq!(
            warnings,
            ["`mallory` (entry `mallory.tgz`) is not on the roster; graded anyway: check its name"]
        );
        assert!(rows[2].notes[1].starts_with("Your id `mallory` is not on the class roster"));
        assert_eq!(rows[1].reason(), Some("nothing handed in"));
        assert!(
            rows[1].notes[0]
                .starts_with("Nothing handed in: the submissions folder has no entry named `bob`")
        );
    }
}
