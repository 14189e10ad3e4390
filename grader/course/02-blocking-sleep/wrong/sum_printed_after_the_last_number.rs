//! WRONG on purpose: `sum` prints `Sum = ..` inside its loop, when it reaches the last
//! number, instead of after the loop. With one number or more that prints the same lines;
//! with no numbers the loop never runs, so no `Sum = 0` line is printed at all (the
//! function still returns 0).

use std::time::Duration;

use timeline::say;

/// Wrong: the sum is announced from inside the loop, so no numbers means no `Sum` line.
pub async fn sum(name: &str, numbers: &[u64], step: Duration) -> u64 {
    let mut total = 0;
    for (index, &number) in numbers.iter().enumerate() {
        say!("Task {name}: Computing {total}+{number}");
        tokio::time::sleep(step).await;
        total += number;
        if index + 1 == numbers.len() {
            say!("Task {name}: Sum = {total}");
        }
    }
    total
}

/// Runs `sum("A", a, step)` and `sum("B", b, step)` at the same time and returns both
/// sums, A's first.
pub async fn sum_both(a: &[u64], b: &[u64], step: Duration) -> (u64, u64) {
    tokio::join!(sum("A", a, step), sum("B", b, step))
}

/// Runs `job`, a function that blocks, without holding up the executor, and returns what
/// it returns. Prints `{name}: started` before and `{name}: finished` after.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    let joined = tokio::task::spawn_blocking(job).await;
    let result = joined.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    say!("{name}: finished");
    result
}
