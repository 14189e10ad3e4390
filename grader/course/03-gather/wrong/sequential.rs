//! WRONG on purpose: sends the command to one device after another.

use std::fmt;
use std::time::Duration;

use timeline::say;

/// A simulated network device: how long it takes to connect and to answer, and whether it
/// refuses the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The device's name, as printed and as put in replies and errors.
    pub name: String,
    /// How long connecting takes (or how long until the connection is refused).
    pub connect: Duration,
    /// How long the device takes to answer a command once connected.
    pub reply: Duration,
    /// Whether the device refuses the connection after `connect`.
    pub fails: bool,
}

impl Device {
    /// A device that connects after `connect` and answers `reply` later.
    pub fn new(name: &str, connect: Duration, reply: Duration) -> Self {
        Self {
            name: name.to_string(),
            connect,
            reply,
            fails: false,
        }
    }

    /// A device that refuses the connection after `connect`.
    pub fn refusing(name: &str, connect: Duration) -> Self {
        Self {
            name: name.to_string(),
            connect,
            reply: Duration::ZERO,
            fails: true,
        }
    }
}

/// Why a device did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceError {
    /// The device that failed.
    pub device: String,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.device, self.reason)
    }
}

impl std::error::Error for DeviceError {}

/// Connects to `device` and sends it `command` (simulated: the waiting is all there is).
///
/// Prints `<name>: connecting` at once. After `device.connect` it either prints
/// `<name>: connection refused` and returns the error, or prints `<name>: sending
/// "<command>"`, waits `device.reply`, prints `<name>: reply received` and returns
/// `"<command> <name>"`. Given: you do not change this function.
pub async fn connect_ssh(device: &Device, command: &str) -> Result<String, DeviceError> {
    say!("{}: connecting", device.name);
    tokio::time::sleep(device.connect).await;
    if device.fails {
        say!("{}: connection refused", device.name);
        return Err(DeviceError {
            device: device.name.clone(),
            reason: "connection refused".to_string(),
        });
    }
    say!("{}: sending {command:?}", device.name);
    tokio::time::sleep(device.reply).await;
    say!("{}: reply received", device.name);
    Ok(format!("{command} {}", device.name))
}

/// Sends `command` to every device at the same time and returns the replies in the order
/// of `devices`. Takes as long as the slowest device, not the sum of them all.
///
/// Every device is expected to answer here; if one fails anyway, this panics with its
/// error.
pub async fn send_to_all(devices: &[Device], command: &str) -> Vec<String> {
    let mut replies = Vec::new();
    for device in devices {
        // Each `.await` waits for this device before the next one starts connecting.
        let reply = connect_ssh(device, command).await;
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
    let mut replies = Vec::new();
    for device in devices {
        replies.push(connect_ssh(device, command).await?);
    }
    Ok(replies)
}

/// Sends `command` to every device at the same time and waits for all of them, failed or
/// not: one result per device, in the order of `devices` (`return_exceptions=True`).
pub async fn send_to_all_keep_errors(
    devices: &[Device],
    command: &str,
) -> Vec<Result<String, DeviceError>> {
    let mut results = Vec::new();
    for device in devices {
        results.push(connect_ssh(device, command).await);
    }
    results
}
