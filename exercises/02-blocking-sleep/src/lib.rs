//! Lesson 2: one blocking call stalls every task on the thread; keep blocking work off
//! the executor.
//!
//! Read the task in README.md. This file compiles and runs, but it blocks: run the demo
//! (`cargo run -p exercise-02`) to watch it, and the tests (`cargo test -p exercise-02`)
//! to see what is expected. Print with `say!`, not `println!`: the tests read what you
//! print and when.

use std::time::Duration;

use timeline::say;

/// Adds up `numbers` one at a time, each addition taking `step`. Prints
/// `Task {name}: Computing {total}+{number}` before each addition and
/// `Task {name}: Sum = {total}` at the end, and returns the sum.
pub async fn sum(name: &str, numbers: &[u64], step: Duration) -> u64 {
    let mut total = 0;
    for &number in numbers {
        say!("Task {name}: Computing {total}+{number}");
        // TODO: this is the blocking call. `std::thread::sleep` is Python's `time.sleep`:
        // it holds the thread for the whole step, and every other task on that thread
        // (here: the other sum) is frozen with it. Wait the async way instead, with
        // tokio's timer and an `.await`, which hands the thread back to the executor
        // until the step is over.
        std::thread::sleep(step);
        total += number;
    }
    say!("Task {name}: Sum = {total}");
    total
}

/// Runs `sum("A", a, step)` and `sum("B", b, step)` at the same time and returns both
/// sums, A's first.
pub async fn sum_both(a: &[u64], b: &[u64], step: Duration) -> (u64, u64) {
    // TODO: nothing to change here once `sum` stops blocking. `join!` polls both futures
    // on this task, like `asyncio.gather`: whenever one of them waits, the other runs.
    // But a future can only give the thread away at an `.await`; a blocking `sum` never
    // does, so today A runs to its end before B even starts.
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
    // TODO: `job()` runs the job right here, on the executor's thread: until it returns,
    // no other task can run. There is nothing to `.await` inside it (it is not async),
    // so hand it to tokio's pool of blocking threads instead (Python's
    // `asyncio.to_thread`) and await the result. Spawning it as an ordinary task does not
    // help: tasks are polled on the executor's thread too.
    let result = job();
    say!("{name}: finished");
    result
}
