//! Visible tests for the counting stream of lesson 5. Each runs on a paused clock
//! (`timeline_check::capture`), so the printed times are exact and every run is the same.
//!
//! The consumers here ask for the next item as soon as they have printed the previous
//! one, so "wait `every` before each item" gives the same times whether a solution starts
//! its wait when the item is asked for (`unfold`, a lazily created `Sleep`) or when the
//! previous one was handed out (a reset `Sleep`, an `interval`). Ticker periods are chosen
//! so that no tick falls on the same millisecond as an item.

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
    check!(run);
}

#[test]
fn count_to_zero_ends_at_once() {
    let run = capture(LIMIT, async {
        let mut items = std::pin::pin!(count_to(0, ms(1000)));
        items.next().await
    });
    check!(run);
}

/// Polls the stream by hand on a mock task (`tokio_test::task::spawn`), the way an
/// executor would, and prints every answer and whether the task was woken meanwhile.
///
/// `tokio::time::advance(d)` moves the paused clock forward by `d` and then yields once.
/// Tokio's docs do not promise that the timers it passed have fired when it returns. In
/// practice, on this `current_thread` runtime, the yield sends the scheduler through the
/// timer driver before this task runs again, so a `Sleep` due by then has woken its task;
/// every run of this test and of the grader's checks has seen that. The wait is measured
/// against the clock only, so the stream's answer to the next poll does not depend on it.
#[test]
fn count_to_step_by_step() {
    let run = capture(LIMIT, async {
        let mut items = tokio_test::task::spawn(count_to(2, ms(1000)));
        say!("poll: {:?}", items.poll_next());
        say!("woken: {}", items.is_woken());
        tokio::time::advance(ms(999)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        tokio::time::advance(ms(1)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        say!("poll: {:?}", items.poll_next());
        tokio::time::advance(ms(1000)).await;
        say!("woken: {}", items.is_woken());
        say!("poll: {:?}", items.poll_next());
        say!("poll: {:?}", items.poll_next());
    });
    check!(run);
}

#[test]
fn items_interleave_with_the_ticker() {
    let run = capture(cleaned_up(), count_while_ticking(3, ms(1100), ms(500)));
    check!(run);
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
    check!(run);
}
