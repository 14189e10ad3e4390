//! What a run left behind when the function under test returned.

use std::time::Duration;

use crate::transcript::Event;

/// What was still going on a grace period of virtual time after the future under test
/// returned (recorded when the test expects cleanup, [`crate::Options::expect_cleanup`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftovers {
    /// The grace period.
    pub grace: Duration,
    /// Lines printed after the return: during the grace period, or by `Drop` of what was
    /// still alive when the runtime shut down.
    pub printed: Vec<Event>,
    /// Tasks still alive on the runtime at the end of the grace period.
    pub tasks: usize,
    /// Blocking jobs the test handed out ([`crate::job`]) still held or running then.
    pub jobs: usize,
}

impl Leftovers {
    /// Whether nothing was left: no line, no task, no job.
    pub fn is_clean(&self) -> bool {
        self.printed.is_empty() && self.tasks == 0 && self.jobs == 0
    }

    /// The lines rendered after the run's last line: each line printed after the return,
    /// then `!! 1 task still alive 1.000s after the return` and the like. None when clean.
    pub fn render(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.printed.iter().map(Event::render).collect();
        let after = self.grace.as_secs_f64();
        if self.tasks > 0 {
            let (n, noun) = count(self.tasks, "task", "tasks");
            lines.push(format!(
                "!! {n} {noun} still alive {after:.3}s after the return"
            ));
        }
        if self.jobs > 0 {
            let (n, noun) = count(self.jobs, "blocking job", "blocking jobs");
            lines.push(format!(
                "!! {n} {noun} unfinished {after:.3}s after the return"
            ));
        }
        lines
    }
}

fn count(n: usize, one: &'static str, many: &'static str) -> (usize, &'static str) {
    (n, if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_leftovers_render_nothing() {
        let clean = Leftovers {
            grace: Duration::from_secs(1),
            printed: Vec::new(),
            tasks: 0,
            jobs: 0,
        };
        assert!(clean.is_clean());
        assert!(clean.render().is_empty());
    }

    #[test]
    fn lines_tasks_and_jobs_left_are_rendered() {
        let left = Leftovers {
            grace: Duration::from_secs(1),
            printed: vec![Event {
                at: Duration::from_millis(5000),
                wall: Duration::ZERO,
                text: "tick".into(),
            }],
            tasks: 2,
            jobs: 1,
        };
        assert_eq!(
            left.render(),
            [
                "[  5.000s] tick",
                "!! 2 tasks still alive 1.000s after the return",
                "!! 1 blocking job unfinished 1.000s after the return",
            ]
        );
    }
}
