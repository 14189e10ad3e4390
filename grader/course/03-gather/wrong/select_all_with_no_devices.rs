//! WRONG on purpose: `try_send_to_all` is a `select_all` loop that puts each reply back at
//! its device's index and returns at the first error (dropping the rest cancels them).
//! That is right for one device or more, but `select_all` panics when it is given no
//! futures at all, so a call with no devices panics instead of returning `Ok` of an
//! empty `Vec`.

// Given by the course: `src/devices.rs`. Keep this line and leave that file as it is;
// the grader always compiles the course's copy.
pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::{join_all, select_all};

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`; panics with the error of a device that fails.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    let replies = join_all(devices.iter().map(|device| connect_ssh(device, command))).await;
    replies
        .into_iter()
        .map(|reply| reply.unwrap_or_else(|error| panic!("send_to_all: {error}")))
        .collect()
}

/// Wrong: `select_all` of no futures panics.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let mut pending: Vec<_> = devices
        .iter()
        .enumerate()
        .map(|(index, device)| Box::pin(async move { (index, connect_ssh(device, command).await) }))
        .collect();
    let mut replies = vec![String::new(); devices.len()];
    loop {
        let ((index, reply), _, rest) = select_all(pending).await;
        replies[index] = reply?;
        if rest.is_empty() {
            return Ok(replies);
        }
        pending = rest;
    }
}

/// Sends `command` to every device at the same time and waits for all of them: one result
/// per device, in the order of `devices`.
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}
