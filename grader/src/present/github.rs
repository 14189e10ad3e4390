//! GitHub Actions' workflow commands: each batch in a collapsible `::group::`, and an
//! `::error` annotation for every (student, lesson) that lost points, pointing at the
//! lesson's source (at the first compiler error's line when there is one).

use super::{Event, plain};
use crate::pipeline::build::BuildFailure;
use crate::pipeline::verdict::{ExerciseVerdict, Fate, Status};
use crate::report::lang::Lang;
use crate::report::words;

/// Whether a group is open.
#[derive(Debug, Default)]
pub struct Github {
    open: bool,
}

impl Github {
    /// The lines an event prints.
    pub fn lines(&mut self, event: Event<'_>) -> Vec<String> {
        match event {
            Event::Building { size } => {
                let mut lines = self.finish();
                lines.push(format!("::group::Grading a batch of {size} submission(s)"));
                self.open = true;
                lines
            }
            Event::Graded { .. } => {
                let mut lines = plain::lines(event);
                lines.extend(self.finish());
                lines
            }
            Event::Judged {
                student, verdict, ..
            } => error(student, verdict).into_iter().collect(),
            Event::Waiting { .. } | Event::Warning { .. } => plain::lines(event)
                .into_iter()
                .map(|line| format!("::warning::{}", escape_data(&line)))
                .collect(),
            Event::Linked { .. } | Event::Resuming { .. } => plain::lines(event),
        }
    }

    /// Closes the open group, if any.
    pub fn finish(&mut self) -> Vec<String> {
        if std::mem::take(&mut self.open) {
            vec!["::endgroup::".to_string()]
        } else {
            Vec::new()
        }
    }
}

/// The annotation of a verdict that lost points; `None` at full marks.
fn error(student: &str, verdict: &ExerciseVerdict) -> Option<String> {
    let (points, max) = (verdict.points(), verdict.max_points());
    if points >= max {
        return None;
    }
    let slug = &verdict.slug;
    let source = format!("exercises/{slug}/src/lib.rs");
    let message = match &verdict.fate {
        Fate::Refused(why) => format!("refused: {}", words::refusal(why, Lang::En)),
        Fate::NotCompiled(failure) => {
            format!(
                "did not compile:\n{}",
                words::build_failure(failure, Lang::En)
            )
        }
        Fate::NotRun(why) => format!("not run: {why}"),
        Fate::Ran => {
            let failed: Vec<String> = verdict
                .tests
                .iter()
                .filter(|t| t.status != Status::Passed)
                .map(|t| format!("{} ({})", t.name, t.status.word()))
                .collect();
            format!("failed: {}", failed.join(", "))
        }
    };
    let mut properties = vec![("file", source.clone())];
    let errors = match &verdict.fate {
        Fate::NotCompiled(BuildFailure::Errors(errors)) => Some(errors.as_str()),
        _ => None,
    };
    if let Some((line, column)) = errors.and_then(|e| located(e, &source)) {
        properties.push(("line", line));
        properties.push(("col", column));
    }
    properties.push(("title", format!("{student}: {slug} {points}/{max}")));
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    Some(format!(
        "::error {}::{}",
        properties.join(","),
        escape_data(&message)
    ))
}

