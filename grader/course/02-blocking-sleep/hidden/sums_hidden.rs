//! Hidden tests for part 1: the same behaviour as `tests/sums.rs`, with other numbers,
//! other lengths and other steps, so output copied from the visible snapshots fails.

use std::time::Duration;

use exercise_02::{sum, sum_both};
use timeline_check::{Run, capture, check};

const LIMIT: Duration = Duration::from_secs(60);

/// Puts the lines printed at the same virtual instant in task order (A before B): which
/// of two tasks waking together runs first is not something tokio promises
/// (`tokio::join!` takes turns). Stable, so each task's own lines keep their order.
fn ties_in_task_order<T>(mut run: Run<T>) -> Run<T> {
    fn task(line: &str) -> &str {
        line.split(':').next().unwrap_or(line)
    }
    run.transcript.events.sort_by(|x, y| {
        x.at.cmp(&y.at)
            .then_with(|| task(&x.text).cmp(task(&y.text)))
    });
    run
}

#[test]
fn sum_uses_the_name_numbers_and_step_it_is_given() {
    let run = capture(LIMIT, sum("C", &[7, 0, 3, 1], Duration::from_millis(250)));
    check!(run);
}

#[test]
fn two_sums_of_different_lengths_interleave() {
    let run = capture(
        LIMIT,
        sum_both(&[5, 1, 4], &[2, 2], Duration::from_millis(700)),
    );
    check!(ties_in_task_order(run));
}

#[test]
fn a_sum_of_no_numbers_is_zero_at_once_and_the_other_runs_on() {
    let run = capture(
        LIMIT,
        sum_both(&[], &[4, 5], Duration::from_millis(600)),
    );
    check!(ties_in_task_order(run));
}
