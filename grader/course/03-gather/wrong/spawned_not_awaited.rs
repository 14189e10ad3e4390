//! WRONG on purpose: on the first error, the devices' tasks are left running (not awaited,
//! not aborted): what `asyncio.gather` does, not what this lesson asks.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::{join_all, try_join_all};
use tokio::task::JoinHandle;

/// Starts one task per device. The task owns a copy of the device and of the command,
/// because a spawned task may outlive this call (`tokio::spawn` needs `'static`).
fn spawn_all(devices: &[Device], command: &str) -> Vec<JoinHandle<Result<String, DeviceError>>> {
    devices
        .iter()
        .map(|device| {
            let device = device.clone();
            let command = command.to_string();
            tokio::spawn(async move { connect_ssh(&device, &command).await })
        })
        .collect()
}

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    join_all(spawn_all(devices, command))
        .await
        .into_iter()
        .map(|joined| {
            let reply = joined.expect("the device task panicked");
            reply.unwrap_or_else(|error| panic!("send_to_all: {error}"))
        })
        .collect()
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let handles = spawn_all(devices, command);
    // `try_join_all` stops at the first error and drops the other futures: but those are
    // only the `JoinHandle`s. Dropping a handle detaches its task, which keeps running.
    try_join_all(
        handles
            .into_iter()
            .map(|handle| async { handle.await.expect("the device task panicked") }),
    )
    .await
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    join_all(spawn_all(devices, command))
        .await
        .into_iter()
        .map(|joined| joined.expect("the device task panicked"))
        .collect()
}
