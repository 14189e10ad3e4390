//! Lesson 4: wait for the first to complete, the first failure, or a deadline.
//!
//! Read the task in README.md. Run the demo with `cargo run -p exercise-04` and the tests
//! with `cargo test -p exercise-04`. The mirrors and jobs are given, in `src/mirrors.rs`
//! and `src/jobs.rs`: read them, but do not change them (the grader compiles the course's
//! copies, whatever yours say). Your part is the three functions below.

// Given by the course: `src/mirrors.rs` and `src/jobs.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::time::Duration;

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
