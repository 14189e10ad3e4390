//! WRONG on purpose: reads every mirror's `latency` and asks only the quickest one. The
//! reply and its time are right, but no real client knows the latencies before asking,
//! which is why the lesson asks every mirror at once: here the others are never asked.

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

/// Wrong: picks the mirror with the smallest `latency` and asks only that one. Every other
/// mirror stays unasked, so the `asked` lines show one request instead of one per mirror.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    let quickest = mirrors.into_iter().min_by_key(|mirror| mirror.latency)?;
    Some(quickest.fetch().await)
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
