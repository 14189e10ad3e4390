//! Lesson 3: send one command to many devices at once, and decide what an error does.
//!
//! Reference solution.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::{join_all, try_join_all};

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    // `join_all` is the closest thing to `asyncio.gather`: it polls all the futures from
    // this one task, so they wait side by side, and it hands back their outputs in the
    // order they were given (a slot per future), whatever order they finished in.
    //
    // Unlike `gather`, nothing is spawned: the futures are not tasks, they live inside
    // the `join_all` future and only make progress while it is awaited. And building the
    // iterator starts nothing either; `connect_ssh` prints "connecting" only once
    // `join_all` polls it.
    let replies = join_all(devices.iter().map(|device| connect_ssh(device, command))).await;
    replies
        .into_iter()
        .map(|reply| reply.unwrap_or_else(|error| panic!("send_to_all: {error}")))
        .collect()
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    // `try_join_all` returns at the first `Err` and drops the futures still pending. In
    // Rust, dropping a future cancels it: it is never polled again, so the other devices
    // stop right at the `.await` they were waiting on (no exception is raised in them; only
    // their destructors run).
    //
    // `asyncio.gather` is different: it raises the first exception, but the other
    // awaitables are not cancelled and keep running in the background. (Python 3.11's
    // `TaskGroup` does cancel them, like this.)
    //
    // A `JoinSet` would work too: `tokio::spawn`ed tasks run on their own, but a
    // `JoinSet` aborts every task it still holds when it is dropped. A `Vec` of
    // `JoinHandle`s would not: dropping a handle detaches its task, which runs on.
    try_join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    // In Python an exception escapes `gather` unless you ask for `return_exceptions=True`.
    // In Rust an error is just a value: `join_all` over futures that return `Result`
    // already waits for every one of them and keeps each outcome in its slot.
    join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}
