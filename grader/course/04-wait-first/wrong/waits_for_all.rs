//! WRONG on purpose: waits for every mirror and every job (join_all), instead of the first
//! answer, the first failure or the deadline.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use timeline::say;

// ---------------------------------------------------------------------------------------
// Given: the simulated mirrors and jobs. Leave them as they are: the tests rely on what
// they print and when.
// ---------------------------------------------------------------------------------------

/// A server holding a copy of the same data, answering after its own latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mirror {
    /// Printed in front of the mirror's line and returned in its [`Reply`].
    pub name: &'static str,
    /// How long the mirror takes to answer.
    pub latency: Duration,
}

impl Mirror {
    /// A mirror called `name` that answers after `latency`.
    pub const fn new(name: &'static str, latency: Duration) -> Self {
        Self { name, latency }
    }

    /// Asks the mirror for the data: after `latency` it prints `<name>: answered` and
    /// returns its reply. Dropping the future before then cancels the request, and
    /// nothing is printed.
    pub async fn fetch(self) -> Reply {
        tokio::time::sleep(self.latency).await;
        say!("{}: answered", self.name);
        Reply { mirror: self.name }
    }
}

/// What a mirror sends back (every mirror has the same data; only the sender differs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The mirror that answered.
    pub mirror: &'static str,
}

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

/// What [`until_first_failure`] reports when a job fails (asyncio's `done, pending`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstFailure {
    /// The first failure.
    pub error: JobError,
    /// Jobs that had ended when it came, the failed one included.
    pub done: usize,
    /// Jobs still running when it came; they are cancelled and never end.
    pub pending: usize,
}

/// What [`all_within`] collected by its deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AtDeadline {
    /// The jobs that ended before the deadline, by name, with how each ended.
    pub finished: BTreeMap<&'static str, Result<(), JobError>>,
    /// The names of the jobs that had not ended by then; they are cancelled.
    pub unfinished: BTreeSet<&'static str>,
}

// ---------------------------------------------------------------------------------------
// The lesson: three ways to wait for a group of tasks.
// ---------------------------------------------------------------------------------------

/// Wrong: waits for every mirror, then picks the fastest answer.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    let replies = futures::future::join_all(
        mirrors
            .into_iter()
            .map(|mirror| async move { (mirror.latency, mirror.fetch().await) }),
    )
    .await;
    replies
        .into_iter()
        .min_by_key(|(latency, _)| *latency)
        .map(|(_, reply)| reply)
}

/// Wrong: waits for every job, then looks for a failure.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let total = jobs.len();
    let results = futures::future::join_all(jobs.into_iter().map(Job::run)).await;
    match results.into_iter().find_map(Result::err) {
        None => Ok(total),
        Some(error) => Err(FirstFailure {
            error,
            done: total,
            pending: 0,
        }),
    }
}

/// Wrong: puts the deadline on `join_all`, which gives all results or none, so one slow
/// job loses the results of those that did finish.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let names: BTreeSet<&'static str> = jobs.iter().map(|job| job.name).collect();
    let all = futures::future::join_all(
        jobs.into_iter()
            .map(|job| async move { (job.name, job.run().await) }),
    );
    match tokio::time::timeout(limit, all).await {
        Ok(results) => AtDeadline {
            finished: results.into_iter().collect(),
            unfinished: BTreeSet::new(),
        },
        Err(_elapsed) => AtDeadline {
            finished: BTreeMap::new(),
            unfinished: names,
        },
    }
}
