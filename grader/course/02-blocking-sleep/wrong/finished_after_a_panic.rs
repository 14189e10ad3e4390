//! WRONG on purpose: `offload` prints `{name}: finished` before it looks at what the
//! blocking pool handed back, so a job that panicked is announced as finished, and only
//! then is its panic passed on. The sums and the way the job leaves the executor are
//! right; only a panicking job shows the mistake.

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
    tokio::join!(sum("A", a, step), sum("B", b, step))
}

/// Wrong: says `finished` whether or not the job panicked.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    let result = tokio::task::spawn_blocking(job).await;
    say!("{name}: finished");
    result.expect("the job panicked")
}
