//! WRONG on purpose: gives every job its own timeout and awaits them one after another,
//! instead of one deadline on all of them at once.

// Given by the course: `src/mirrors.rs` and `src/jobs.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::time::Duration;

use tokio::task::{JoinError, JoinSet};

// ---------------------------------------------------------------------------------------
// The lesson: three ways to wait for a group of tasks.
// ---------------------------------------------------------------------------------------

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
/// (asyncio: `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`, then cancel `pending`.)
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    // A `JoinSet` owns a group of spawned tasks and hands back their results in the order
    // they FINISH (not the order they were spawned in). tokio has no `return_when` flag:
    // how long to wait is simply how many times you call `join_next`.
    let mut requests = JoinSet::new();
    for mirror in mirrors {
        requests.spawn(mirror.fetch());
    }
    // `None`: the set is empty, there was nobody to ask. (`futures::future::select_all`
    // would panic on an empty list instead, and asyncio's `wait` raises `ValueError`.)
    let first = requests.join_next().await?;
    Some(joined(first))
    // `requests` is dropped here, and dropping a `JoinSet` aborts every task still in it.
    // That is the opposite of asyncio, where the `pending` tasks keep running until you
    // cancel them, and of a bare `JoinHandle`, whose drop DETACHES the task: it would go
    // on and print `answered` later. With `select_all` or `FuturesUnordered` the requests
    // are plain futures on this task, and dropping them cancels them the same way.
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled, so none
/// of them prints anything afterwards.
/// (asyncio: `asyncio.wait(tasks, return_when=FIRST_EXCEPTION)`, then cancel `pending`.)
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let mut running = JoinSet::new();
    for job in jobs {
        running.spawn(job.run());
    }
    let mut done = 0;
    // A failure in Rust is a value (`Err`), not an exception flying out of the task, so
    // "first exception" is just the first `Err` the loop sees.
    while let Some(result) = running.join_next().await {
        done += 1;
        if let Err(error) = joined(result) {
            // What is left in the set is exactly asyncio's `pending`.
            let pending = running.len();
            // Not strictly needed (dropping the set at `return` does the same), but it
            // says what happens to them.
            running.abort_all();
            return Err(FirstFailure {
                error,
                done,
                pending,
            });
        }
    }
    Ok(done)
}

/// Wrong: gives each job its own timeout and awaits them one after another, so the jobs
/// run in turn and the deadline is not one moment for all of them.
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let mut report = AtDeadline::default();
    for job in jobs {
        match tokio::time::timeout(limit, job.run()).await {
            Ok(outcome) => {
                report.finished.insert(job.name, outcome);
            }
            Err(_elapsed) => {
                report.unfinished.insert(job.name);
            }
        }
    }
    report
}

/// The value of a finished task. A task that panicked gives a `JoinError`; carry the
/// panic on here, as awaiting a failed asyncio task re-raises its exception.
fn joined<T>(result: Result<T, JoinError>) -> T {
    result.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()))
}
