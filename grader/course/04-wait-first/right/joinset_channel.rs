//! Right variant: spawned tasks in a `tokio::task::JoinSet` that report through a
//! `tokio::sync::mpsc` channel, with `tokio::time::timeout_at` on an `Instant`.
//!
//! Correct per the README: `fastest` is hint 1 (first `join_next`, the set is dropped and
//! its tasks aborted); `until_first_failure` is hint 2 (count every result as done, at the
//! first `Err` the set's `len()` is pending). `all_within` gives every task a sender; the
//! loop records each `(name, result)` as it arrives, under one deadline for the whole
//! loop (`timeout_at`, which the README names). Dropping the `JoinSet` at the end aborts
//! the jobs still running.

pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    let mut set = JoinSet::new();
    for mirror in mirrors {
        set.spawn(mirror.fetch());
    }
    let first = set.join_next().await?;
    Some(first.expect("mirror task panicked"))
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job.run());
    }
    let mut done = 0;
    while let Some(joined) = set.join_next().await {
        done += 1;
        if let Err(error) = joined.expect("job task panicked") {
            return Err(FirstFailure {
                error,
                done,
                pending: set.len(),
            });
        }
    }
    Ok(done)
}

/// Runs all jobs at once and collects those that end within `limit`, successes and
/// failures alike; the others are cancelled at the deadline.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let deadline = tokio::time::Instant::now() + limit;
    let mut report = AtDeadline::default();
    let (sender, mut results) = mpsc::unbounded_channel();
    let mut set = JoinSet::new();
    for job in jobs {
        report.unfinished.insert(job.name);
        let sender = sender.clone();
        set.spawn(async move {
            let _ = sender.send((job.name, job.run().await));
        });
    }
    drop(sender); // the channel closes when every job has reported
    let collect = async {
        while let Some((name, result)) = results.recv().await {
            report.unfinished.remove(name);
            report.finished.insert(name, result);
        }
    };
    let _ = tokio::time::timeout_at(deadline, collect).await;
    set.abort_all();
    report
}
