//! Hidden tests for part 1: the same behaviour as `tests/sums.rs`, with other numbers,
//! other lengths and other steps, so output copied from the visible snapshots fails.

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
fn sum_uses_the_name_numbers_and_step_it_is_given() {
    let run = capture(no_blocking(), sum("C", &[7, 0, 3, 1], Duration::from_millis(250)));
    check!(run);
}

#[test]
fn two_sums_of_different_lengths_interleave() {
    let run = capture(no_blocking(),
        sum_both(&[5, 1, 4], &[2, 2], Duration::from_millis(700)),
    );
    check!(run);
}

#[test]
fn a_sum_of_no_numbers_is_zero_at_once_and_the_other_runs_on() {
    let run = capture(
        no_blocking(),
        sum_both(&[], &[4, 5], Duration::from_millis(600)),
    );
    check!(run);
}
