//! Right variant: `tokio::sync::Notify` as the shutdown signal, the worker of
//! `shutdown_after` run beside the timer with `tokio::join!` (on the current task, no
//! spawn), and `supervise` over a `futures::stream::FuturesUnordered`.
//!
//! Correct per the README: the worker takes "a future that completes when it is time to
//! stop" and "does not care where it comes from"; `notified()` is one. `notify_one`
//! stores a permit, so the worker sees it even if it is not waiting at that instant;
//! `notify_waiters` completes every `Notified` created before the call, and each worker's
//! was created when the group was built. `shutdown_after` runs the worker concurrently
//! with the timer and returns only when the worker has rolled back and closed, so nothing
//! of it is alive afterwards. The worker loop is hint 1 (`biased;`, shutdown first).

pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
#[allow(unused_imports)]
use timeline::say;
use tokio::sync::Notify;

/// Runs `worker`'s rounds until `shutdown` completes; returns how many rounds it committed.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut round = 1;
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = tokio::time::sleep(worker.round) => {}
        }
        if worker.fails_in_round == Some(round) {
            say!("{}: round {round} failed", worker.name);
            return Err(DbError {
                worker: worker.name,
                round,
            });
        }
        say!("{}: round {round} committed", worker.name);
        round += 1;
    }
    tokio::time::sleep(worker.cleanup).await;
    say!("{}: round {round} rolled back", worker.name);
    say!("{}: closed ({} committed)", worker.name, round - 1);
    Ok(round - 1)
}

/// Starts `worker` in the background, lets it work for `after`, then asks it to shut down
/// (printing `shutdown requested`) and waits until it has rolled back and closed.
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    let stop = Notify::new();
    let request = async {
        tokio::time::sleep(after).await;
        say!("shutdown requested");
        stop.notify_one();
    };
    let (result, ()) = tokio::join!(db_operation(worker, stop.notified()), request);
    result
}

/// Runs all `workers` at once until the first one fails, then asks the others to shut
/// down, waits until every one of them has rolled back and closed, and returns what each
/// worker returned, by name.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    let stop = Notify::new();
    let mut running: FuturesUnordered<_> = workers
        .into_iter()
        .map(|worker| {
            let name = worker.name.clone();
            let signal = stop.notified();
            async move { (name, db_operation(worker, signal).await) }
        })
        .collect();
    let mut results = BTreeMap::new();
    let mut stopping = false;
    while let Some((name, result)) = running.next().await {
        if let Err(error) = &result
            && !stopping
        {
            say!(
                "supervisor: {name} failed in round {}, cancelling the {} still running",
                error.round,
                running.len()
            );
            stop.notify_waiters();
            stopping = true;
        }
        results.insert(name, result);
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
    let traffic = tokio::time::timeout(budget, traffic).await.ok();
    let note = if traffic.is_some() {
        "traffic included"
    } else {
        "traffic service too slow, answering without it"
    };
    say!("{city}: {note}");
    CityMap {
        city: city.to_string(),
        traffic,
    }
}
