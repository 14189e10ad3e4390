//! `feedback/<student>.md`: what a student reads. Per exercise the score; per failing test
//! what was expected next to what happened (timeline diff, virtual times), where the code
//! blocked the executor, the compiler's errors, and a hint. A hidden test shows its
//! description and the student's own output, never its expected run.

use std::fmt::Write as _;

use similar::TextDiff;

use super::Report;
use crate::course::Exercise;
use crate::pipeline::verdict::{ExerciseVerdict, Fate, Graded, Status, TestVerdict};

/// Lines of a diff or an output shown at most.
const MAX_LINES: usize = 80;

/// The feedback file of one student.
pub fn markdown(report: &Report<'_>, graded: &Graded) -> String {
    let mut out = String::new();
    let (got, max) = report.total(graded);
    let _ = writeln!(
        out,
        "# Feedback: {}\n\n**Total: {got} / {max}**\n",
        graded.id
    );
    let _ = writeln!(out, "| # | exercise | points |\n|---|---|---|");
    for exercise in exercises(report) {
        let number = exercise.slug.split('-').next().unwrap_or_default();
        let points = match report.points(graded, &exercise.slug) {
            Some((got, max)) => format!("{got} / {max}"),
            None => "not handed in".to_string(),
        };
        let _ = writeln!(
            out,
            "| {number} | {} | {points} |",
            exercise.manifest.title.en
        );
    }
    for note in &graded.notes {
        let _ = writeln!(out, "\n> {note}");
    }
    for exercise in exercises(report) {
        if let Some(verdict) = graded.exercises.iter().find(|e| e.slug == exercise.slug) {
            exercise_section(&mut out, report, exercise, verdict);
        }
    }
    out
}

fn exercises<'a>(report: &'a Report<'_>) -> impl Iterator<Item = &'a Exercise> {
    report
        .course
        .exercises
        .iter()
        .filter(|e| report.slugs.contains(&e.slug))
}

fn exercise_section(
    out: &mut String,
    report: &Report<'_>,
    exercise: &Exercise,
    verdict: &ExerciseVerdict,
) {
    let _ = writeln!(
        out,
        "\n## {} {}: {} / {}\n",
        exercise.slug.split('-').next().unwrap_or_default(),
        exercise.manifest.title.en,
        verdict.points(),
        verdict.max_points()
    );
    match &verdict.fate {
        Fate::Refused(why) => {
            let _ = writeln!(out, "{}\n", fenced("text", why));
        }
        Fate::NotCompiled(error) => {
            let _ = writeln!(out, "Your code did not compile, so no test could run:\n");
            let _ = writeln!(out, "{}", fenced("text", error));
        }
        Fate::Ran | Fate::NotRun(_) => {}
    }
    for test in &verdict.tests {
        if test.status == Status::Passed {
            let _ = writeln!(
                out,
                "- ✓ `{}` ({} / {})",
                test.name, test.points, test.max_points
            );
        } else if verdict.fate.compiled() {
            let _ = writeln!(
                out,
                "- ✗ `{}` ({} / {}): {}",
                test.name,
                test.points,
                test.max_points,
                test.status.word()
            );
        }
    }
    if verdict.fate.compiled() {
        for test in verdict.tests.iter().filter(|t| t.status != Status::Passed) {
            let _ = writeln!(out, "\n### ✗ `{}`\n", test.name);
            let _ = writeln!(out, "{}", test_markdown(report, exercise, test));
        }
    }
    if let (true, Some(hint)) = (
        verdict.points() < verdict.max_points(),
        &exercise.manifest.hint,
    ) {
        let _ = writeln!(out, "\n**Hint for this exercise:** {hint}");
    }
}

fn test_markdown(report: &Report<'_>, exercise: &Exercise, test: &TestVerdict) -> String {
    let spec = exercise.spec(&test.name);
    let mut out = String::new();
    if let Some(spec) = spec {
        let _ = writeln!(out, "{}\n", spec.description);
    }
    match (&test.actual, test.hidden) {
        (Some(actual), true) => {
            let _ = writeln!(
                out,
                "This is a hidden test: its expected output is not shown. What your code printed (virtual times):\n"
            );
            let _ = writeln!(out, "{}\n", fenced("text", &cap_lines(actual)));
        }
        (Some(actual), false) => match report.expected.get(&exercise.slug, &test.name) {
            Some(expected) => {
                let _ = writeln!(
                    out,
                    "Expected (`-`) and what your code did (`+`), with virtual times:\n"
                );
                let _ = writeln!(
                    out,
                    "{}\n",
                    fenced("diff", &cap_lines(&diff(expected, actual)))
                );
            }
            None => {
                let _ = writeln!(out, "{}\n", fenced("text", &cap_lines(actual)));
            }
        },
        (None, _) => {}
    }
    if let Some(message) = message(test) {
        let _ = writeln!(out, "{}\n", fenced("text", message.trim_end()));
    }
    if test.flaky {
        let _ = writeln!(
            out,
            "**Flaky:** this test gave different results when run again; the first run counts. \
             On a paused clock that usually means two events at the same instant, or real threads.\n"
        );
    }
    if let Some(blocking) = &test.blocking {
        let _ = writeln!(out, "**Blocking:** {blocking}\n");
    }
    if let Some(hint) = spec.and_then(|s| s.hint.as_deref()) {
        let _ = writeln!(out, "**Hint:** {hint}");
    }
    out.trim_end().to_string()
}

