//! Right variant: a `tokio_util::sync::CancellationToken` for every signal, the
//! supervisor's workers spawned into a `tokio::task::JoinSet`, and a worker loop that
//! keeps one pinned `Sleep` and `reset`s it for each round.
//!
//! Correct per the README: "`token.cancel()` on one side, `token.cancelled().await` (or
//! `token.clone().cancelled_owned()`) on the other; clones share one state" (hints 2 and
//! 3). The supervisor takes results with `join_next()` until the first `Err`, cancels the
//! token, then keeps calling `join_next()` until `None` (the README's "keep draining").
//! Each round's sleep is reset to end `round` after the previous deadline, which is
//! exactly when the next round began; the shutdown branch is written first with
//! `biased;`. `city_map` is hint 4 (`timeout` drops the request).

pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Runs `worker`'s rounds until `shutdown` completes; returns how many rounds it committed.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let round_timer = tokio::time::sleep(worker.round);
    tokio::pin!(round_timer);
    let mut round = 1;
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            () = &mut round_timer => {
                if worker.fails_in_round == Some(round) {
                    say!("{}: round {round} failed", worker.name);
                    return Err(DbError { worker: worker.name, round });
                }
                say!("{}: round {round} committed", worker.name);
                round += 1;
                let next = round_timer.deadline() + worker.round;
                round_timer.as_mut().reset(next);
            }
        }
    }
    tokio::time::sleep(worker.cleanup).await;
    say!("{}: round {round} rolled back", worker.name);
    let committed = round - 1;
    say!("{}: closed ({committed} committed)", worker.name);
    Ok(committed)
}

/// Starts `worker` in the background, lets it work for `after`, then asks it to shut down
/// (printing `shutdown requested`) and waits until it has rolled back and closed.
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    let token = CancellationToken::new();
    let task = tokio::spawn(db_operation(worker, token.clone().cancelled_owned()));
    tokio::time::sleep(after).await;
    say!("shutdown requested");
    token.cancel();
    match task.await {
        Ok(result) => result,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// Runs all `workers` at once until the first one fails, then asks the others to shut
/// down, waits until every one of them has rolled back and closed, and returns what each
/// worker returned, by name.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    let token = CancellationToken::new();
    let mut set = JoinSet::new();
    for worker in workers {
        let shutdown = token.clone().cancelled_owned();
        set.spawn(async move { (worker.name.clone(), db_operation(worker, shutdown).await) });
    }
    let mut results = BTreeMap::new();
    while let Some(joined) = set.join_next().await {
        let (name, result) = joined.expect("a worker panicked");
        if let Err(error) = &result
            && !token.is_cancelled()
        {
            say!(
                "supervisor: {name} failed in round {}, cancelling the {} still running",
                error.round,
                set.len()
            );
            token.cancel();
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
    let traffic = match tokio::time::timeout(budget, traffic).await {
        Ok(answer) => {
            say!("{city}: traffic included");
            Some(answer)
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
