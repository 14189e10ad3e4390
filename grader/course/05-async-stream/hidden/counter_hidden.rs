//! Hidden tests for the counting stream of lesson 5: the visible ones with other counts,
//! periods and ways of consuming the stream. Same rules as `tests/counter.rs`: consumers
//! ask for the next item at once, no tick shares a millisecond with an item, and lines
//! of one instant are checked in the order printed (the stream's order).

use std::time::Duration;

use exercise_05::{count_to, count_while_ticking};
use futures::StreamExt;
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// The ticker of `count_while_ticking` stops when the count ends: 2 s of virtual time
/// after the return no task of it may be alive, and a tick printed meanwhile shows after
/// the return.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(2))
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn count_to_four_collected() {
    let run = capture(LIMIT, async {
        count_to(4, ms(300))
            .inspect(|item| say!("got {item}"))
            .collect::<Vec<u32>>()
            .await
    });
    check!(run.in_printed_order());
}

/// `tokio::time::advance` with the runtime settled before and after, as in
/// `count_to_step_by_step` of `tests/counter.rs` (a stream fed by a task of its own wakes
/// its consumer one scheduler turn after its timer fired).
async fn advance(by: Duration) {
    timeline::settle().await;
    tokio::time::advance(by).await;
    timeline::settle().await;
}

/// See `count_to_step_by_step` in `tests/counter.rs`: the test's own steps, in order.
#[test]
fn count_to_one_step_by_step() {
    let run = capture(LIMIT, async {
        let mut items = tokio_test::task::spawn(count_to(1, ms(250)));
        say!("poll: {:?}", items.poll_next());
        say!("poll: {:?}", items.poll_next());
        say!("woken: {}", items.is_woken());
        advance(ms(249)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        advance(ms(1)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        say!("poll: {:?}", items.poll_next());
    });
    check!(run.in_printed_order());
}

#[test]
fn items_interleave_with_a_faster_ticker() {
    let run = capture(cleaned_up(), count_while_ticking(4, ms(750), ms(400)));
    check!(run.in_printed_order());
}

#[test]
fn the_ticker_stops_after_two_slow_items() {
    let run = capture(cleaned_up(), async {
        count_while_ticking(2, ms(1300), ms(600)).await;
        say!("returned");
        // A ticker left running would print again in the next two seconds.
        tokio::time::sleep(ms(2000)).await;
        say!("2 s later");
    });
    check!(run.in_printed_order());
}
