//! Given by the course: the simulated jobs of lesson 4 and the reports about them. Do not
//! edit this file: the grader always compiles the course's copy of it (your changes would
//! be ignored), and `lib.rs` must keep `pub mod jobs;`. The tests import these items from
//! here (`exercise_04::jobs::Job`): they rely on what a job prints and when.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use timeline::say;

/// A job that takes a while and then succeeds or fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// The job's name, unique in a batch.
    pub name: &'static str,
    /// How long the job runs before it ends.
    pub takes: Duration,
    /// `Some(reason)`: the job fails with this reason when its time is up.
    pub fails_with: Option<&'static str>,
}

impl Job {
    /// A job that succeeds after `takes`.
    pub const fn ok(name: &'static str, takes: Duration) -> Self {
        Self {
            name,
            takes,
            fails_with: None,
        }
    }

    /// A job that fails with `reason` after `takes`.
    pub const fn failing(name: &'static str, takes: Duration, reason: &'static str) -> Self {
        Self {
            name,
            takes,
            fails_with: Some(reason),
        }
    }

    /// Runs the job: after `takes` it prints `<name>: done` and returns `Ok(())`, or
    /// prints `<name>: failed (<reason>)` and returns the error. Dropping the future
    /// before then cancels the job, and nothing is printed.
    pub async fn run(self) -> Result<(), JobError> {
        tokio::time::sleep(self.takes).await;
        match self.fails_with {
            None => {
                say!("{}: done", self.name);
                Ok(())
            }
            Some(reason) => {
                say!("{}: failed ({reason})", self.name);
                Err(JobError {
                    job: self.name,
                    reason,
                })
            }
        }
    }
}

/// Why a job failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// The job that failed.
    pub job: &'static str,
    /// What went wrong.
    pub reason: &'static str,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {} failed: {}", self.job, self.reason)
    }
}

impl std::error::Error for JobError {}

/// What [`until_first_failure`](crate::until_first_failure) reports when a job fails (asyncio's `done, pending`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstFailure {
    /// The first failure.
    pub error: JobError,
    /// Jobs that had ended when it came, the failed one included.
    pub done: usize,
    /// Jobs still running when it came; they are cancelled and never end.
    pub pending: usize,
}

/// What [`all_within`](crate::all_within) collected by its deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AtDeadline {
    /// The jobs that ended before the deadline, by name, with how each ended.
    pub finished: BTreeMap<&'static str, Result<(), JobError>>,
    /// The names of the jobs that had not ended by then; they are cancelled.
    pub unfinished: BTreeSet<&'static str>,
}
