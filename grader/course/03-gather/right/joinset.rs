//! Right variant: one `tokio::task::JoinSet` per call, each task carrying its device's
//! index, results put back in place (README hint 3).
//!
//! Correct per the README: "`JoinSet` ... return[s] them as they finish ...: carry each
//! device's index along and put every result back in its place"; the tasks own clones of
//! the device and the command (`'static`). `try_send_to_all` returns at the first `Err`
//! it joins, and dropping the set aborts the devices still running. `send_to_all` panics
//! with the error of a device that fails.

pub mod devices;

pub use devices::{Device, DeviceError, connect_ssh};

use tokio::task::JoinSet;

/// Spawns one task per device; each returns its index with the device's result.
fn spawn_all(devices: &[Device], command: &str) -> JoinSet<(usize, Result<String, DeviceError>)> {
    let mut set = JoinSet::new();
    for (index, device) in devices.iter().enumerate() {
        let (device, command) = (device.clone(), command.to_string());
        set.spawn(async move { (index, connect_ssh(&device, &command).await) });
    }
    set
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
        .map(|reply| reply.unwrap_or_else(|error| panic!("{error}")))
        .collect()
}

/// Sends `command` to every device at the same time; returns all the replies in the order
/// of `devices`, or the first error as soon as a device fails. The devices still running
/// then are cancelled: they print nothing more.
pub async fn try_send_to_all(
    devices: &[Device],
    command: &str,
) -> Result<Vec<String>, DeviceError> {
    let mut set = spawn_all(devices, command);
    let mut replies = vec![String::new(); devices.len()];
    while let Some(joined) = set.join_next().await {
        let (index, reply) = joined.expect("device task panicked");
        replies[index] = reply?; // `?` drops `set`, which aborts the rest
    }
    Ok(replies)
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    let mut set = spawn_all(devices, command);
    let mut results: Vec<Option<Result<String, DeviceError>>> = vec![None; devices.len()];
    while let Some(joined) = set.join_next().await {
        let (index, result) = joined.expect("device task panicked");
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.expect("every device was joined"))
        .collect()
}
