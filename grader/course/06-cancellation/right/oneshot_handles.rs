//! Right variant: `tokio::sync::oneshot` shutdown signals, the supervisor's workers
//! `tokio::spawn`ed with their `JoinHandle`s kept, results reported on an `mpsc` channel,
//! and a worker whose `select!` only decides how the round ended (the shutdown future is
//! pinned on the heap, `Box::pin`), with the rollback after the loop.
//!
//! Correct per the README: "a `oneshot` for a single task" is a named shutdown signal; a
//! oneshot receiver completes when its sender sends (or is dropped). The supervisor learns
//! each result as it comes from the channel; at the first `Err` it fires every other
//! worker's oneshot, then waits for every worker to report and finally awaits every
//! `JoinHandle` ("`await task` is `handle.await` ... the only way to know that the cleanup
//! has finished"), so no task of its own is alive when it returns. `city_map` wraps the
//! request in `timeout`, which drops it when the budget is spent.

pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;
use tokio::sync::{mpsc, oneshot};

/// Runs `worker`'s rounds until `shutdown` completes; returns how many rounds it committed.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    let mut shutdown = Box::pin(shutdown);
    let mut committed = 0;
    let abandoned = loop {
        let round = committed + 1;
        let finished = tokio::select! {
            biased;
            () = shutdown.as_mut() => false,
            () = tokio::time::sleep(worker.round) => true,
        };
        if !finished {
            break round;
        }
        if worker.fails_in_round == Some(round) {
            say!("{}: round {round} failed", worker.name);
            return Err(DbError {
                worker: worker.name,
                round,
            });
        }
        say!("{}: round {round} committed", worker.name);
        committed = round;
    };
    tokio::time::sleep(worker.cleanup).await;
    say!("{}: round {abandoned} rolled back", worker.name);
    say!("{}: closed ({committed} committed)", worker.name);
    Ok(committed)
}

/// A future that completes when `stop` fires (or its sender is dropped).
async fn stop_signal(stop: oneshot::Receiver<()>) {
    let _ = stop.await;
}

/// Starts `worker` in the background, lets it work for `after`, then asks it to shut down
/// (printing `shutdown requested`) and waits until it has rolled back and closed.
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(db_operation(worker, stop_signal(stopped)));
    tokio::time::sleep(after).await;
    say!("shutdown requested");
    let _ = stop.send(());
    task.await.expect("the worker panicked")
}

/// Runs all `workers` at once until the first one fails, then asks the others to shut
/// down, waits until every one of them has rolled back and closed, and returns what each
/// worker returned, by name.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    let total = workers.len();
    let (report, mut reports) = mpsc::unbounded_channel();
    let mut stops = Vec::new();
    let mut handles = Vec::new();
    for worker in workers {
        let (stop, stopped) = oneshot::channel();
        stops.push(stop);
        let report = report.clone();
        handles.push(tokio::spawn(async move {
            let name = worker.name.clone();
            let result = db_operation(worker, stop_signal(stopped)).await;
            let _ = report.send((name, result));
        }));
    }
    drop(report);
    let mut results = BTreeMap::new();
    while let Some((name, result)) = reports.recv().await {
        if let Err(error) = &result
            && !stops.is_empty()
        {
            let still_running = total - results.len() - 1;
            say!(
                "supervisor: {name} failed in round {}, cancelling the {still_running} still running",
                error.round
            );
            for stop in stops.drain(..) {
                let _ = stop.send(());
            }
        }
        results.insert(name, result);
    }
    for handle in handles {
        handle.await.expect("a worker panicked");
    }
    say!("supervisor: all workers stopped");
    results
}

/// Builds the map of `city`, with the traffic if the optional `traffic` service answers
/// within `budget`.
pub async fn city_map(
    city: &str,
    traffic: impl Future<Output = String>,
    budget: Duration,
) -> CityMap {
    let answer = tokio::time::timeout(budget, traffic).await.ok();
    if answer.is_some() {
        say!("{city}: traffic included");
    } else {
        say!("{city}: traffic service too slow, answering without it");
    }
    CityMap {
        city: city.to_string(),
        traffic: answer,
    }
}
