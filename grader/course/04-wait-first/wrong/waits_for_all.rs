//! WRONG on purpose: waits for every mirror and every job (join_all), instead of the first
//! answer, the first failure or the deadline.

// Given by the course: `src/mirrors.rs` and `src/jobs.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

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
