//! `feedback/<student>.md`: what a student reads. Per exercise the score; per failing test
//! what was expected next to what happened (timeline diff, virtual times), where the code
//! blocked the executor, the compiler's errors, and a hint. A hidden test shows its
//! description and the student's own output, never its expected run.

use std::borrow::Cow;
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
    if let Some(text) = fate_markdown(&verdict.fate) {
        let _ = writeln!(out, "{text}");
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

/// What a lesson's code came to when its tests could not run, as Markdown: the reason it
/// was refused, or the compiler's errors (in the student's own paths). `None` when it ran.
pub fn fate_markdown(fate: &Fate) -> Option<String> {
    match fate {
        Fate::Refused(why) => Some(format!(
            "Your code was refused before building, so no test could run:\n\n{}",
            fenced("text", why.trim_end())
        )),
        Fate::NotCompiled(errors) => Some(format!(
            "Your code did not compile, so no test could run:\n\n{}",
            fenced("text", errors.trim_end())
        )),
        Fate::Ran | Fate::NotRun(_) => None,
    }
}

/// Said of a test of compiled code that produced no result (see [`Status::NoResult`]).
pub const NO_RESULT: &str = "your code compiled, but this test produced no result, which is \
                             not your code's doing: ask your instructor to grade it again";

/// Why a test has no run to show, in words: its own message, else what its status says.
pub fn message(test: &TestVerdict) -> Option<Cow<'_, str>> {
    match (test.status, test.message.as_deref()) {
        (Status::NoResult, Some(why)) => Some(format!("{NO_RESULT} ({why})").into()),
        (Status::NoResult, None) => Some(NO_RESULT.into()),
        (_, Some(message)) => Some(message.into()),
        (Status::Rejected, None) => Some("the code was refused before building".into()),
        (Status::NotCompiled, None) => Some("the code did not compile".into()),
        (_, None) => None,
    }
}

/// Everything the feedback says about a test that did not pass, as Markdown, for
/// `results.json`, JUnit and Gradescope: the diff or the student's own output (never a
/// hidden test's expected run), where the code blocked, why the run did not finish, and,
/// when the lesson did not compile or was refused, the compiler's errors or the reason.
/// Empty for a test that passed.
pub fn test_text(report: &Report<'_>, verdict: &ExerciseVerdict, test: &TestVerdict) -> String {
    let exercise = report
        .course
        .exercises
        .iter()
        .find(|e| e.slug == verdict.slug);
    match (exercise, test.status) {
        (_, Status::Passed) | (None, _) => String::new(),
        (Some(exercise), _) => match fate_markdown(&verdict.fate) {
            Some(fate) => with_hint(fate, exercise, test),
            None => test_markdown(report, exercise, test),
        },
    }
}

/// `text` followed by the test's description and hint, for a test that never ran.
fn with_hint(text: String, exercise: &Exercise, test: &TestVerdict) -> String {
    let mut out = String::new();
    if let Some(spec) = exercise.spec(&test.name) {
        let _ = writeln!(out, "{}\n", spec.description);
    }
    out.push_str(&text);
    if let Some(hint) = &exercise.manifest.hint {
        let _ = write!(out, "\n\n**Hint for this exercise:** {hint}");
    }
    out
}

/// Why a test did not pass, in one line: the first line of the lesson's compiler errors or
/// refusal, else of what stopped the run, else that the run differed. `None` when it passed.
pub fn summary(verdict: &ExerciseVerdict, test: &TestVerdict) -> Option<String> {
    if test.status == Status::Passed {
        return None;
    }
    let first = |text: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
    };
    let line = match &verdict.fate {
        Fate::Refused(text) | Fate::NotCompiled(text) => first(text),
        Fate::Ran | Fate::NotRun(_) => message(test).and_then(|m| first(&m)),
    };
    Some(line.unwrap_or_else(|| DIFFERED.to_string()))
}

/// Said of a test whose run finished but differed from the expected one.
const DIFFERED: &str = "what the code printed, or when, differed from the expected run";

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
        };
        let said = |status, text| message(&test(status, text)).map(|m| m.into_owned());
        let refused = said(Status::Rejected, None);
        assert_eq!(
            refused.as_deref(),
            Some("the code was refused before building")
        );
        let broken = said(Status::NotCompiled, None);
        assert_eq!(broken.as_deref(), Some("the code did not compile"));
        let crashed = said(Status::Crashed, Some("killed by signal 9"));
        assert_eq!(crashed.as_deref(), Some("killed by signal 9"));
        let never = said(Status::NoResult, Some("the test did not run")).unwrap();
        assert!(never.starts_with(NO_RESULT), "{never}");
        assert!(never.ends_with("(the test did not run)"), "{never}");
        assert!(!never.contains("did not compile"), "{never}");
        assert_eq!(said(Status::Failed, None), None);
        assert_eq!(said(Status::Passed, None), None);
    }

    #[test]
    fn a_summary_says_why_in_one_line_and_nothing_for_a_pass() {
        let test = |status, message: Option<&str>| TestVerdict {
            name: "t".into(),
            status,
            points: 0,
            max_points: 1,
            hidden: false,
            actual: Some("[ 0s] x".into()),
            blocking: None,
            message: message.map(str::to_string),
            wall_ms: None,
            flaky: false,
        };
        let lesson = |fate| ExerciseVerdict {
            slug: "01".into(),
            tests: Vec::new(),
            fate,
        };
        let broken = lesson(Fate::NotCompiled(
            "\nerror[E0425]: x\n --> src/lib.rs:1:1".into(),
        ));
        let ran = lesson(Fate::Ran);
        assert_eq!(
            summary(&broken, &test(Status::NotCompiled, None)).as_deref(),
            Some("error[E0425]: x")
        );
        let crash = test(Status::Crashed, Some("killed by signal 9\nstderr tail"));
        assert_eq!(summary(&ran, &crash).as_deref(), Some("killed by signal 9"));
        assert_eq!(
            summary(&ran, &test(Status::Failed, None)).as_deref(),
            Some(DIFFERED)
        );
        assert_eq!(summary(&ran, &test(Status::Passed, None)), None);
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("text", "a ``` b"), "````text\na ``` b\n````");
    }
}
