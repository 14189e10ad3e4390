//! WRONG on purpose: spawns the requests and jobs and drops the handles of those still
//! running, which detaches them: they go on and print.

// Given by the course: `src/mirrors.rs` and `src/jobs.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

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
