//! Right variant: `offload` prints `finished` from the blocking thread itself, right
//! after the job returns, inside the `spawn_blocking` closure; the sums are the hint's.
//!
//! Correct per the README: the task is "prints `{name}: started`, runs `job` without
//! blocking the executor, prints `{name}: finished`, and returns what `job` returned":
//! the line comes after the job and before `offload` returns, the executor is never
//! blocked, and `say!` is "like `println!`", which works on any thread.

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

/// Runs `job`, a function that blocks, without holding up the executor, and returns what
/// it returns. Prints `{name}: started` before and `{name}: finished` after.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    let name = name.to_string();
    tokio::task::spawn_blocking(move || {
        let result = job();
        say!("{name}: finished");
        result
    })
    .await
    .expect("the job panicked")
}
