//! WRONG on purpose: rolls back in `Drop` and aborts the tasks; `Drop` cannot `.await`, so the
//! cleanup takes no time at all.

// Given by the course: `src/workers.rs` and `src/maps.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use timeline::say;
use tokio::task::JoinSet;

/// Prints the rollback and the last words when the round in flight is dropped.
struct RoundInFlight<'a> {
    worker: &'a str,
    round: u32,
    armed: bool,
}

impl Drop for RoundInFlight<'_> {
    fn drop(&mut self) {
        if self.armed {
            // Wrong: `Drop` is a plain function. It cannot `.await` the cleanup, so the
            // "rollback" is announced at once and takes no time.
            say!("{}: round {} rolled back", self.worker, self.round);
            say!("{}: closed ({} committed)", self.worker, self.round - 1);
        }
    }
}

/// Wrong: leaves the cleanup to a `Drop` guard, which runs on shutdown and on abort alike.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut committed = 0;
    loop {
        let round = committed + 1;
        let mut guard = RoundInFlight {
            worker: &worker.name,
            round,
            armed: true,
        };
        tokio::select! {
            biased;
            () = &mut shutdown => return Ok(committed),
            () = tokio::time::sleep(worker.round) => {
                guard.armed = false;
                if worker.fails_in_round == Some(round) {
                    say!("{}: round {round} failed", worker.name);
                    return Err(DbError { worker: worker.name.clone(), round });
                }
                say!("{}: round {round} committed", worker.name);
                committed = round;
            }
        }
    }
}

/// Wrong: aborts the task, trusting the `Drop` guard to clean up.
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    let task = tokio::spawn(db_operation(worker, std::future::pending()));
    tokio::time::sleep(after).await;
    say!("shutdown requested");
    task.abort();
    match task.await {
        Ok(result) => result,
        Err(_cancelled) => Ok(0),
    }
}

/// Wrong: aborts the others, trusting the `Drop` guard to clean up.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    let mut set = JoinSet::new();
    for worker in workers {
        set.spawn(async move {
            let name = worker.name.clone();
            (name, db_operation(worker, std::future::pending()).await)
        });
    }
    let mut report = BTreeMap::new();
    while let Some(joined) = set.join_next().await {
        let Ok((name, result)) = joined else { continue };
        let failed = result.as_ref().err().cloned();
        report.insert(name, result);
        if let Some(error) = failed {
            say!(
                "supervisor: {} failed in round {}, cancelling the {} still running",
                error.worker,
                error.round,
                set.len()
            );
            set.abort_all();
        }
    }
    say!("supervisor: all workers stopped");
    report
}

/// Builds the map of `city`, with the traffic if the optional `traffic` service answers
/// within `budget`.
///
/// In time: prints `<city>: traffic included` and returns its answer. Too slow: prints
/// `<city>: traffic service too slow, answering without it` at `budget`, and the request
/// is cancelled right then (it never finishes later in the background).
pub async fn city_map(
    city: &str,
    traffic: impl Future<Output = String>,
    budget: Duration,
) -> CityMap {
    // `tokio::time::timeout` is `asyncio.wait_for`. When the time is up it drops the
    // future it was given, which is the cancellation: the request is never polled again
    // and everything it owned is dropped with it. (Timing out a `JoinHandle` instead would
    // only stop waiting: the spawned task would carry on.)
    let traffic = match tokio::time::timeout(budget, traffic).await {
        Ok(report) => {
            say!("{city}: traffic included");
            Some(report)
        }
        Err(_elapsed) => {
            say!("{city}: traffic service too slow, answering without it");
            None
        }
    };
    CityMap {
        city: city.to_string(),
        traffic,
    }
}
