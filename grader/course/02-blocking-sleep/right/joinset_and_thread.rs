//! Right variant: the sums in a `JoinSet` (results put back by name), and `offload` on a
//! dedicated `std::thread` with a `tokio::sync::oneshot` channel back.
//!
//! Correct per the README: the sums wait with `tokio::time::sleep(step).await`; a
//! `JoinSet` returns them as they finish, so each carries its name and `sum_both` puts
//! A's first. For `offload` the README lists "a CPU pool such as `rayon`, with a
//! `oneshot` channel back" among the ways to keep blocking work off the executor: the
//! job runs on its own OS thread and the task awaits the channel, so the executor stays
//! free while the job blocks.

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
    let mut set = tokio::task::JoinSet::new();
    for (name, numbers) in [("A", a.to_vec()), ("B", b.to_vec())] {
        set.spawn(async move { (name, sum(name, &numbers, step).await) });
    }
    let (mut sum_a, mut sum_b) = (0, 0);
    while let Some(joined) = set.join_next().await {
        match joined.expect("a sum panicked") {
            ("A", total) => sum_a = total,
            (_, total) => sum_b = total,
        }
    }
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
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let thread = std::thread::spawn(move || {
        let _ = sender.send(job());
    });
    let result = match receiver.await {
        Ok(value) => value,
        // The sender was dropped without a value: the job panicked. Pass the panic on.
        Err(_) => match thread.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the job's thread ended without sending its result"),
        },
    };
    say!("{name}: finished");
    result
}
