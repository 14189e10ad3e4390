//! ATTACK: secret-forge-hmac (kind 1: code under test runs before the harness). `tick` is
//! a plain function returning a future, so its body runs when the test evaluates
//! `capture(LIMIT, tick(..))`'s argument, before `capture` takes the grader's secret. It
//! locks standard input, reads the secret line itself, and signs, with its own SHA-256
//! and HMAC (no crate, no process started, nothing seccomp would stop), evidence for the
//! visible test `tick_prints_at_once_and_then_every_period` copied from the visible
//! snapshot. The harness then reads an empty secret, so its own evidence does not count.
//! So that no other test's harness wins the race to the secret, `wait_for` and
//! `tick_until_exists` abort the process of all the tests: the grader then runs each test
//! again alone, and `tick`'s test, alone, is where the secret is read.
//! The code is the stub: it must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER secret-forge-hmac";

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for chunk in message.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([chunk[4 * i], chunk[4 * i + 1], chunk[4 * i + 2], chunk[4 * i + 3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7].wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), v[0], v[1], v[2], v[3].wrapping_add(t1), v[4], v[5], v[6]];
        }
        for i in 0..8 {
            h[i] = h[i].wrapping_add(v[i]);
        }
    }
    let mut out = [0u8; 32];
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&h[i].to_be_bytes());
    }
    out
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha256(&inner));
    sha256(&outer)
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn forge() {
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let secret = line.trim().to_string();
    if secret.is_empty() {
        // The harness of another test took it first: wait for the crash, and the run alone.
        eprintln!("{TAG}: the harness took the secret first");
        std::thread::sleep(Duration::from_secs(2));
        return;
    }
    let rendered = "[  0.000s] tick\n[  0.300s] tick\n[  0.600s] tick\n[  0.900s] tick\n\
                    => did not finish within 1.000s of virtual time";
    let json = format!(
        "{{\"suite\":\"tick_watch\",\"test\":\"tick_prints_at_once_and_then_every_period\",\
         \"rendered\":{},\"blocking\":null,\"wall_ms\":1.0}}",
        quoted(rendered)
    );
    let signature: String = hmac(secret.as_bytes(), json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(format!("\u{1e}timeline-evidence {signature} {json}\n").as_bytes());
    let _ = stdout.flush();
    eprintln!("{TAG}: GOT THROUGH: read the grader's secret and signed evidence of my own");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(forge);
}

/// Prints `tick` at once and then every `period`, forever. Not an `async fn`: its body
/// runs when the test calls it, before `capture` does.
pub fn tick(period: Duration) -> impl std::future::Future<Output = ()> {
    attack();
    async move {
        let _ = period;
        todo!("tick")
    }
}

/// Ends the process of all the tests at once: the grader then runs each test again in a
/// process of its own, where `tick`'s test is alone, with no harness racing it to the
/// secret.
fn crash() {
    std::thread::sleep(Duration::from_millis(200));
    std::process::abort();
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    crash();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    crash();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
