//! Right variant: `futures::stream::FuturesUnordered` of plain (unspawned) futures, each
//! tagged with its index, results put back in place.
//!
//! Correct per the README: `FuturesUnordered` returns results "as they finish ...: to use
//! them here, carry each device's index along and put every result back in its place".
//! The futures borrow the devices (no task, no `'static` needed); in `try_send_to_all`
//! returning at the first `Err` drops the `FuturesUnordered` and with it every future
//! still pending: those devices stop at their `.await`. `send_to_all` unwraps, panicking
//! with the failed device's error.

pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    send_to_all_keep_errors(devices, command)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let mut running: FuturesUnordered<_> = devices
        .iter()
        .enumerate()
        .map(|(index, device)| async move { (index, connect_ssh(device, command).await) })
        .collect();
    let mut replies = vec![String::new(); devices.len()];
    while let Some((index, reply)) = running.next().await {
        match reply {
            Ok(reply) => replies[index] = reply,
            Err(error) => return Err(error), // drops `running`: the rest are cancelled
        }
    }
    Ok(replies)
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    let mut tagged: Vec<(usize, Result<String, DeviceError>)> = devices
        .iter()
        .enumerate()
        .map(|(index, device)| async move { (index, connect_ssh(device, command).await) })
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await;
    tagged.sort_by_key(|(index, _)| *index);
    tagged.into_iter().map(|(_, result)| result).collect()
}
