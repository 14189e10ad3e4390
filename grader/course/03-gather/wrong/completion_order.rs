//! WRONG on purpose: collects the replies in the order the devices finish, not as listed.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::stream::{FuturesUnordered, StreamExt};

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    let mut pending: FuturesUnordered<_> = devices
        .iter()
        .map(|device| connect_ssh(device, command))
        .collect();
    let mut replies = Vec::new();
    // `FuturesUnordered` yields each output as soon as it is ready: fastest device first.
    while let Some(reply) = pending.next().await {
        replies.push(reply.unwrap_or_else(|error| panic!("send_to_all: {error}")));
    }
    replies
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let mut pending: FuturesUnordered<_> = devices
        .iter()
        .map(|device| connect_ssh(device, command))
        .collect();
    let mut replies = Vec::new();
    while let Some(reply) = pending.next().await {
        replies.push(reply?);
    }
    Ok(replies)
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    let pending: FuturesUnordered<_> = devices
        .iter()
        .map(|device| connect_ssh(device, command))
        .collect();
    pending.collect().await
}
