//! Lesson 3: send one command to many devices at once, and decide what an error does.
//!
//! Read the task in README.md. Run the demo with `cargo run -p exercise-03` and the tests
//! with `cargo test -p exercise-03`. Print with `say!`, not `println!`: the tests read
//! what you print and when.
//!
//! `Device`, `DeviceError` and `connect_ssh` are given, in `src/devices.rs`: read it, but do
//! not change it (the grader compiles the course's copy, whatever yours says). You write
//! the three `send_to_all` functions below. `futures` (`join_all`, `try_join_all`,
//! `FuturesUnordered`) and `tokio::task::JoinSet` are available; any of them can do the
//! job.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    // TODO: run `connect_ssh(device, command)` for every device at once, and return the
    // replies in the order of `devices`, not in the order the devices answer.
    //
    // A `for` loop with `.await` inside waits for each device before the next one starts
    // connecting: the total time becomes the sum. You need all the futures waiting side
    // by side, like `asyncio.gather`: `futures::future::join_all` takes an iterator of
    // futures and gives back their outputs in the same order.
    //
    // `connect_ssh` returns a `Result`; here a failure is a bug, so unwrap it (panic with
    // the error).
    let _ = (devices, command);
    todo!("send_to_all")
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    // TODO: like `send_to_all`, but return `Err` at the moment the first device fails,
    // without waiting for the others, and make sure those others stop right there.
    //
    // This is where Rust and asyncio part ways: `asyncio.gather` raises the first error
    // but lets the other coroutines run on. In Rust, a future that is dropped is never
    // polled again, so dropping the unfinished futures cancels them. Look for a "join"
    // that stops at the first `Err` and drops the rest (`futures::future::try_join_all`).
    //
    // If you `tokio::spawn` a task per device instead, beware: dropping a `JoinHandle`
    // does NOT stop its task. A `tokio::task::JoinSet` aborts its tasks when dropped.
    let _ = (devices, command);
    todo!("try_send_to_all")
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    // TODO: wait for every device, successful or not, and keep each device's `Result` in
    // its place. Python needs `return_exceptions=True` for this; in Rust an error is just
    // a value, so think about which join already gives you exactly this.
    let _ = (devices, command);
    todo!("send_to_all_keep_errors")
}
