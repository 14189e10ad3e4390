//! Right variant: `futures::future::select_all`, called again on the futures it hands
//! back, plus a pinned `tokio::time::sleep` deadline raced in a `tokio::select!`.
//!
//! Correct per the README: "`futures::future::select_all` does the same for a non-empty
//! list and also returns the others, which are cancelled when dropped" (hint 4); the empty
//! list is handled before (`select_all` panics on it). `until_first_failure` re-selects on
//! the remaining futures, whose count is `pending`. `all_within` puts one deadline on the
//! whole wait (a `sleep` created once, not one per job) and records each result as it
//! comes; at the deadline the remaining futures are dropped, which cancels them.

pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures::future::select_all;

type Boxed<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    if mirrors.is_empty() {
        return None;
    }
    let (reply, _index, _others) =
        select_all(mirrors.into_iter().map(|m| Box::pin(m.fetch()))).await;
    Some(reply)
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let mut running: Vec<Boxed<Result<(), JobError>>> = jobs
        .into_iter()
        .map(|job| Box::pin(job.run()) as Boxed<_>)
        .collect();
    let mut done = 0;
    while !running.is_empty() {
        let (result, _index, rest) = select_all(running).await;
        done += 1;
        if let Err(error) = result {
            return Err(FirstFailure {
                error,
                done,
                pending: rest.len(),
            });
        }
        running = rest;
    }
    Ok(done)
}

/// Runs all jobs at once and collects those that end within `limit`, successes and
/// failures alike; the others are cancelled at the deadline.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let mut report = AtDeadline {
        unfinished: jobs.iter().map(|job| job.name).collect(),
        ..AtDeadline::default()
    };
    let mut running: Vec<Boxed<(&'static str, Result<(), JobError>)>> = jobs
        .into_iter()
        .map(|job| Box::pin(async move { (job.name, job.run().await) }) as Boxed<_>)
        .collect();
    let deadline = tokio::time::sleep(limit);
    tokio::pin!(deadline);
    while !running.is_empty() {
        let next = select_all(std::mem::take(&mut running));
        tokio::select! {
            biased;
            ((name, result), _index, rest) = next => {
                report.unfinished.remove(name);
                report.finished.insert(name, result);
                running = rest;
            }
            // Dropping `next` here drops every future still in it: they are cancelled.
            () = &mut deadline => break,
        }
    }
    report
}
