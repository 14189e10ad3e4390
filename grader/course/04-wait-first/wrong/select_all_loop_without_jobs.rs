//! WRONG on purpose: `until_first_failure` loops on `select_all` and checks for the end
//! only after it: with no jobs at all, `select_all` panics on the empty list instead of
//! the function returning `Ok(0)`.

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

/// Wrong: `select_all` first, the "is anything left?" check after it. For an empty list
/// the first `select_all` panics ("iterator provided to select_all was empty").
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let mut running: Vec<_> = jobs.into_iter().map(|job| Box::pin(job.run())).collect();
    let mut done = 0;
    loop {
        let (result, _index, rest) = futures::future::select_all(running).await;
        done += 1;
        if let Err(error) = result {
            return Err(FirstFailure {
                error,
                done,
                pending: rest.len(),
            });
        }
        if rest.is_empty() {
            return Ok(done);
        }
        running = rest;
    }
}

/// Runs all jobs at once and collects those that end within `limit`, successes and
/// failures alike. Returns as soon as all have ended, or at the deadline with the names
/// of the others, which are then cancelled: none of them prints anything afterwards.
/// (asyncio: `asyncio.wait(tasks, timeout=limit)`, then cancel `pending`.)
pub async fn all_within(jobs: Vec<Job>, limit: Duration) -> AtDeadline {
    let mut report = AtDeadline {
        unfinished: jobs.iter().map(|job| job.name).collect(),
        ..AtDeadline::default()
    };
    let mut running = JoinSet::new();
    for job in jobs {
        // Tag each result with its job's name: the set gives results back in the order
        // they finish, so this is how we know whose result it is.
        running.spawn(async move { (job.name, job.run().await) });
    }
    // ALL_COMPLETED is "join until the set is empty"; the timeout puts one deadline on
    // the whole loop. Each result is recorded as it arrives, so when the deadline drops
    // the loop, everything that finished is already in the report.
    let collect = async {
        while let Some(result) = running.join_next().await {
            let (name, outcome) = joined(result);
            report.unfinished.remove(name);
            report.finished.insert(name, outcome);
        }
    };
    // `Err(Elapsed)` only says the deadline came first. Unlike `asyncio.wait(timeout=..)`,
    // which leaves `pending` running, the tasks still in `running` are aborted when it is
    // dropped at the end of this function.
    let _ = tokio::time::timeout(limit, collect).await;
    report
}

/// The value of a finished task. A task that panicked gives a `JoinError`; carry the
/// panic on here, as awaiting a failed asyncio task re-raises its exception.
fn joined<T>(result: Result<T, JoinError>) -> T {
    result.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()))
}
