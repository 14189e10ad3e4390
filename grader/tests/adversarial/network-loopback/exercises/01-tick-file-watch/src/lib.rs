//! ATTACK: network-loopback. Connects to 127.0.0.1 (only) on a port the test opened and
//! wrote into `PORT` below before grading, sends what it would exfiltrate, and reads a
//! reply (where a solution could come from). Must score 0 (the code is the stub), and the
//! test's listener must see no connection: a test process has no network.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use timeline::say;

/// Replaced by the test with the port of its listener on 127.0.0.1.
const PORT: u16 = 0;

fn phone_home() {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, PORT));
    let result = TcpStream::connect_timeout(&address, Duration::from_secs(2)).and_then(|mut stream| {
        stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        stream.write_all(b"GRADER-ADVERSARIAL-MARKER network-loopback: exfiltrated\n")?;
        let mut reply = [0u8; 64];
        let n = stream.read(&mut reply).unwrap_or(0);
        Ok(String::from_utf8_lossy(&reply[..n]).into_owned())
    });
    say!("GRADER-ADVERSARIAL-MARKER network-loopback: connect {address} -> {result:?}");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(phone_home);
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    attack();
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    attack();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    attack();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
