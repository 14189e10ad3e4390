//! Visible tests for the counting stream of lesson 5. Each runs on a paused clock
//! (`timeline_check::capture`), so the printed times are exact and every run is the same.
//!
//! The consumers here ask for the next item as soon as they have printed the previous
//! one, so "wait `every` before each item" gives the same times whether a solution starts
//! its wait when the item is asked for (`unfold`, a lazily created `Sleep`) or when the
//! previous one was handed out (a reset `Sleep`, an `interval`). Ticker periods are chosen
//! so that no tick falls on the same millisecond as an item.
//!
//! Lines printed at the same instant are checked in the order printed
//! (`in_printed_order`): one consumer prints them, in the order the stream yields, and a
//! stream's order (the last item, then the end) is what the lesson teaches.

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
fn count_to_waits_before_each_item_and_then_ends() {
    let run = capture(LIMIT, async {
        let mut items = std::pin::pin!(count_to(3, ms(1000)));
        while let Some(item) = items.next().await {
            say!("got {item}");
        }
        say!("end of stream");
    });
    check!(run.in_printed_order());
}

#[test]
fn count_to_zero_ends_at_once() {
    let run = capture(LIMIT, async {
        let mut items = std::pin::pin!(count_to(0, ms(1000)));
        items.next().await
    });
    check!(run.in_printed_order());
}

/// Moves the paused clock forward by `by` (`tokio::time::advance`), letting the runtime
/// settle before and after ([`timeline::settle`]: a few scheduler turns, the clock
/// still). `advance` alone gives the runtime one turn, in which the timers it passed fire;
/// a correct stream whose items come from a task of its own through a channel starts its
/// timer when that task first runs, and wakes its consumer one turn after the timer
/// fired. The README allows that, so the test waits for it: a wake at the deadline still
/// differs from one a whole period late.
async fn advance(by: Duration) {
    timeline::settle().await;
    tokio::time::advance(by).await;
    timeline::settle().await;
}

/// Polls the stream by hand on a mock task (`tokio_test::task::spawn`), the way an
/// executor would, and prints every answer and whether the task was woken meanwhile. The
/// lines are the test's own steps, one after another, so their order is checked
/// (`in_printed_order`), as the README shows it.
#[test]
fn count_to_step_by_step() {
    let run = capture(LIMIT, async {
        let mut items = tokio_test::task::spawn(count_to(2, ms(1000)));
        say!("poll: {:?}", items.poll_next());
        say!("woken: {}", items.is_woken());
        advance(ms(999)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        advance(ms(1)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        say!("poll: {:?}", items.poll_next());
        advance(ms(1000)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        say!("poll: {:?}", items.poll_next());
    });
    check!(run.in_printed_order());
}

#[test]
fn items_interleave_with_the_ticker() {
    let run = capture(cleaned_up(), count_while_ticking(3, ms(1100), ms(500)));
    check!(run.in_printed_order());
}

#[test]
fn the_ticker_stops_when_the_count_ends() {
    let run = capture(cleaned_up(), async {
        count_while_ticking(2, ms(1100), ms(500)).await;
        say!("returned");
        // A ticker left running would print again in the next two seconds.
        tokio::time::sleep(ms(2000)).await;
        say!("2 s later");
    });
    check!(run.in_printed_order());
}
