//! Lesson 6: cooperative cancellation, with async cleanup.
//!
//! Read the task in README.md. Run the demo with `cargo run -p exercise-06` and the tests
//! with `cargo test -p exercise-06`. Print with `say!`, not `println!`: the tests read
//! what you print and when.
//!
//! `Worker`, `DbError` and `CityMap` are given, in `src/workers.rs` and `src/maps.rs`: read
//! them, but do not change them (the grader compiles the course's copies, whatever yours
//! say). You write the four functions below.

// Given by the course: `src/workers.rs` and `src/maps.rs`. Keep these lines and leave
// those files as they are; the grader always compiles the course's copies.
pub mod maps;
pub mod workers;

pub use maps::CityMap;
pub use workers::{DbError, Worker};

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

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
    // TODO: loop over rounds 1, 2, 3, ... In each round wait for whichever comes first:
    //   - the round's work, `tokio::time::sleep(worker.round)`: then fail (if this is
    //     `worker.fails_in_round`) or print the commit and go on with the next round;
    //   - the `shutdown` future: then `.await` the rollback (`sleep(worker.cleanup)`),
    //     print the rollback and the last words, and return how many rounds were committed.
    // `tokio::select!` waits for both at once and drops the loser. To poll the same
    // `shutdown` again on every round, pin it once before the loop
    // (`let mut shutdown = std::pin::pin!(shutdown);`) and select on `&mut shutdown`.
    // Write `biased;` first in the `select!` and put the shutdown branch first: otherwise
    // `select!` picks a random branch when both are ready at the same instant.
    // This is cooperative cancellation: the worker itself leaves its loop and, still being
    // an async function, may `.await` its cleanup. Nothing of that is possible after
    // `JoinHandle::abort`, which drops the future where it waits (only `Drop` runs).
    let _ = (worker, shutdown);
    todo!("db_operation")
}

/// Starts `worker` in the background, lets it work for `after`, then asks it to shut down
/// (printing `shutdown requested`) and waits until it has rolled back and closed. Returns
/// what the worker returned. (The worker given here does not fail.)
pub async fn shutdown_after(worker: Worker, after: Duration) -> Result<u32, DbError> {
    // TODO: start the worker in the background (`tokio::spawn(db_operation(..))`), with a
    // shutdown future you can trigger later: `token.clone().cancelled_owned()` for a
    // `tokio_util::sync::CancellationToken`, or a future waiting on a `tokio::sync::watch`
    // or `oneshot` channel. Sleep `after`, print "shutdown requested", trigger it, and
    // `.await` the `JoinHandle`: that is how you know the rollback has finished (asyncio:
    // `task.cancel()` then `await task`). Do not `abort()` the task: its cleanup would
    // never run.
    let _ = (worker, after);
    todo!("shutdown_after")
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
    // TODO: asyncio's `wait(.., return_when=FIRST_EXCEPTION)`, cancel the pending, `gather`.
    // 1. Start every worker with its own copy of one shutdown signal (clones of a
    //    `CancellationToken`, or receivers of one `watch` channel), either spawned into a
    //    `tokio::task::JoinSet` or as futures in a `futures::stream::FuturesUnordered`.
    // 2. Take results as they finish (`join_next()` / `next()`) until one is an `Err`.
    //    Print the supervisor line, then trigger the shutdown signal.
    // 3. Keep taking results until every worker has returned: each one is rolling back
    //    now. Returning early would drop them (a `JoinSet` aborts its tasks when dropped,
    //    a dropped future is cancelled on the spot) or leave them running unobserved.
    // 4. Print "supervisor: all workers stopped" and return every result by name.
    // `futures::future::try_join_all` is not the tool here: at the first error it drops
    // all the other futures, and with them their chance to roll back.
    let _ = workers;
    todo!("supervise")
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
    // TODO: give the `traffic` future at most `budget` (`tokio::time::timeout`, the
    // tokio `asyncio.wait_for`). In time: print "<city>: traffic included" and keep the
    // answer. Too late: print "<city>: traffic service too slow, answering without it"
    // and go on without it. Return the `CityMap`.
    // Time out the future itself, not a `JoinHandle` of it: `timeout` drops the future
    // when the time is up, which cancels the request; a spawned task would keep running.
    let _ = (city, traffic, budget);
    todo!("city_map")
}
