//! Right variant: rounds paced by a `tokio::time::interval_at`, a child
//! `CancellationToken` per worker, the supervisor's futures in a `FuturesUnordered`, and
//! the time budget as a hand-written race in `std::future::poll_fn`.
//!
//! Correct per the README: the worker's `select!` is `biased;` with the shutdown first,
//! and the round in flight is the interval's pending tick, dropped with the `select!`
//! when the shutdown wins; `interval_at(now + round, round)` ends round `n` at
//! `n x round`, as one `sleep(round)` per round would. Child tokens are cancelled with
//! their parent ("one `cancel()` reaches a whole group"). The supervisor keeps draining
//! the `FuturesUnordered` after cancelling. `city_map` polls the request first, then the
//! budget's `Sleep`; when the budget wins the request is dropped on return: cancelled.

pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
#[allow(unused_imports)]
use timeline::say;
use tokio::time::{Instant, interval_at};
use tokio_util::sync::CancellationToken;

/// Runs `worker`'s rounds until `shutdown` completes; returns how many rounds it committed.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut rounds = interval_at(Instant::now() + worker.round, worker.round);
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
            _ = rounds.tick() => {
                if worker.fails_in_round == Some(round) {
                    say!("{}: round {round} failed", worker.name);
                    return Err(DbError { worker: worker.name, round });
                }
                say!("{}: round {round} committed", worker.name);
                committed = round;
            }
        }
    }
}

/// Starts `worker` in the background, lets it work for `after`, then asks it to shut down
/// (printing `shutdown requested`) and waits until it has rolled back and closed.
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    let token = CancellationToken::new();
    let child = token.child_token();
    let task = tokio::spawn(async move { db_operation(worker, child.cancelled()).await });
    tokio::time::sleep(after).await;
    say!("shutdown requested");
    token.cancel();
    task.await.expect("the worker panicked")
}

/// Runs all `workers` at once until the first one fails, then asks the others to shut
/// down, waits until every one of them has rolled back and closed, and returns what each
/// worker returned, by name.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    let group = CancellationToken::new();
    let mut running: FuturesUnordered<_> = workers
        .into_iter()
        .map(|worker| {
            let mine = group.child_token();
            async move {
                let name = worker.name.clone();
                (name, db_operation(worker, mine.cancelled_owned()).await)
            }
        })
        .collect();
    let mut results = BTreeMap::new();
    while let Some((name, result)) = running.next().await {
        if let Err(error) = &result
            && !group.is_cancelled()
        {
            let still_running = running.len();
            say!(
                "supervisor: {name} failed in round {}, cancelling the {still_running} still running",
                error.round
            );
            group.cancel();
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
    let mut traffic = std::pin::pin!(traffic);
    let mut budget = std::pin::pin!(tokio::time::sleep(budget));
    let answer = std::future::poll_fn(|cx| {
        if let Poll::Ready(answer) = traffic.as_mut().poll(cx) {
            return Poll::Ready(Some(answer));
        }
        budget.as_mut().poll(cx).map(|()| None)
    })
    .await;
    match &answer {
        Some(_) => say!("{city}: traffic included"),
        None => say!("{city}: traffic service too slow, answering without it"),
    }
    CityMap {
        city: city.to_string(),
        traffic: answer,
    }
}
