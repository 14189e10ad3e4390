//! Right variant: every job wrapped in `tokio::time::timeout_at` on one shared `Instant`,
//! all of them joined with `futures::future::join_all`; `fastest` and
//! `until_first_failure` with `futures::stream::select_all` over one-item streams.
//!
//! Correct per the README: all the jobs start at once and share one deadline (the README
//! names `timeout_at` with an `Instant`), so each either ends before it or is dropped at
//! it (cancelled); `join_all` returns when the last job has ended or the deadline has
//! passed, whichever comes first, which is exactly `all_within`'s contract. A job whose
//! `timeout_at` gave `Err(Elapsed)` is unfinished. For the other two, `select_all` of
//! streams yields outputs as they finish, like `FuturesUnordered`; dropping it cancels the
//! rest, and an empty group just ends (`None`).

pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::time::Duration;

use futures::StreamExt;
use futures::future::join_all;
use futures::stream::{self, select_all};
use tokio::time::{Instant, timeout_at};

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    let mut replies = select_all(
        mirrors
            .into_iter()
            .map(|mirror| stream::once(mirror.fetch()).boxed()),
    );
    replies.next().await
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let total = jobs.len();
    let mut results = select_all(jobs.into_iter().map(|job| stream::once(job.run()).boxed()));
    let mut done = 0;
    while let Some(result) = results.next().await {
        done += 1;
        if let Err(error) = result {
            return Err(FirstFailure {
                error,
                done,
                pending: total - done,
            });
        }
    }
    Ok(done)
}

/// Runs all jobs at once and collects those that end within `limit`, successes and
/// failures alike; the others are cancelled at the deadline.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let deadline = Instant::now() + limit;
    let ended = join_all(
        jobs.into_iter()
            .map(|job| async move { (job.name, timeout_at(deadline, job.run()).await) }),
    )
    .await;
    let mut report = AtDeadline::default();
    for (name, outcome) in ended {
        match outcome {
            Ok(result) => {
                report.finished.insert(name, result);
            }
            Err(_elapsed) => {
                report.unfinished.insert(name);
            }
        }
    }
    report
}
