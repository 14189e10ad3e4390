//! Hidden tests for lesson 6's edge cases (README "Edge cases") and for the rule that a
//! shutdown wins a tie with the end of a round (`biased;`), with other names and timings
//! than any visible test. Apart from that tie, which is what one test is about, no two
//! events the lesson cares about share a virtual millisecond.

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

/// Twenty workers, one after another, each asked to stop at the very instant one of its
/// rounds ends (the shutdown is a plain `sleep` that ends when that round's does). The
/// shutdown must win every tie: that round is rolled back, not committed. A `select!`
/// without `biased;` picks a random branch each time, so it gets all twenty right once in
/// about a million runs.
#[test]
fn a_shutdown_at_the_end_of_a_round_wins_the_tie() {
    let run = capture(LIMIT, async {
        let mut committed = Vec::new();
        for index in 0..20_u64 {
            let round = ms(110 + 20 * index);
            let rounds = 1 + u32::try_from(index % 3).expect("small");
            let worker = Worker::new(&format!("w{index:02}"), round, ms(30));
            let shutdown = tokio::time::sleep(round * rounds);
            committed.push(db_operation(worker, shutdown).await);
        }
        committed
    });
    check!(run.in_printed_order());
}

#[test]
fn a_zero_cleanup_rolls_back_at_the_shutdown() {
    let run = capture(LIMIT, async {
        let db = Worker::new("index", ms(600), Duration::ZERO);
        db_operation(db, shutdown_at(ms(1500))).await
    });
    check!(run.in_printed_order());
}

#[test]
fn shutdown_after_zero_rolls_back_round_one() {
    let run = capture(LIMIT, async {
        let result = shutdown_after(Worker::new("queue", ms(400), ms(700)), Duration::ZERO).await;
        say!("test: shutdown_after returned");
        say!("test: tasks still alive: {}", alive_tasks());
        tokio::time::sleep(ms(1500)).await;
        say!("test: later");
        result
    });
    check!(run.in_printed_order());
}

#[test]
fn a_lone_failing_worker_leaves_nobody_to_cancel() {
    let run = capture(LIMIT, async {
        let workers = vec![Worker::new("solo", ms(450), ms(200)).failing_in_round(2)];
        let report = supervise(workers).await;
        say!("test: supervise returned");
        say!("test: tasks still alive: {}", alive_tasks());
        tokio::time::sleep(ms(1000)).await;
        say!("test: later");
        report
    });
    check!(run.in_printed_order());
}

#[test]
fn supervise_without_workers_reports_at_once() {
    let run = capture(LIMIT, async {
        tokio::time::sleep(ms(250)).await;
        say!("test: supervising nobody");
        supervise(Vec::new()).await
    });
    check!(run.in_printed_order());
}

/// A traffic service that prints only when it answers, so that whether a solution polls
/// it once before giving up at a zero budget does not show.
fn quiet_traffic(delay: Duration, alive: &Arc<()>) -> impl Future<Output = String> + 'static {
    let alive = Arc::clone(alive);
    async move {
        let _alive = alive;
        tokio::time::sleep(delay).await;
        say!("traffic: answered");
        "no jams".to_string()
    }
}

#[test]
fn a_zero_budget_answers_at_once_without_traffic() {
    let run = capture(LIMIT, async {
        tokio::time::sleep(ms(900)).await;
        let alive = Arc::new(());
        let map = city_map("Perm", quiet_traffic(ms(300), &alive), Duration::ZERO).await;
        say!("test: city_map returned {map:?}");
        // Half a second later, anything cancelled has surely been dropped.
        tokio::time::sleep(ms(500)).await;
        say!(
            "test: traffic requests still alive: {}",
            Arc::strong_count(&alive) - 1
        );
        tokio::time::sleep(ms(1000)).await;
        say!("test: later");
    });
    check!(run.in_printed_order());
}
