//! Right variant: `tokio::spawn`ed tasks whose `JoinHandle`s are aborted by hand, results
//! sent back on an `mpsc` channel, and a `tokio::select!` loop that races the channel
//! against one pinned deadline.
//!
//! Correct per the README: "A `JoinHandle` from `tokio::spawn`: dropping it *detaches* the
//! task ... call `.abort()`": every function aborts every handle before it returns, so
//! nothing left behind prints. The channel gives results in the order they finish, like
//! `join_next`. `all_within` has one deadline for the whole wait (a `sleep` created once)
//! and records each result as it arrives.

pub mod jobs;
pub mod mirrors;

pub use jobs::{AtDeadline, FirstFailure, Job, JobError};
pub use mirrors::{Mirror, Reply};

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Aborts every task on drop, so no early return leaves one running.
#[derive(Debug, Default)]
struct AbortAll(Vec<JoinHandle<()>>);

impl Drop for AbortAll {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

/// Spawns every future; each sends its output on the returned channel when it ends.
fn spawn_all<T, F>(futures: impl IntoIterator<Item = F>) -> (AbortAll, mpsc::UnboundedReceiver<T>)
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let (sender, receiver) = mpsc::unbounded_channel();
    let mut tasks = AbortAll::default();
    for future in futures {
        let sender = sender.clone();
        tasks.0.push(tokio::spawn(async move {
            let _ = sender.send(future.await);
        }));
    }
    (tasks, receiver)
}

/// Asks every mirror at once and returns the first reply, `None` if there are no
/// mirrors. The other requests are cancelled: none of them prints anything afterwards.
pub async fn fastest(mirrors: Vec<Mirror>) -> Option<Reply> {
    let (_tasks, mut replies) = spawn_all(mirrors.into_iter().map(Mirror::fetch));
    replies.recv().await
}

/// Runs all jobs at once until one fails. `Ok(n)`: all `n` jobs succeeded. At the first
/// failure, returns it at once with how many jobs had ended (`done`, the failed one
/// included) and how many were still running (`pending`); those are cancelled.
pub async fn until_first_failure(jobs: Vec<Job>) -> Result<usize, FirstFailure> {
    let total = jobs.len();
    let (_tasks, mut results) = spawn_all(jobs.into_iter().map(Job::run));
    let mut done = 0;
    while let Some(result) = results.recv().await {
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
    let mut report = AtDeadline {
        unfinished: jobs.iter().map(|job| job.name).collect(),
        ..AtDeadline::default()
    };
    let (_tasks, mut results) = spawn_all(
        jobs.into_iter()
            .map(|job| async move { (job.name, job.run().await) }),
    );
    let deadline = tokio::time::sleep(limit);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            received = results.recv() => match received {
                Some((name, result)) => {
                    report.unfinished.remove(name);
                    report.finished.insert(name, result);
                }
                None => break,
            },
            () = &mut deadline => break,
        }
    }
    report
}
