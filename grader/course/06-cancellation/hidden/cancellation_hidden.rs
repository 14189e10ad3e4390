//! Hidden tests for lesson 6: the same behaviour as the visible tests, with other names,
//! worker counts, timings, failing workers and time budgets, so a solution shaped after
//! the visible snapshots fails here. Same rules: no two events the lesson cares about
//! share a virtual millisecond, and lines of one instant (one chain of causes: rollback,
//! last words, whoever waited) are checked in the order printed.

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

async fn shutdown_at(delay: Duration) {
    tokio::time::sleep(delay).await;
    say!("test: shutdown requested");
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

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
        format!("{city}: roadworks on the bridge")
    }
}

async fn map_then_look_around(city: &str, traffic_delay: Duration, budget: Duration) {
    let alive = Arc::new(());
    let map = city_map(city, traffic_service(city, traffic_delay, &alive), budget).await;
    say!("test: city_map returned {map:?}");
    tokio::time::sleep(ms(500)).await;
    say!(
        "test: traffic requests still alive: {}",
        Arc::strong_count(&alive) - 1
    );
    tokio::time::sleep(traffic_delay).await;
    say!("test: later");
}

#[test]
fn hidden_db_operation_other_round_and_cleanup() {
    let run = capture(LIMIT, async {
        let db = Worker::new("ledger", ms(800), ms(1500));
        db_operation(db, shutdown_at(ms(3100))).await
    });
    check!(run.in_printed_order());
}

#[test]
fn hidden_db_operation_shut_down_before_it_starts() {
    let run = capture(LIMIT, async {
        let db = Worker::new("audit", ms(500), ms(300));
        db_operation(db, std::future::ready(())).await
    });
    check!(run.in_printed_order());
}

#[test]
fn hidden_failing_in_the_first_round() {
    let run = capture(LIMIT, async {
        let db = Worker::new("cache", ms(250), ms(100)).failing_in_round(1);
        db_operation(db, shutdown_at(ms(5000))).await
    });
    check!(run.in_printed_order());
}

#[test]
fn hidden_shutdown_after_other_timings() {
    let run = capture(LIMIT, async {
        let result = shutdown_after(Worker::new("sessions", ms(300), ms(450)), ms(1000)).await;
        say!("test: shutdown_after returned");
        say!("test: tasks still alive: {}", alive_tasks());
        tokio::time::sleep(ms(2000)).await;
        say!("test: later");
        result
    });
    check!(run.in_printed_order());
}

#[test]
fn hidden_supervisor_with_two_workers() {
    let run = capture(LIMIT, async {
        let workers = vec![
            Worker::new("reader", ms(500), ms(1100)),
            Worker::new("writer", ms(900), ms(200)).failing_in_round(1),
        ];
        let report = supervise(workers).await;
        say!("test: supervise returned");
        say!("test: tasks still alive: {}", alive_tasks());
        tokio::time::sleep(ms(2000)).await;
        say!("test: later");
        report
    });
    check!(run.in_printed_order());
}

#[test]
fn hidden_supervisor_first_failure_wins_and_a_later_one_is_cancelled() {
    let run = capture(LIMIT, async {
        let workers = vec![
            Worker::new("alpha", ms(900), ms(400)),
            Worker::new("beta", ms(500), ms(600)).failing_in_round(5),
            Worker::new("gamma", ms(1100), ms(800)),
            Worker::new("delta", ms(700), ms(350)).failing_in_round(3),
            Worker::new("epsilon", ms(1600), ms(250)),
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
fn hidden_traffic_just_too_slow() {
    let run = capture(LIMIT, map_then_look_around("Tver", ms(700), ms(500)));
    check!(run.in_printed_order());
}

#[test]
fn hidden_traffic_just_in_time() {
    let run = capture(LIMIT, map_then_look_around("Samara", ms(1500), ms(2000)));
    check!(run.in_printed_order());
}
