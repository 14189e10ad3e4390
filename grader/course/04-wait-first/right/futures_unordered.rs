//! Right variant: `futures::stream::FuturesUnordered` for all three, no task spawned
//! (README hint 4).
//!
//! Correct per the README: "`FuturesUnordered` runs plain futures on the current task";
//! `.next()` gives the first to finish (`None` for an empty group), `len()` counts the
//! pending ones, and dropping the group cancels every future still in it. `all_within`
//! records each result as it arrives inside one `tokio::time::timeout` around the whole
//! loop, so what finished is saved when the deadline drops the loop.

pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    let mut requests: FuturesUnordered<_> = mirrors.into_iter().map(Mirror::fetch).collect();
    requests.next().await
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let mut running: FuturesUnordered<_> = jobs.into_iter().map(Job::run).collect();
    let mut done = 0;
    while let Some(result) = running.next().await {
        done += 1;
        if let Err(error) = result {
            let pending = running.len();
            return Err(FirstFailure {
                error,
                done,
                pending,
            });
        }
    }
    Ok(done)
}

/// Runs all jobs at once and collects those that end within `limit`, successes and
/// failures alike; the others are cancelled at the deadline.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    let mut report = AtDeadline::default();
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .map(|job| async move { (job.name, job.run().await) })
        .collect();
    let collect = async {
        while let Some((name, result)) = running.next().await {
            report.finished.insert(name, result);
        }
    };
    let _ = tokio::time::timeout(limit, collect).await;
    drop(running);
    for name in names {
        if !report.finished.contains_key(name) {
            report.unfinished.insert(name);
        }
    }
    report
}
