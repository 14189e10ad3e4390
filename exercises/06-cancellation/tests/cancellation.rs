//! Visible tests for lesson 6. Each runs on a paused clock (`timeline_check::capture`), so the
//! printed times are exact and every run is the same.
//!
//! The timings are chosen so that no two events the lesson cares about share a virtual
//! millisecond: a shutdown never arrives at an instant a round ends on, the workers of one
//! supervisor have rounds of different lengths (their commits never coincide), and their
//! cleanups take different times (their rollbacks never coincide). After the code under
//! test returns, the tests count the tasks still alive and keep the clock running for a
//! while: a worker left behind would show up there.
//!
//! Lines printed at the same instant are checked in the order printed
//! (`in_printed_order`): they are one chain of causes, the order the README's task
//! teaches (a worker's rollback, then its last words, then whoever waited for it).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use exercise_06::workers::Worker;
use exercise_06::{city_map, db_operation, shutdown_after, supervise};
use timeline::say;
use timeline_check::{capture, check};

const LIMIT: Duration = Duration::from_secs(60);

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A shutdown signal that arrives after `delay` and says so.
async fn shutdown_at(delay: Duration) {
    tokio::time::sleep(delay).await;
    say!("test: shutdown requested");
}

/// Spawned tasks of this runtime that have not finished yet.
fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// The optional traffic service: answers after `delay`. It holds a clone of `alive` for as
/// long as it exists, so the test can tell whether it was really dropped.
fn traffic_service(
    city: &str,
    delay: Duration,
    alive: &Arc<()>,
) -> impl Future<Output = String> + Send + 'static {
    let city = city.to_string();
    let alive = Arc::clone(alive);
    async move {
        let _alive = alive;
        say!("traffic: looking up {city}");
        tokio::time::sleep(delay).await;
        say!("traffic: answered");
        format!("{city}: jam on the ring road")
    }
}

/// Calls `city_map`, then checks whether the traffic request is still around.
async fn map_then_look_around(city: &str, traffic_delay: Duration, budget: Duration) {
    let alive = Arc::new(());
    let map = city_map(city, traffic_service(city, traffic_delay, &alive), budget).await;
    say!("test: city_map returned {map:?}");
    // Half a second later, anything cancelled has surely been dropped.
    tokio::time::sleep(ms(500)).await;
    say!(
        "test: traffic requests still alive: {}",
        Arc::strong_count(&alive) - 1
    );
    // Long enough for a request left running to finish and print.
    tokio::time::sleep(traffic_delay).await;
    say!("test: later");
}

#[test]
fn db_operation_commits_until_shutdown_then_rolls_back() {
    let run = capture(LIMIT, async {
        let db = Worker::new("db", ms(1000), ms(1000));
        db_operation(db, shutdown_at(ms(2500))).await
    });
    check!(run.in_printed_order());
}

#[test]
fn shutdown_before_the_first_commit_rolls_back_round_one() {
    let run = capture(LIMIT, async {
        let db = Worker::new("db", ms(1000), ms(800));
        db_operation(db, shutdown_at(ms(400))).await
    });
    check!(run.in_printed_order());
}

#[test]
fn a_failing_round_ends_the_worker_with_its_error() {
    let run = capture(LIMIT, async {
        let db = Worker::new("db", ms(1000), ms(1000)).failing_in_round(3);
        db_operation(db, std::future::pending()).await
    });
    check!(run.in_printed_order());
}

#[test]
fn shutdown_after_waits_until_the_worker_has_cleaned_up() {
    let run = capture(LIMIT, async {
        let result = shutdown_after(Worker::new("db", ms(1000), ms(1000)), ms(2500)).await;
        say!("test: shutdown_after returned");
        say!("test: tasks still alive: {}", alive_tasks());
        tokio::time::sleep(ms(3000)).await;
        say!("test: later");
        result
    });
    check!(run.in_printed_order());
}

#[test]
fn supervisor_cancels_the_others_and_waits_for_their_cleanup() {
    let run = capture(LIMIT, async {
        let workers = vec![
            Worker::new("orders", ms(1000), ms(500)),
            Worker::new("payments", ms(700), ms(900)),
            Worker::new("stock", ms(1300), ms(300)),
            Worker::new("mailer", ms(600), ms(400)).failing_in_round(3),
        ];
        let report = supervise(workers).await;
        say!("test: supervise returned");
        say!("test: tasks still alive: {}", alive_tasks());
        tokio::time::sleep(ms(3000)).await;
        say!("test: later");
        report
    });
    check!(run.in_printed_order());
}

#[test]
fn traffic_in_time_is_included() {
    let run = capture(LIMIT, map_then_look_around("Moscow", ms(400), ms(1000)));
    check!(run.in_printed_order());
}

#[test]
fn slow_traffic_is_cancelled_and_the_map_comes_without_it() {
    let run = capture(LIMIT, map_then_look_around("Kazan", ms(10_000), ms(1000)));
    check!(run.in_printed_order());
}
