//! Lesson 4: wait for the first to complete, the first failure, or a deadline.
//!
//! Read the task in README.md. Run the demo with `cargo run -p exercise-04` and the tests
//! with `cargo test -p exercise-04`. The mirrors and jobs below are given; your part is
//! the three functions at the end.

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
// Your part: three ways to wait for a group of tasks.
// ---------------------------------------------------------------------------------------

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
/// (asyncio: `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`, then cancel `pending`.)
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    // TODO: start every `mirror.fetch()` at once and return the reply that comes FIRST in
    // time (not the mirror that comes first in the list). `tokio::select!` needs its
    // branches written out, so for a `Vec` use a group: `tokio::task::JoinSet`
    // (`spawn` each, then `join_next().await`), `futures::stream::FuturesUnordered`
    // (`.next().await`) or `futures::future::select_all`.
    // Then make sure the slower requests stop. Dropping a JoinSet, a FuturesUnordered or
    // the futures left over by select_all cancels them; dropping a bare `JoinHandle`
    // does NOT: that task keeps running and prints `answered` later.
    // No mirrors: return `None` (careful, `select_all` panics on an empty list).
    let _ = mirrors;
    todo!("fastest")
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled, so none
/// of them prints anything afterwards.
/// (asyncio: `asyncio.wait(tasks, return_when=FIRST_EXCEPTION)`, then cancel `pending`.)
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    // TODO: start every `job.run()` at once and take the results one by one, in the order
    // they finish (`join_next` in a loop, or `next` on a FuturesUnordered). Count each one
    // as done. The first `Err` ends the wait: return it with `done` and `pending` (the
    // jobs not finished yet), and cancel those. If every job succeeds, return `Ok(count)`.
    // A job that failed returns `Err`; nothing is thrown, so look at each result.
    let _ = jobs;
    todo!("until_first_failure")
}

/// Runs all jobs at once and collects those that end within `limit`, successes and
/// failures alike. Returns as soon as all have ended, or at the deadline with the names
/// of the others, which are then cancelled: none of them prints anything afterwards.
/// (asyncio: `asyncio.wait(tasks, timeout=limit)`, then cancel `pending`.)
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    // TODO: start every job at once and collect results as they arrive, keyed by the job's
    // name (a JoinSet gives results back in the order they finish, so return the name
    // with the result: `async move { (job.name, job.run().await) }`).
    // Put ONE deadline on the whole collecting loop, `tokio::time::timeout(limit, ..)`
    // (or `timeout_at` with an `Instant`), not one per job. When it fires, the loop is
    // dropped; what it recorded so far is `finished`, the other names are `unfinished`,
    // and those jobs must stop too.
    let _ = (jobs, limit);
    todo!("all_within")
}
