//! WRONG on purpose: runs the blocking job in a task of its own, which is still polled on the executor.

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
    // `join!` polls both futures on this task, like `asyncio.gather(sum_a, sum_b)`:
    // whenever one waits, the other gets the thread. It only helps because `sum` now
    // really waits; with a blocking sleep inside, A would still run to its end before B
    // got its first poll.
    //
    // Spawning works as well and is the closer match for `asyncio.create_task`: a task
    // must own what it uses (`'static`), hence the copies.
    //
    //     let a = a.to_vec();
    //     let a = tokio::spawn(async move { sum("A", &a, step).await });
    //     ...
    //     (a.await.unwrap(), b.await.unwrap())
    //
    // Awaiting one sum and then the other, `(sum(..).await, sum(..).await)`, is not the
    // same: B would not even start before A is done.
    tokio::join!(sum("A", a, step), sum("B", b, step))
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
    // Wrong: `tokio::spawn` makes a task, not a thread. The task is polled on the same
    // executor, and once `job()` starts it keeps the thread until it returns.
    let result = tokio::spawn(async move { job() })
        .await
        .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    say!("{name}: finished");
    result
}