/// The line and column of the first compiler error in `source` (` --> <source>:12:5`).
fn located(errors: &str, source: &str) -> Option<(String, String)> {
    errors.lines().find_map(|line| {
        let at = line
            .trim_start()
            .strip_prefix("--> ")?
            .strip_prefix(source)?;
        let mut numbers = at.strip_prefix(':')?.splitn(2, ':');
        let line = numbers.next()?.trim();
        let column = numbers.next()?.trim();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(line) && digits(column)).then(|| (line.to_string(), column.to_string()))
    })
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confine::scan::{Construct, Found, Refusal};
    use crate::pipeline::verdict::TestVerdict;

    fn test(name: &str, status: Status) -> TestVerdict {
        let points = u32::from(status == Status::Passed);
        TestVerdict {
            points,
            ..TestVerdict::new(name, status, 1)
        }
    }

    fn verdict(fate: Fate, tests: Vec<TestVerdict>) -> ExerciseVerdict {
        ExerciseVerdict {
            slug: "03-gather".into(),
            tests,
            fate,
        }
    }

    fn judged<'a>(student: &'a str, verdict: &'a ExerciseVerdict) -> Event<'a> {
        Event::Judged {
            total: 2,
            student,
            verdict,
        }
    }

    #[test]
    fn a_batch_is_a_group_closed_when_graded_or_at_the_end() {
        let mut github = Github::default();
        assert_eq!(
            github.lines(Event::Building { size: 2 }),
            ["::group::Grading a batch of 2 submission(s)"]
        );
        assert_eq!(
            github.lines(Event::Linked {
                lesson: "03-gather",
                students: 2
            }),
            ["built 03-gather: the tests of 2 student(s) start"]
        );
        assert_eq!(
            github.lines(Event::Graded { size: 2, pairs: 2 }),
            [
                "graded a batch of 2 submission(s), 2 student-exercise(s)",
                "::endgroup::"
            ]
        );
        assert!(github.finish().is_empty(), "closed once");
        github.lines(Event::Building { size: 1 });
        assert_eq!(
            github.lines(Event::Building { size: 1 }),
            [
                "::endgroup::",
                "::group::Grading a batch of 1 submission(s)"
            ]
        );
        assert_eq!(github.finish(), ["::endgroup::"]);
    }

    #[test]
    fn full_marks_are_quiet_and_failed_tests_are_named() {
        let mut github = Github::default();
        let passed = verdict(Fate::Ran, vec![test("a", Status::Passed)]);
        assert!(github.lines(judged("alice", &passed)).is_empty());
        let failed = verdict(
            Fate::Ran,
            vec![
                test("a", Status::Passed),
                test("b", Status::Failed),
                test("c", Status::TimedOut),
            ],
        );
        assert_eq!(
            github.lines(judged("boris", &failed)),
            [
                "::error file=exercises/03-gather/src/lib.rs,title=boris%3A 03-gather 1/3::failed: \
                 b (fail), c (timeout)"
            ]
        );
    }

    #[test]
    fn a_compile_error_points_at_its_line_in_one_escaped_line() {
        let mut github = Github::default();
        let errors = "error[E0308]: mismatched types\n  --> exercises/03-gather/src/lib.rs:12:5\n   |\n100% wrong";
        let broken = verdict(
            Fate::NotCompiled(BuildFailure::Errors(errors.into())),
            vec![test("a", Status::NotCompiled)],
        );
        let lines = github.lines(judged("Олег, 2", &broken));
        assert_eq!(lines.len(), 1);
        assert_eq!(
            lines[0],
            "::error file=exercises/03-gather/src/lib.rs,line=12,col=5,title=Олег%2C 2%3A \
             03-gather 0/1::did not compile:%0Aerror[E0308]: mismatched types%0A  --> \
             exercises/03-gather/src/lib.rs:12:5%0A   |%0A100%25 wrong"
        );
    }

    #[test]
    fn refusals_and_warnings_say_why() {
        let mut github = Github::default();
        let refused = verdict(
            Fate::Refused(Refusal {
                undeclared: Vec::new(),
                found: vec![Found {
                    file: "src/lib.rs".into(),
                    line: 3,
                    construct: Construct::IncludeStr,
                }],
            }),
            vec![test("a", Status::Rejected)],
        );
        let lines = github.lines(judged("eve", &refused));
        assert!(lines[0].contains("::refused: "), "{lines:?}");
        assert!(
            lines[0].contains("src/lib.rs:3: `include_str!`"),
            "{lines:?}"
        );
        assert_eq!(
            github.lines(Event::Warning {
                text: "cannot cache\nx"
            }),
            ["::warning::warning: cannot cache%0Ax"]
        );
    }
}