/// Why a test has no run to show, in words: its own message, else what its status says.
pub fn message(test: &TestVerdict) -> Option<&str> {
    test.message.as_deref().or(match test.status {
        Status::Rejected => Some("the code was refused before building"),
        Status::NotCompiled => Some("the code did not compile"),
        _ => None,
    })
}

/// The same information as plain text, for JUnit and Gradescope.
pub fn test_text(report: &Report<'_>, slug: &str, test: &TestVerdict) -> String {
    match report.course.exercises.iter().find(|e| e.slug == slug) {
        Some(exercise) if test.status != Status::Passed => test_markdown(report, exercise, test),
        _ => String::new(),
    }
}

/// A line diff of two timelines: ` ` same, `-` expected only, `+` actual only. A long run
/// of lines on one side is folded to its first and last few.
pub fn diff(expected: &str, actual: &str) -> String {
    let diff = TextDiff::from_lines(expected, actual);
    let lines: Vec<(char, String)> = diff
        .iter_all_changes()
        .map(|change| {
            let sign = match change.tag() {
                similar::ChangeTag::Equal => ' ',
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
            };
            (sign, change.value().trim_end_matches('\n').to_string())
        })
        .collect();
    let mut out = String::new();
    for run in lines.chunk_by(|a, b| a.0 == b.0) {
        let folded = run.len() > FOLD_RUN;
        for (index, (sign, text)) in run.iter().enumerate() {
            if folded && index == FOLD_HEAD {
                let _ = writeln!(
                    out,
                    "{sign}... ({} more lines like these)",
                    run.len() - FOLD_HEAD - FOLD_TAIL
                );
            }
            if !folded || index < FOLD_HEAD || index >= run.len() - FOLD_TAIL {
                let _ = writeln!(out, "{sign}{text}");
            }
        }
    }
    out
}

/// A run of more lines than this on one side of a diff is folded.
const FOLD_RUN: usize = 12;
const FOLD_HEAD: usize = 6;
const FOLD_TAIL: usize = 3;

fn cap_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_LINES {
        return text.trim_end().to_string();
    }
    format!(
        "{}\n... ({} more lines)",
        lines[..MAX_LINES].join("\n"),
        lines.len() - MAX_LINES
    )
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn fenced(language: &str, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{text}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_each_side() {
        let d = diff(
            "[  0.000s] a\n[  1.000s] b\n",
            "[  0.000s] a\n[  2.000s] b\n",
        );
        assert_eq!(d, " [  0.000s] a\n-[  1.000s] b\n+[  2.000s] b\n");
    }

    #[test]
    fn diff_folds_a_long_run() {
        let actual: String = (0..30).map(|i| format!("[{i:>7}.000s] tick\n")).collect();
        let d = diff("", &actual);
        assert_eq!(d.lines().count(), FOLD_HEAD + 1 + FOLD_TAIL, "{d}");
        assert!(d.contains("+... (21 more lines like these)"), "{d}");
    }

    #[test]
    fn a_test_without_a_message_is_explained_by_its_status() {
        let test = |status, message: Option<&str>| TestVerdict {
            name: "t".into(),
            status,
            points: 0,
            max_points: 1,
            hidden: false,
            actual: None,
            blocking: None,
            message: message.map(str::to_string),
            wall_ms: None,
            flaky: false,
            blocked: false,
            leftovers: None,
            hang: None,
        };
        let said = |status, text| message(&test(status, text)).map(str::to_string);
        let refused = said(Status::Rejected, None);
        assert_eq!(
            refused.as_deref(),
            Some("the code was refused before building")
        );
        let broken = said(Status::NotCompiled, None);
        assert_eq!(broken.as_deref(), Some("the code did not compile"));
        let never = said(Status::NotCompiled, Some("the test did not run"));
        assert_eq!(never.as_deref(), Some("the test did not run"));
        assert_eq!(said(Status::Failed, None), None);
        assert_eq!(said(Status::Passed, None), None);
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("text", "a ``` b"), "````text\na ``` b\n````");
    }
}
