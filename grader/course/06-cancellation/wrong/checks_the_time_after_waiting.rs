//! WRONG on purpose: `city_map` waits for the traffic service to answer and only then
//! compares the time it took with the budget: the page comes as late as the slowest
//! answer, not at the budget.

// Given by the course: `src/workers.rs` and `src/maps.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use timeline::say;
use tokio_util::sync::CancellationToken;

/// Runs `worker`'s rounds until `shutdown` completes; returns how many rounds it committed.
///
/// Round `n` takes `worker.round`; then it prints `<name>: round <n> committed` and the
/// next round begins at once. If the worker is set to fail in round `n`, it prints
/// `<name>: round <n> failed` instead and returns the error.
///
/// When `shutdown` completes (at any moment, also in the middle of a round, also before
/// the first round is committed), the round in flight is abandoned and rolled back: after
/// `worker.cleanup` the worker prints `<name>: round <n> rolled back`, then its last words
/// `<name>: closed (<k> committed)`, and returns `Ok(k)`.
pub async fn db_operation(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<u32, DbError> {
    // A shutdown signal is any future that completes when it is time to stop: a
    // `CancellationToken::cancelled()`, a watch channel's `changed()`, a `sleep`, Ctrl-C.
    // `select!` needs to poll it again on every round without consuming it, so it is pinned
    // once here and borrowed as `&mut shutdown` below.
    let mut shutdown = std::pin::pin!(shutdown);
    let mut committed = 0;
    loop {
        let round = committed + 1;
        tokio::select! {
            // `biased;` polls the branches top to bottom instead of in a random order. If a
            // round ends at the very instant the shutdown arrives, the shutdown wins, every
            // time. Without it the outcome of such a tie is a coin toss.
            biased;
            () = &mut shutdown => {
                // Here lies the whole difference with `JoinHandle::abort`. An aborted task
                // is dropped at the `.await` where it sleeps; only `Drop` runs, and `Drop`
                // is synchronous: it cannot wait for a rollback. Asked to stop
                // cooperatively, the worker leaves its loop itself and is still an async
                // function, free to `.await` its cleanup.
                tokio::time::sleep(worker.cleanup).await;
                say!("{}: round {round} rolled back", worker.name);
                say!("{}: closed ({committed} committed)", worker.name);
                return Ok(committed);
            }
            // Dropping this sleep when the shutdown wins is what "abandons" the round:
            // nothing of it is committed.
            () = tokio::time::sleep(worker.round) => {
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
/// (printing `shutdown requested`) and waits until it has rolled back and closed. Returns
/// what the worker returned. (The worker given here does not fail.)
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    // The asyncio lesson: `task = create_task(..)`, sleep, `task.cancel()`, `await task`.
    // `task.cancel()` throws `CancelledError` into the coroutine, which may catch it and
    // clean up. `JoinHandle::abort` does not: it drops the task's future, so no `.await`
    // after it ever runs. The tokio way is to *ask*: a `CancellationToken` the worker
    // listens to, and then to wait for the task, as `await task` does.
    let token = CancellationToken::new();
    let task = tokio::spawn(db_operation(worker, token.clone().cancelled_owned()));
    tokio::time::sleep(after).await;
    say!("shutdown requested");
    token.cancel();
    // Awaiting the handle is what lets the caller know the cleanup is done. A dropped
    // `JoinHandle` does not stop the task either: it just runs on, unobserved.
    task.await.expect("the worker does not panic")
}

/// Runs all `workers` at once until the first one fails. Then asks the others to shut
/// down, waits until every one of them has rolled back and closed, and returns what each
/// worker returned, by name.
///
/// At the first failure it prints
/// `supervisor: <name> failed in round <n>, cancelling the <k> still running`
/// (`k`: the workers that have not returned yet); once every worker has stopped, it prints
/// `supervisor: all workers stopped`.
pub async fn supervise(workers: Vec<Worker>) -> BTreeMap<String, Result<u32, DbError>> {
    // One token for the whole group: `cancel()` reaches every clone at once.
    let token = CancellationToken::new();

    // The workers run as futures in a `FuturesUnordered`, which polls them all on this task
    // and yields each result as it finishes. A `JoinSet` of spawned tasks (each with
    // `token.clone().cancelled_owned()`) works the same way here.
    let mut running: FuturesUnordered<_> = workers
        .into_iter()
        .map(|worker| {
            let token = token.clone();
            async move {
                (
                    worker.name.clone(),
                    db_operation(worker, token.cancelled_owned()).await,
                )
            }
        })
        .collect();

    let mut report = BTreeMap::new();
    // asyncio.wait(.., return_when=FIRST_EXCEPTION): take results as they come until one
    // is an error.
    while let Some((name, result)) = running.next().await {
        let failed = result.as_ref().err().cloned();
        report.insert(name, result);
        if let Some(error) = failed {
            say!(
                "supervisor: {} failed in round {}, cancelling the {} still running",
                error.worker,
                error.round,
                running.len()
            );
            // `for p in pending: p.cancel()`: one call asks all of them.
            token.cancel();
            break;
        }
    }

    // `await asyncio.gather(*pending)`: keep polling until every cancelled worker has
    // finished its cleanup. Returning now would drop `running`, and dropping a future is
    // tokio's hard cancel: the rollbacks in progress would simply vanish.
    while let Some((name, result)) = running.next().await {
        report.insert(name, result);
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
    // Wrong: the budget is checked after the wait, not enforced during it.
    let started = tokio::time::Instant::now();
    let report = traffic.await;
    let traffic = if started.elapsed() <= budget {
        say!("{city}: traffic included");
        Some(report)
    } else {
        say!("{city}: traffic service too slow, answering without it");
        None
    };
    CityMap {
        city: city.to_string(),
        traffic,
    }
}
