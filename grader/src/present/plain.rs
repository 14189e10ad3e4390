//! Plain lines, for logs: one per lesson built and per batch graded, with counts; nothing
//! per verdict.

use super::Event;

/// The lines an event prints.
pub fn lines(event: Event<'_>) -> Vec<String> {
    let line = match event {
        Event::Resuming {
            reused,
            total,
            cache,
        } => format!(
            "Resuming: {reused} of {total} student-exercises taken from the cache in {}",
            cache.display()
        ),
        Event::Waiting { dir } => format!(
            "Another grader run is using {}; waiting for it to finish...",
            dir.display()
        ),
        Event::Building { size } => format!("building {size} submission(s)"),
        Event::Linked { lesson, students } => {
            format!("built {lesson}: the tests of {students} student(s) start")
        }
        Event::Judged { .. } => return Vec::new(),
        Event::Graded { size, pairs } => {
            format!("graded a batch of {size} submission(s), {pairs} student-exercise(s)")
        }
        Event::Warning { text } => format!("warning: {text}"),
    };
    vec![line]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::pipeline::verdict::{ExerciseVerdict, Fate};

    #[test]
    fn one_line_per_lesson_built_and_batch_graded_with_counts() {
        assert_eq!(
            lines(Event::Building { size: 7 }),
            ["building 7 submission(s)"]
        );
        assert_eq!(
            lines(Event::Linked {
                lesson: "01-tick-file-watch",
                students: 7
            }),
            ["built 01-tick-file-watch: the tests of 7 student(s) start"]
        );
        assert_eq!(
            lines(Event::Graded { size: 7, pairs: 40 }),
            ["graded a batch of 7 submission(s), 40 student-exercise(s)"]
        );
        assert_eq!(
            lines(Event::Waiting {
                dir: Path::new("t/grader")
            }),
            ["Another grader run is using t/grader; waiting for it to finish..."]
        );
        assert_eq!(
            lines(Event::Resuming {
                reused: 3,
                total: 40,
                cache: Path::new("grades/.cache")
            }),
            ["Resuming: 3 of 40 student-exercises taken from the cache in grades/.cache"]
        );
        assert_eq!(
            lines(Event::Warning { text: "disk full" }),
            ["warning: disk full"]
        );
    }

    #[test]
    fn verdicts_print_nothing() {
        let verdict = ExerciseVerdict {
            slug: "01-tick-file-watch".into(),
            tests: Vec::new(),
            fate: Fate::Ran,
        };
        let judged = Event::Judged {
            total: 1,
            student: "alice",
            verdict: &verdict,
        };
        assert!(lines(judged).is_empty());
    }
}
