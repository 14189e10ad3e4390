//! Right variant: the two sums as two `tokio::spawn`ed tasks, and `offload` passing a
//! panic of the job on with `resume_unwind`.
//!
//! Correct per the README: "keep it, or use two `tokio::spawn`ed tasks if you prefer"
//! (task 2, hint 3: copy the slices and move them in). Each sum waits with
//! `tokio::time::sleep(step).await`; `offload` runs the job with `spawn_blocking`
//! (hint 2) and re-raises its panic, if any.

use std::time::Duration;

use timeline::say;

/// Adds up `numbers` one at a time, each addition taking `step`. Prints
/// `Task {name}: Computing {total}+{number}` before each addition and
/// `Task {name}: Sum = {total}` at the end, and returns the sum.
pub async fn sum(name: &str, numbers: &[u64], step: Duration) -> u64 {
    let mut total = 0;
    for &number in numbers {
        say!("Task {name}: Computing {total}+{number}");
        tokio::time::sleep(step).await;
        total += number;
    }
    say!("Task {name}: Sum = {total}");
    total
}

/// Runs `sum("A", a, step)` and `sum("B", b, step)` at the same time and returns both
/// sums, A's first.
pub async fn sum_both(a: &[u64], b: &[u64], step: Duration) -> (u64, u64) {
    let (a, b) = (a.to_vec(), b.to_vec());
    let task_a = tokio::spawn(async move { sum("A", &a, step).await });
    let task_b = tokio::spawn(async move { sum("B", &b, step).await });
    let sum_a = task_a.await.expect("task A panicked");
    let sum_b = task_b.await.expect("task B panicked");
    (sum_a, sum_b)
}

/// Runs `job`, a function that blocks, without holding up the executor, and returns what
/// it returns. Prints `{name}: started` before and `{name}: finished` after.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    let result = match tokio::task::spawn_blocking(job).await {
        Ok(value) => value,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    };
    say!("{name}: finished");
    result
}
