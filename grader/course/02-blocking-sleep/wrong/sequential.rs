//! WRONG on purpose: the sleep is fixed, but the two sums are awaited one after the other.

use std::time::Duration;

use timeline::say;

/// Adds up `numbers` one at a time, each addition taking `step`. Prints
/// `Task {name}: Computing {total}+{number}` before each addition and
/// `Task {name}: Sum = {total}` at the end, and returns the sum.
pub async fn sum(name: &str, numbers: &[u64], step: Duration) -> u64 {
    let mut total = 0;
    for &number in numbers {
        say!("Task {name}: Computing {total}+{number}");
        // `tokio::time::sleep(..).await` is `await asyncio.sleep(..)`: the task is parked
        // until the timer fires and the thread goes back to the executor, which runs the
        // other tasks meanwhile. `std::thread::sleep` (Python's `time.sleep`) would keep
        // the thread for the whole step, and with it every task that lives on it.
        tokio::time::sleep(step).await;
        total += number;
    }
    say!("Task {name}: Sum = {total}");
    total
}

/// Runs `sum("A", a, step)` and `sum("B", b, step)` at the same time and returns both
/// sums, A's first.
pub async fn sum_both(a: &[u64], b: &[u64], step: Duration) -> (u64, u64) {
    // Wrong: `.await` waits for A to finish before B's future is even built, so B starts
    // only when A is done. Each sum gives the thread away while it sleeps, but nobody
    // else is there to take it.
    let total_a = sum("A", a, step).await;
    let total_b = sum("B", b, step).await;
    (total_a, total_b)
}

/// Runs `job`, a function that blocks (a long computation, blocking I/O, a library with
/// no async API), without holding up the executor, and returns what it returns. Prints
/// `{name}: started` before and `{name}: finished` after.
pub async fn offload<T, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    say!("{name}: started");
    // `spawn_blocking` is tokio's `asyncio.to_thread`: the job runs on a thread of
    // tokio's blocking pool, and this task awaits its result like any other future, so
    // the executor keeps running the other tasks meanwhile.
    //
    // Calling `job()` right here would run it on the executor's thread, and so would
    // `tokio::spawn(async move { job() })`: a spawned task is still polled by the
    // executor. `block_in_place` only exists on the multi-threaded runtime.
    let joined = tokio::task::spawn_blocking(job).await;
    // The only way a blocking job fails is by panicking; pass the panic on, as if `job`
    // had been called here, before saying `finished`.
    let result = joined.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    say!("{name}: finished");
    result
}
