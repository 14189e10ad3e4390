//! WRONG on purpose: waits for every device, then reports the first error in the list.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::join_all;

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
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
    // `join_all` waits for all of them; only then does `collect` look for an error.
    join_all(devices.iter().map(|device| connect_ssh(device, command)))
        .await
        .into_iter()
        .collect()
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}
