//! The listing `grade --dry-run` prints: what would be graded (per student the entry, its
//! shape and the lessons found), what could not be and why, who handed in nothing, and
//! every intake note. Built from what discovery read; nothing is built or run.

use std::fmt::Write as _;

use crate::pipeline::discover::Class;
use crate::pipeline::roster::Roster;

/// The listing, one block per student sorted by id, then the notes on entries that are no
/// student's.
pub fn render(class: &Class, roster: Option<&Roster>) -> String {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let on_roster = |id: &str| match roster {
        Some(roster) if roster.get(id).is_none() => " (not on the roster)",
        _ => "",
    };
    for submission in &class.submissions {
        let lessons: Vec<&str> = submission
            .exercises
            .keys()
            .map(|slug| slug.split('-').next().unwrap_or(slug))
            .collect();
        let lessons = if lessons.is_empty() {
            "no lesson with a lib.rs".to_string()
        } else {
            format!("lessons {}", lessons.join(" "))
        };
        let mut block = format!(
            "{}{}: {} `{}`, {lessons}\n",
            submission.id,
            on_roster(&submission.id),
            submission.shape,
            submission.entry
        );
        notes(&mut block, &submission.notes);
        blocks.push((submission.id.to_string(), block));
    }
    for refused in &class.not_gradable {
        let mut block = format!(
            "{}{}: NOT GRADABLE `{}`: {}\n",
            refused.id,
            on_roster(&refused.id),
            refused.entry,
            refused.reason
        );
        notes(&mut block, &refused.notes);
        blocks.push((refused.id.to_string(), block));
    }
    for enrolled in roster.map(|r| r.students.as_slice()).unwrap_or_default() {
        if !blocks.iter().any(|(id, _)| enrolled.id == *id) {
            let block = format!("{}: nothing handed in (on the roster)\n", enrolled.id);
            blocks.push((enrolled.id.to_string(), block));
        }
    }
    blocks.sort();
    let mut out: String = blocks.into_iter().map(|(_, block)| block).collect();
    for note in &class.notes {
        let _ = writeln!(out, "skipped {note}");
    }
    out
}

fn notes(block: &mut String, notes: &[String]) {
    for note in notes {
        let _ = writeln!(block, "  note: {note}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::discover::Shape;
    use crate::pipeline::submission::{NotGradable, Sources, Submission};

    #[test]
    fn lists_every_entry_the_absent_and_the_notes() {
        let mut alice = Submission {
            id: "alice".into(),
            entry: "alice.ZIP".into(),
            shape: Shape::Zip,
            notes: vec!["Read `src/` as `exercises/03-gather/src/`".into()],
            ..Submission::default()
        };
        alice
            .exercises
            .insert("03-gather".into(), Sources::lib_only(Vec::new()));
        let class = Class {
            submissions: vec![alice],
            not_gradable: vec![NotGradable {
                id: "Олег".into(),
                entry: "Олег.zip".into(),
                reason: "`Олег.zip` is not a readable zip archive".into(),
                notes: Vec::new(),
            }],
            notes: vec!["grades: the grader's own output".into()],
        };
        let roster = Roster::parse("alice,A\nbob,B\n").unwrap();
        assert_eq!(
            render(&class, Some(&roster)),
            "alice: .zip `alice.ZIP`, lessons 03\n\
             \x20 note: Read `src/` as `exercises/03-gather/src/`\n\
             bob: nothing handed in (on the roster)\n\
             Олег (not on the roster): NOT GRADABLE `Олег.zip`: `Олег.zip` is not a readable \
             zip archive\n\
             skipped grades: the grader's own output\n"
        );
    }
}
