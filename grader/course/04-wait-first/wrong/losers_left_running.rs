//! WRONG on purpose: spawns the requests and jobs and drops the handles of those still
//! running, which detaches them: they go on and print.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
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

/// Wrong: spawns the requests and drops the losers' handles, which detaches them.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    if mirrors.is_empty() {
        return None;
    }
    let handles: Vec<_> = mirrors
        .into_iter()
        .map(|mirror| tokio::spawn(mirror.fetch()))
        .collect();
    let (first, _index, _others) = futures::future::select_all(handles).await;
    Some(first.expect("a mirror task panicked"))
}

/// Wrong: spawns the jobs and drops the pending handles, which detaches them.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let mut running: Vec<_> = jobs
        .into_iter()
        .map(|job| tokio::spawn(job.run()))
        .collect();
    let mut done = 0;
    while !running.is_empty() {
        let (result, _index, others) = futures::future::select_all(running).await;
        running = others;
        done += 1;
        if let Err(error) = result.expect("a job task panicked") {
            return Err(FirstFailure {
                error,
                done,
                pending: running.len(),
            });
        }
    }
    Ok(done)
}

/// Wrong: spawns the jobs and drops the unfinished handles at the deadline, which
/// detaches them.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let mut report = AtDeadline {
        unfinished: jobs.iter().map(|job| job.name).collect(),
        ..AtDeadline::default()
    };
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .map(|job| tokio::spawn(async move { (job.name, job.run().await) }))
        .collect();
    let collect = async {
        while let Some(result) = running.next().await {
            let (name, outcome) = result.expect("a job task panicked");
            report.unfinished.remove(name);
            report.finished.insert(name, outcome);
        }
    };
    let _ = tokio::time::timeout(limit, collect).await;
    report
}
