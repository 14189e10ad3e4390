//! Right variant: `send_to_all` fails fast too (it panics at the moment a device fails,
//! through `try_join_all`), and `send_to_all_keep_errors` uses `JoinSet::join_all` with
//! the index carried along and the results sorted back into place.
//!
//! Correct per the README: "Every device answers here (if one does not, panic with its
//! error)": the README does not say when, and panicking as soon as the error is known
//! (with the error's text) is a panic with its error. `try_send_to_all` is hint 2.
//! `JoinSet::join_all` returns results "as they finish ...: carry each device's index
//! along and put every result back in its place".

pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::future::try_join_all;
use tokio::task::JoinSet;

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    match try_send_to_all(devices, command).await {
        Ok(replies) => replies,
        Err(error) => panic!("{error}"),
    }
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    try_join_all(devices.iter().map(|device| connect_ssh(device, command))).await
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    let mut set = JoinSet::new();
    for (index, device) in devices.iter().enumerate() {
        let (device, command) = (device.clone(), command.to_string());
        set.spawn(async move { (index, connect_ssh(&device, &command).await) });
    }
    let mut tagged = set.join_all().await;
    tagged.sort_by_key(|(index, _)| *index);
    tagged.into_iter().map(|(_, result)| result).collect()
}
