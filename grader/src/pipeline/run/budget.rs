//! A lesson's time budget: the real time all of one student's processes for a lesson may
//! take together, so one student's crashes cannot cost the class (tests + 1) x the limit.

use std::time::{Duration, Instant};

use super::{Observed, RunOptions};
use crate::confine::process::Exit;

/// Real time a test process gets beyond the test limit, to start and to report.
const SLACK: Duration = Duration::from_secs(2);

/// A process is not started with less than this left of the budget.
pub(super) const LEAST_RUN: Duration = Duration::from_secs(1);

/// The real time one student's lesson may still use.
pub(super) struct Budget {
    total: Duration,
    deadline: Instant,
}

impl Budget {
    pub(super) fn start(total: Duration) -> Budget {
        Budget {
            total,
            deadline: Instant::now() + total,
        }
    }

    /// The real-time limit of the next process: one test's limit with slack, or what is
    /// left of the budget if that is less.
    pub(super) fn next_limit(&self, options: &RunOptions) -> Duration {
        let left = self.deadline.saturating_duration_since(Instant::now());
        (options.test_limit + SLACK).min(left)
    }

    /// Whether a process given `limit` got less than a test's full time.
    pub(super) fn cut(&self, limit: Duration, options: &RunOptions) -> bool {
        limit < options.test_limit + SLACK
    }

    pub(super) fn not_run(&self, first: &Exit) -> Observed {
        let why = match first {
            Exit::Signal(signal) => format!("was killed by signal {signal}"),
            Exit::Code(code) => format!("exited with code {code}"),
            Exit::TimedOut => "ran out of time".to_string(),
        };
        Observed::OverBudget(format!(
            "not run: the test process running all of this lesson's tests {why} before this test \
             recorded a result, and re-running its tests one by one used up the lesson's time \
             budget ({} s of real time)",
            self.total.as_secs_f64()
        ))
    }

    pub(super) fn cut_short(&self) -> Observed {
        Observed::OverBudget(format!(
            "cut short: the lesson's time budget ({} s of real time) ran out while this test \
             ran",
            self.total.as_secs_f64()
        ))
    }
}
