//! WRONG on purpose: `send_to_all` leaves out the devices that fail (`filter_map` with
//! `Result::ok`) instead of panicking with their error, as the README and the doc comment
//! ask. Concurrent and in order, so it passes every test where all devices answer; a
//! failing device just vanishes from the result, and the caller never learns of it.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::{join_all, try_join_all};

/// Wrong: a device that fails is silently dropped from the replies.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    let replies = join_all(devices.iter().map(|device| connect_ssh(device, command))).await;
    replies.into_iter().filter_map(Result::ok).collect()
}

/// Sends `command` to every device at the same time; all the replies in the order of
/// `devices`, or the first error as soon as a device fails (the others are cancelled).
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    try_join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}

/// Sends `command` to every device at the same time and waits for all of them: one result
/// per device, in the order of `devices`.
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}
