//! WRONG on purpose: `sum` adds `tokio::time::sleep(step).await` but keeps the blocking
//! `std::thread::sleep(step)` beside it. The virtual timeline is the right one (the clock
//! only moves on the async sleep), but every step holds the executor's thread for `step`
//! of real time: the sums' tests forbid blocking and render `!! the executor was blocked`.

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
        std::thread::sleep(step);
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
    // `spawn_blocking` is tokio's `asyncio.to_thread`: the job runs on a thread of
    // tokio's blocking pool, and this task awaits its result like any other future, so
    // the executor keeps running the other tasks meanwhile.
    //
    // Calling `job()` right here would run it on the executor's thread, and so would
    // `tokio::spawn(async move { job() })`: a spawned task is still polled by the
    // executor. `block_in_place` only exists on the multi-threaded runtime.
    let joined = tokio::task::spawn_blocking(job).await;
    // The only way a blocking job fails is by panicking; pass the panic on, as if `job`
    // had been called here. Do it before saying `finished`: a job that panicked did not
    // finish, and the panic must not be announced as a success first.
    let result = joined.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
    say!("{name}: finished");
    result
}
