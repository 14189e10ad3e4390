//! WRONG on purpose: `send_to_all_keep_errors` reuses `try_send_to_all`, so the first
//! failure cancels every device still running and the result holds that one error
//! instead of one `Result` per device. Right when no device fails; with a failure, the
//! call returns too early and too little.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::{join_all, try_join_all};

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`; panics with the error of a device that fails.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    let replies = join_all(devices.iter().map(|device| connect_ssh(device, command))).await;
    replies
        .into_iter()
        .map(|reply| reply.unwrap_or_else(|error| panic!("send_to_all: {error}")))
        .collect()
}

/// Sends `command` to every device at the same time; all the replies in the order of
/// `devices`, or the first error as soon as a device fails (the others are cancelled).
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    try_join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}

/// Wrong: stops at the first failure and returns a single error.
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    match try_send_to_all(devices, command).await {
        Ok(replies) => replies.into_iter().map(Ok).collect(),
        Err(error) => vec![Err(error)],
    }
}
