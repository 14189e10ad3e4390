//! Visible tests for part 1: summing tasks that wait without blocking. Each runs on a
//! paused clock (`timeline_check::capture`): waiting costs no real time and the printed times
//! are exact. A blocking `std::thread::sleep` shows up as every line stuck at 0.000s
//! (the virtual clock never moved) plus a note saying how long the executor was blocked.
//! A and B wake at the same instants, and which runs first is not promised by tokio:
//! `check!` shows the lines of one instant sorted, so A's come before B's either way.

use std::time::Duration;

use exercise_02::{sum, sum_both};
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// The lesson is about not blocking the executor: a run that blocks it fails even when its
/// lines are on time (a `std::thread::sleep` kept beside the async sleep), and its
/// timeline ends with `!! the executor was blocked: ...`.
fn no_blocking() -> Options {
    within(LIMIT).forbid_blocking()
}

#[test]
fn sum_waits_one_step_per_number() {
    let run = capture(no_blocking(), sum("A", &[1, 2], Duration::from_secs(1)));
    check!(run);
}

#[test]
fn two_sums_interleave_and_take_three_seconds() {
    let run = capture(
        no_blocking(),
        sum_both(&[1, 2], &[1, 2, 3], Duration::from_secs(1)),
    );
    check!(run);
}
