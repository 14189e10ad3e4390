//! Right variant: each step waited with `tokio::time::sleep_until` on a running deadline,
//! the two sums joined with `futures::future::join`, and `offload` unwrapping the
//! `spawn_blocking` handle.
//!
//! Correct per the README: the wait is tokio's timer with an `.await` (never
//! `std::thread::sleep`), each step still lasts exactly `step`; `futures::future::join`
//! polls both sums on the current task like `tokio::join!`; `spawn_blocking(job).await`
//! with `.unwrap()` is hint 2 word for word.

use std::time::Duration;

use timeline::say;

/// Adds up `numbers` one at a time, each addition taking `step`. Prints
/// `Task {name}: Computing {total}+{number}` before each addition and
/// `Task {name}: Sum = {total}` at the end, and returns the sum.
pub async fn sum(name: &str, numbers: &[u64], step: Duration) -> u64 {
    let mut deadline = tokio::time::Instant::now();
    let mut total = 0;
    for &number in numbers {
        say!("Task {name}: Computing {total}+{number}");
        deadline += step;
        tokio::time::sleep_until(deadline).await;
        total += number;
    }
    say!("Task {name}: Sum = {total}");
    total
}

/// Runs `sum("A", a, step)` and `sum("B", b, step)` at the same time and returns both
/// sums, A's first.
pub async fn sum_both(a: &[u64], b: &[u64], step: Duration) -> (u64, u64) {
    futures::future::join(sum("A", a, step), sum("B", b, step)).await
}

/// Runs `job`, a function that blocks, without holding up the executor, and returns what
/// it returns. Prints `{name}: started` before and `{name}: finished` after.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    let result = tokio::task::spawn_blocking(job).await.unwrap();
    say!("{name}: finished");
    result
}
