//! Right variant: each step waited on a `tokio::time::interval_at` that first fires one
//! `step` from now, the sums joined with `futures::future::join_all`, and `offload` through
//! the runtime `Handle`'s `spawn_blocking` with the panic passed on.
//!
//! Correct per the README: the step is waited with tokio's timer and an `.await`;
//! `interval_at(now + step, step)` fires at `step`, `2 x step`, ..., one tick per number.
//! `join_all` polls both sums on this task, like `join!`, and keeps their order, A first.
//! `Handle::current().spawn_blocking` is `tokio::task::spawn_blocking`.

use std::time::Duration;

use futures::future::join_all;
use timeline::say;
use tokio::time::{Instant, interval_at};

/// Adds up `numbers` one at a time, each addition taking `step`. Prints
/// `Task {name}: Computing {total}+{number}` before each addition and
/// `Task {name}: Sum = {total}` at the end, and returns the sum.
pub async fn sum(name: &str, numbers: &[u64], step: Duration) -> u64 {
    let mut steps = interval_at(Instant::now() + step, step);
    let mut total = 0;
    for &number in numbers {
        say!("Task {name}: Computing {total}+{number}");
        steps.tick().await;
        total += number;
    }
    say!("Task {name}: Sum = {total}");
    total
}

/// Runs `sum("A", a, step)` and `sum("B", b, step)` at the same time and returns both
/// sums, A's first.
pub async fn sum_both(a: &[u64], b: &[u64], step: Duration) -> (u64, u64) {
    let sums = join_all([sum("A", a, step), sum("B", b, step)]).await;
    (sums[0], sums[1])
}

/// Runs `job`, a function that blocks, without holding up the executor, and returns what
/// it returns. Prints `{name}: started` before and `{name}: finished` after.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    let joined = tokio::runtime::Handle::current().spawn_blocking(job).await;
    let result = joined.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    say!("{name}: finished");
    result
}
