//! Right variant: a `tokio::sync::watch` channel as the shutdown signal, the supervisor's
//! workers as plain futures in a `futures::stream::FuturesUnordered`, and the time budget
//! as a `select!` between the request and a `sleep`.
//!
//! Correct per the README: "A watch channel works as well: `async move { let _ =
//! rx.wait_for(|stop| *stop).await; }`" (hint 2); "A `FuturesUnordered` of the same
//! futures, with `.next().await`, works the same way without spawning" (hint 3): after
//! the first `Err` it keeps draining until `None`, so every worker rolls back. The worker
//! loop is hint 1 (`biased;`, shutdown first). In `city_map`, when the `sleep` wins the
//! `select!` drops the request: it is cancelled, never answering later.

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
use tokio::sync::watch;

/// Runs `worker`'s rounds until `shutdown` completes; returns how many rounds it committed.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut committed = 0;
    loop {
        let round = committed + 1;
        tokio::select! {
            biased;
            () = &mut shutdown => {
                tokio::time::sleep(worker.cleanup).await;
                say!("{}: round {round} rolled back", worker.name);
                say!("{}: closed ({committed} committed)", worker.name);
                return Ok(committed);
            }
            () = tokio::time::sleep(worker.round) => {
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

/// A future that completes once `true` is sent on the channel (or the sender is gone).
async fn stop_signal(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Starts `worker` in the background, lets it work for `after`, then asks it to shut down
/// (printing `shutdown requested`) and waits until it has rolled back and closed.
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(db_operation(worker, stop_signal(stopped)));
    tokio::time::sleep(after).await;
    say!("shutdown requested");
    let _ = stop.send(true);
    task.await.expect("the worker panicked")
}

/// Runs all `workers` at once until the first one fails, then asks the others to shut
/// down, waits until every one of them has rolled back and closed, and returns what each
/// worker returned, by name.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    let (stop, stopped) = watch::channel(false);
    let mut running: FuturesUnordered<_> = workers
        .into_iter()
        .map(|worker| {
            let signal = stop_signal(stopped.clone());
            async move { (worker.name.clone(), db_operation(worker, signal).await) }
        })
        .collect();
    let mut results = BTreeMap::new();
    while let Some((name, result)) = running.next().await {
        if let Err(error) = &result
            && !*stop.borrow()
        {
            say!(
                "supervisor: {} failed in round {}, cancelling the {} still running",
                error.worker,
                error.round,
                running.len()
            );
            let _ = stop.send(true);
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
    let traffic = tokio::select! {
        biased;
        answer = traffic => {
            say!("{city}: traffic included");
            Some(answer)
        }
        () = tokio::time::sleep(budget) => {
            say!("{city}: traffic service too slow, answering without it");
            None
        }
    };
    CityMap {
        city: city.to_string(),
        traffic,
    }
}
