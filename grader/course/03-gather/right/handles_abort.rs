//! Right variant: one `tokio::spawn` per device with the `JoinHandle`s kept in a `Vec`,
//! joined with `futures::future::join_all`, and for failing fast a `FuturesUnordered` of
//! the handles with `.abort()` on every handle at the first error.
//!
//! Correct per the README: "If you `tokio::spawn` a task per device and keep the handles
//! in a `Vec`, a `try_join_all` over the handles stops at the error and drops the
//! *handles* ... Call `.abort()` on each handle". `join_all` over the handles keeps the
//! order of `devices`; the tasks own clones of the device and the command.

pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use futures::StreamExt;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use tokio::task::JoinHandle;

type Handle = JoinHandle<Result<String, DeviceError>>;

/// Spawns one task per device, in the order of `devices`.
fn spawn_all(devices: &[Device], command: &str) -> Vec<Handle> {
    devices
        .iter()
        .map(|device| {
            let (device, command) = (device.clone(), command.to_string());
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
    send_to_all_keep_errors(devices, command)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let handles = spawn_all(devices, command);
    let aborts: Vec<_> = handles.iter().map(JoinHandle::abort_handle).collect();
    let mut running: FuturesUnordered<_> = handles
        .into_iter()
        .enumerate()
        .map(|(index, handle)| async move { (index, handle.await) })
        .collect();
    let mut replies = vec![String::new(); devices.len()];
    while let Some((index, joined)) = running.next().await {
        match joined.expect("device task panicked") {
            Ok(reply) => replies[index] = reply,
            Err(error) => {
                aborts.iter().for_each(|abort| abort.abort());
                return Err(error);
            }
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
    join_all(spawn_all(devices, command))
        .await
        .into_iter()
        .map(|joined| joined.expect("device task panicked"))
        .collect()
}
