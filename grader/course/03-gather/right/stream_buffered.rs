//! Right variant: `futures::stream` combinators: `buffered` (input order) for the joins
//! that wait for everything, `buffer_unordered` + `try_collect` for failing fast.
//!
//! Correct per the README: `buffered(n)` with `n` = the number of devices runs them all at
//! once and yields their outputs in the order of the input, like `join_all`.
//! `buffer_unordered` yields outputs as they finish; `try_collect` stops at the first
//! `Err` *in time* and drops the stream, cancelling the devices still pending. The index
//! carried along puts the replies back in order.

pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::{StreamExt, TryStreamExt, stream};

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    send_to_all_keep_errors(devices, command)
        .await
        .into_iter()
        .map(|reply| reply.expect("a device failed"))
        .collect()
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let mut tagged: Vec<(usize, String)> = stream::iter(devices.iter().enumerate())
        .map(|(index, device)| async move {
            connect_ssh(device, command)
                .await
                .map(|reply| (index, reply))
        })
        .buffer_unordered(devices.len().max(1))
        .try_collect()
        .await?;
    tagged.sort_by_key(|(index, _)| *index);
    Ok(tagged.into_iter().map(|(_, reply)| reply).collect())
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    stream::iter(devices)
        .map(|device| connect_ssh(device, command))
        .buffered(devices.len().max(1))
        .collect()
        .await
}
