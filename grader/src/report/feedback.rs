//! `feedback/<student>.md`: what a student reads. Per exercise the score; per failing test
//! what was expected next to what happened (timeline diff, virtual times), where the code
//! blocked the executor, the compiler's errors, what the run shows (its symptoms), and a
//! hint for what it shows. A hidden test shows its description and the student's own
//! output, never its expected run. In English or Russian (`--lang`): the sentences are in
//! [`super::words`] and [`super::symptom`].

use std::fmt::Write as _;

use similar::TextDiff;

use super::Report;
use super::lang::Lang;
use super::row::Row;
use super::symptom;
use super::words::{self, Phrase};
use crate::course::Exercise;
use crate::pipeline::symptom::Symptom;
use crate::pipeline::verdict::{ExerciseVerdict, Fate, Status, TestVerdict};

/// Lines of a diff or an output shown at most.
const MAX_LINES: usize = 80;

/// The feedback file of one student, in the report's language.
pub fn markdown(report: &Report<'_>, graded: &Row) -> String {
    let lang = report.lang;
    let mut out = String::new();
    let (got, max) = report.total(graded);
    let _ = writeln!(
        out,
        "# {}: {}\n\n**{}: {got} / {max}**\n",
        Phrase::Feedback.text(lang),
        graded.id,
        Phrase::Total.text(lang)
    );
    let _ = writeln!(out, "{}", Phrase::TableHeader.text(lang));
    for exercise in exercises(report) {
        let number = exercise.slug.split('-').next().unwrap_or_default();
        let points = match report.points(graded, &exercise.slug) {
            Some((got, max)) => format!("{got} / {max}"),
            None => Phrase::NotHandedIn.text(lang).to_string(),
        };
        let _ = writeln!(out, "| {number} | {} | {points} |", title(exercise, lang));
    }
    for note in &graded.notes {
        let _ = writeln!(out, "\n> {note}");
    }
    for exercise in exercises(report) {
        if let Some(verdict) = graded.exercises().iter().find(|e| e.slug == exercise.slug) {
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

fn title(exercise: &Exercise, lang: Lang) -> &str {
    let title = &exercise.manifest.title;
    lang.pick(&title.en, &title.ru)
}

fn exercise_section(
    out: &mut String,
    report: &Report<'_>,
    exercise: &Exercise,
    verdict: &ExerciseVerdict,
) {
    let lang = report.lang;
    let _ = writeln!(
        out,
        "\n## {} {}: {} / {}\n",
        exercise.slug.split('-').next().unwrap_or_default(),
        title(exercise, lang),
        verdict.points(),
        verdict.max_points()
    );
    if let Some(text) = fate_markdown(&verdict.fate, lang) {
        let _ = writeln!(out, "{text}");
    }
    for test in &verdict.tests {
        test_line(out, test, verdict.fate.compiled(), lang);
    }
    if verdict.fate.compiled() {
        for test in verdict.tests.iter().filter(|t| t.status != Status::Passed) {
            let _ = writeln!(out, "\n### ✗ `{}`\n", test.name);
            let _ = writeln!(out, "{}", test_markdown(report, exercise, test));
        }
    }
    if let (true, Some(hint)) = (
        verdict.points() < verdict.max_points() && own_hints_apply(verdict),
        exercise_hint(exercise, lang),
    ) {
        let _ = writeln!(out, "\n{} {hint}", Phrase::ExerciseHint.text(lang));
    }
}

/// One test in the exercise's list: a pass (with what its run still shows, such as a
/// blocked executor), or a failure's status.
fn test_line(out: &mut String, test: &TestVerdict, compiled: bool, lang: Lang) {
    let (got, max) = (test.points, test.max_points);
    if test.status == Status::Passed {
        let _ = writeln!(out, "- ✓ `{}` ({got} / {max})", test.name);
        for symptom in &test.symptoms {
            let said = symptom::message(symptom, test.hidden, lang);
            let _ = writeln!(out, "  - {said} {}", symptom::hint(symptom, lang));
        }
    } else if compiled {
        let status = words::status(test.status, lang);
        let _ = writeln!(out, "- ✗ `{}` ({got} / {max}): {status}", test.name);
    }
}

/// Whether the hints written for the exercise's tests still apply: some failed test shows
/// no symptom that names another mistake.
fn own_hints_apply(verdict: &ExerciseVerdict) -> bool {
    verdict
        .tests
        .iter()
        .filter(|t| t.status != Status::Passed)
        .any(|t| t.symptoms.iter().all(Symptom::keeps_test_hint))
}

/// The exercise's hint in `lang` (the English one when it has no Russian one).
fn exercise_hint(exercise: &Exercise, lang: Lang) -> Option<&str> {
    let manifest = &exercise.manifest;
    match lang {
        Lang::Ru => manifest.hint_ru.as_deref().or(manifest.hint.as_deref()),
        Lang::En => manifest.hint.as_deref(),
    }
}

fn test_markdown(report: &Report<'_>, exercise: &Exercise, test: &TestVerdict) -> String {
    let lang = report.lang;
    let spec = exercise.spec(&test.name);
    let mut out = String::new();
    if let Some(spec) = spec {
        let ru = spec.description_ru.as_deref();
        let description = lang.pick(&spec.description, ru.unwrap_or(&spec.description));
        let _ = writeln!(out, "{description}\n");
    }
    match (&test.actual, test.hidden) {
        (Some(actual), true) => {
            let _ = writeln!(out, "{}\n", Phrase::HiddenRun.text(lang));
            let _ = writeln!(out, "{}\n", fenced("text", &cap_lines(actual)));
        }
        (Some(actual), false) => match report.expected.get(&exercise.slug, &test.name) {
            Some(expected) => {
                let _ = writeln!(out, "{}\n", Phrase::Diff.text(lang));
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
    if let Some(message) = words::message(test, lang) {
        let _ = writeln!(out, "{}\n", fenced("text", message.trim_end()));
    }
    if test.flaky {
        let _ = writeln!(out, "{}\n", Phrase::Flaky.text(lang));
    }
    for symptom in &test.symptoms {
        let said = symptom::message(symptom, test.hidden, lang);
        let _ = writeln!(out, "{} {said}\n", Phrase::Noticed.text(lang));
    }
    if let Some(blocking) = &test.blocking {
        let blocking = where_blocked(blocking, &test.symptoms);
        let _ = writeln!(out, "{} {blocking}\n", Phrase::Blocking.text(lang));
    }
    for hint in symptom::hints(test, spec, lang) {
        let _ = writeln!(out, "{} {hint}\n", Phrase::Hint.text(lang));
    }
    out.trim_end().to_string()
}

/// The harness's blocking diagnosis, without its advice when a symptom's hint gives it:
/// where and how long (read loosely: the advice starts at "On a paused clock").
fn where_blocked<'a>(diagnosis: &'a str, symptoms: &[Symptom]) -> &'a str {
    let advised = symptoms
        .iter()
        .any(|s| matches!(s, Symptom::Blocked { .. }));
    match diagnosis.split_once(" On a paused clock") {
        Some((place, _)) if advised => place,
        _ => diagnosis,
    }
}

/// What a lesson's code came to when its tests could not run, as Markdown, in `lang`: why
/// it was refused, or the compiler's errors (in the student's own paths). `None` when it ran.
pub fn fate_markdown(fate: &Fate, lang: Lang) -> Option<String> {
    match fate {
        Fate::Refused(refusal) => Some(format!(
            "{}\n",
            fenced("text", words::refusal(refusal, lang).trim_end())
        )),
        Fate::NotCompiled(failure) => Some(format!(
            "{}\n\n{}",
            words::build_failure_lead(failure, lang),
            fenced("text", words::build_failure(failure, lang).trim_end())
        )),
        Fate::Ran | Fate::NotRun(_) => None,
    }
}

/// Why a test has no run to show, in English: its reason, else what its status says.
pub fn message(test: &TestVerdict) -> Option<String> {
    words::message(test, Lang::En)
}

/// Everything the feedback says about a test that did not pass, as Markdown in the report's
/// language, for `results.json`, JUnit and Gradescope: the diff or the student's own output
/// (never a hidden test's expected run), what the run shows, where the code blocked, why
/// the run did not finish, and, when the lesson did not compile or was refused, the
/// compiler's errors or the reason. Empty for a test that passed.
pub fn test_text(report: &Report<'_>, verdict: &ExerciseVerdict, test: &TestVerdict) -> String {
    let exercise = report
        .course
        .exercises
        .iter()
        .find(|e| e.slug == verdict.slug);
    match (exercise, test.status) {
        (_, Status::Passed) | (None, _) => String::new(),
        (Some(exercise), _) => match fate_markdown(&verdict.fate, report.lang) {
            Some(fate) => with_hint(fate, exercise, test, report.lang),
            None => test_markdown(report, exercise, test),
        },
    }
}

/// `text` after the test's description and before the exercise's hint, for a test that
/// never ran.
fn with_hint(text: String, exercise: &Exercise, test: &TestVerdict, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(spec) = exercise.spec(&test.name) {
        let ru = spec.description_ru.as_deref();
        let description = lang.pick(&spec.description, ru.unwrap_or(&spec.description));
        let _ = writeln!(out, "{description}\n");
    }
    out.push_str(text.trim_end());
    if let Some(hint) = exercise_hint(exercise, lang) {
        let _ = write!(out, "\n\n{} {hint}", Phrase::ExerciseHint.text(lang));
    }
    out
}

/// Why a test did not pass, in one line of English (for machines and instructors): the
/// first line of the lesson's compiler errors or refusal, else of what stopped the run,
/// else that the run differed. `None` when it passed.
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
        Fate::Refused(refusal) => first(&words::refusal(refusal, Lang::En)),
        Fate::NotCompiled(failure) => first(&words::build_failure(failure, Lang::En)),
        Fate::Ran | Fate::NotRun(_) => message(test).and_then(|m| first(&m)),
    };
    Some(line.unwrap_or_else(|| DIFFERED.to_string()))
}

/// Said of a test whose run finished but differed from the expected one.
const DIFFERED: &str = "what the code printed, or when, differed from the expected run";

/// A line diff of two timelines: ` ` same, `-` expected only, `+` actual only. A long run
/// of lines on one side is folded to its first and last few.
pub fn diff(expected: &str, actual: &str) -> String {
    let (expected, actual) = (
        timeline_evidence::line_ended(expected),
        timeline_evidence::line_ended(actual),
    );
    let diff = TextDiff::from_lines(&expected, &actual);
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
    use crate::course::{Course, Manifest};
    use crate::pipeline::build::BuildFailure;
    use crate::pipeline::verdict::Expectations;
    use crate::pipeline::verdict::Reason;

    /// A course of one lesson with tests `a` and `b`, each with a hint in both languages.
    fn course() -> Course {
        let manifest: Manifest = toml::from_str(
            "package = \"exercise-01\"\ntitle = { en = \"Ticks\", ru = \"Тики\" }\n\
             hint = \"use select!\"\nhint_ru = \"используйте select!\"\n\
             [[tests]]\nname = \"a\"\npoints = 1\ndescription = \"ticks\"\n\
             description_ru = \"тикает\"\nhint = \"await tick first\"\n\
             hint_ru = \"сначала дождитесь tick\"\n\
             [[tests]]\nname = \"b\"\npoints = 1\ndescription = \"stops\"\n\
             description_ru = \"останавливается\"\nhint = \"abort the ticker\"\n\
             hint_ru = \"прервите тикер\"\n",
        )
        .unwrap();
        Course {
            root: Default::default(),
            exercises: vec![Exercise {
                slug: "01-ticks".into(),
                manifest,
                dir: Default::default(),
                grading_dir: Default::default(),
                suites: Vec::new(),
            }],
        }
    }

    fn failed(name: &str, symptoms: Vec<Symptom>) -> TestVerdict {
        TestVerdict {
            actual: Some("=> returned after 0.000s: ()".into()),
            symptoms,
            wall_ms: Some(1.0),
            ..TestVerdict::new(name, Status::Failed, 1)
        }
    }

    fn feedback(tests: Vec<TestVerdict>, lang: Lang) -> String {
        let course = course();
        let graded = [Row {
            id: "alice".into(),
            name: None,
            lms_id: None,
            entry: Some("alice".into()),
            notes: Vec::new(),
            outcome: crate::report::row::HandInOutcome::Graded(vec![ExerciseVerdict {
                slug: "01-ticks".into(),
                tests,
                fate: Fate::Ran,
            }]),
        }];
        let expected = Expectations::default();
        let report = Report::for_tests(&course, vec!["01-ticks".into()], &graded, &expected, lang);
        markdown(&report, &graded[0])
    }

    #[test]
    fn a_symptom_of_another_mistake_replaces_the_hints_written_for_one() {
        let text = feedback(
            vec![
                failed("a", vec![Symptom::OtherOrder]),
                failed("b", vec![Symptom::ClockStoodStill]),
            ],
            Lang::En,
        );
        assert!(
            text.contains(&symptom::message(&Symptom::OtherOrder, false, Lang::En)),
            "{text}"
        );
        assert!(
            text.contains(symptom::hint(&Symptom::ClockStoodStill, Lang::En)),
            "{text}"
        );
        for hint in ["await tick first", "abort the ticker", "use select!"] {
            assert!(!text.contains(hint), "{hint} shown:\n{text}");
        }
        let plain = feedback(
            vec![
                failed("a", Vec::new()),
                failed("b", vec![Symptom::OtherOrder]),
            ],
            Lang::En,
        );
        assert!(plain.contains("**Hint:** await tick first"), "{plain}");
        assert!(!plain.contains("abort the ticker"), "{plain}");
        assert!(
            plain.contains("**Hint for this exercise:** use select!"),
            "{plain}"
        );
    }

    #[test]
    fn a_passed_test_still_says_what_its_run_shows() {
        let mut passed = failed("a", vec![Symptom::Blocked { seconds: Some(1.5) }]);
        passed.status = Status::Passed;
        passed.points = 1;
        let text = feedback(vec![passed, failed("b", Vec::new())], Lang::En);
        let note = symptom::message(&Symptom::Blocked { seconds: Some(1.5) }, false, Lang::En);
        assert!(
            text.contains(&format!("- ✓ `a` (1 / 1)\n  - {note}")),
            "{text}"
        );
        assert!(!text.contains("### ✗ `a`"), "{text}");
    }

    #[test]
    fn the_feedback_speaks_the_language_asked() {
        let text = feedback(
            vec![
                failed("a", Vec::new()),
                failed("b", vec![Symptom::OtherOrder]),
            ],
            Lang::Ru,
        );
        for said in [
            "# Отзыв: alice",
            "**Итого: 0 / 2**",
            "| 01 | Тики | 0 / 2 |",
            "- ✗ `a` (0 / 1): не пройден",
            "тикает",
            "**Подсказка:** сначала дождитесь tick",
            "**Что видно по запуску:** Ваша функция вернула верные результаты",
            "**Подсказка к заданию:** используйте select!",
        ] {
            assert!(text.contains(said), "{said} missing:\n{text}");
        }
        for english in ["Feedback", "Total", "ticks", "Hint", "await tick first"] {
            assert!(!text.contains(english), "{english} in:\n{text}");
        }
    }

    #[test]
    fn diff_marks_each_side() {
        let d = diff(
            "[  0.000s] a\n[  1.000s] b\n",
            "[  0.000s] a\n[  2.000s] b\n",
        );
        assert_eq!(d, " [  0.000s] a\n-[  1.000s] b\n+[  2.000s] b\n");
    }

    #[test]
    fn a_last_line_the_same_on_both_sides_is_not_shown_as_changed() {
        let d = diff(
            "[  0.000s] a\n=> returned after 1.000s: ()",
            "[  0.000s] a\n=> returned after 1.000s: ()\n!! 1 task still alive",
        );
        assert_eq!(
            d,
            " [  0.000s] a\n => returned after 1.000s: ()\n+!! 1 task still alive\n"
        );
    }

    #[test]
    fn diff_folds_a_long_run() {
        let actual: String = (0..30).map(|i| format!("[{i:>7}.000s] tick\n")).collect();
        let d = diff("", &actual);
        assert_eq!(d.lines().count(), FOLD_HEAD + 1 + FOLD_TAIL, "{d}");
        assert!(d.contains("+... (21 more lines like these)"), "{d}");
    }

    #[test]
    fn the_blocking_advice_is_left_to_the_symptom_hint() {
        let diagnosis = "your code blocked for 1.0 s between `a` and `b`. On a paused clock \
                         waiting costs no real time, so ...";
        let blocked = [Symptom::Blocked { seconds: Some(1.0) }];
        assert_eq!(
            where_blocked(diagnosis, &blocked),
            "your code blocked for 1.0 s between `a` and `b`."
        );
        assert_eq!(where_blocked(diagnosis, &[]), diagnosis);
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("text", "a ``` b"), "````text\na ``` b\n````");
    }

    fn bare(status: Status, message: Option<Reason>) -> TestVerdict {
        TestVerdict {
            actual: Some("[ 0s] x".into()),
            message,
            ..TestVerdict::new("t", status, 1)
        }
    }

    #[test]
    fn a_test_without_a_message_is_explained_by_its_status() {
        let said = |status, reason| message(&bare(status, reason));
        let refused = said(Status::Rejected, None);
        assert_eq!(
            refused.as_deref(),
            Some("the code was refused before building")
        );
        let broken = said(Status::NotCompiled, None);
        assert_eq!(broken.as_deref(), Some("the code did not compile"));
        let never = said(Status::NoResult, Some(Reason::DidNotRun)).unwrap();
        assert!(never.starts_with(words::NO_RESULT_EN), "{never}");
        assert!(never.ends_with("(the test did not run)"), "{never}");
        assert!(!never.contains("did not compile"), "{never}");
        assert_eq!(said(Status::Failed, None), None);
        assert_eq!(said(Status::Passed, None), None);
    }

    #[test]
    fn a_summary_says_why_in_one_line_and_nothing_for_a_pass() {
        let lesson = |fate| ExerciseVerdict {
            slug: "01".into(),
            tests: Vec::new(),
            fate,
        };
        let broken = lesson(Fate::NotCompiled(BuildFailure::Errors(
            "\nerror[E0425]: x\n --> src/lib.rs:1:1".into(),
        )));
        let ran = lesson(Fate::Ran);
        assert_eq!(
            summary(&broken, &bare(Status::NotCompiled, None)).as_deref(),
            Some("error[E0425]: x")
        );
        let crash = bare(
            Status::Crashed,
            Some(Reason::Said("killed by signal 9\nstderr tail".into())),
        );
        assert_eq!(summary(&ran, &crash).as_deref(), Some("killed by signal 9"));
        assert_eq!(
            summary(&ran, &bare(Status::Failed, None)).as_deref(),
            Some(DIFFERED)
        );
        assert_eq!(summary(&ran, &bare(Status::Passed, None)), None);
    }
}
