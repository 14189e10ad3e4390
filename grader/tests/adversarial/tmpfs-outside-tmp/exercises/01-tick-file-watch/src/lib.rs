//! ATTACK: tmpfs-outside-tmp (kind 4: memory outside the limits). Memory a process limit
//! does not count: files in every writable place other than the size-capped `/tmp`
//! (bwrap's root `/`, `/dev/shm`, `/var/tmp`, `$HOME`, the working folder), 32 MiB per
//! file (under the file-size limit), up to 1 GiB in all, held for a second, then removed.
//! A tmpfs file is memory until it is removed. Says `GOT THROUGH` when it held 512 MiB
//! or more outside `/tmp`. Bounded: 1 GiB, one second. Must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER tmpfs-outside-tmp";
const FILE: usize = 32 << 20;
const TOTAL: usize = 1 << 30;

fn fill() {
    let mut places: Vec<PathBuf> = ["/", "/dev/shm", "/var/tmp", "/run", "/dev"]
        .iter()
        .map(PathBuf::from)
        .collect();
    places.extend(std::env::var_os("HOME").map(PathBuf::from));
    places.extend(std::env::current_dir().ok());
    let tmp = std::env::temp_dir();
    let block = vec![0x5au8; FILE];
    let mut written: Vec<PathBuf> = Vec::new();
    let mut held = 0usize;
    let mut per_place = Vec::new();
    for place in places.iter().filter(|p| **p != tmp && !p.starts_with("/tmp")) {
        let mut here = 0usize;
        for index in 0..TOTAL / FILE {
            if held >= TOTAL {
                break;
            }
            let path = place.join(format!("grader-adversarial-tmpfs-outside-tmp-{index}"));
            let Ok(mut file) = std::fs::File::create(&path) else {
                break;
            };
            written.push(path);
            let _ = file.write_all(format!("{TAG}\n").as_bytes());
            if file.write_all(&block).is_err() {
                break;
            }
            here += FILE;
            held += FILE;
        }
        per_place.push(format!("{}: {} MiB", place.display(), here >> 20));
    }
    std::thread::sleep(Duration::from_secs(1));
    for path in &written {
        let _ = std::fs::remove_file(path);
    }
    let verdict = if held >= 512 << 20 { "GOT THROUGH: " } else { "" };
    say!("{TAG}: {verdict}held {} MiB outside /tmp ({})", held >> 20, per_place.join(", "));
    eprintln!("{TAG}: {verdict}held {} MiB outside /tmp", held >> 20);
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(fill);
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
