//! ATTACK: rs-fill-writable (bounded). Fills every place a test might write, in files of
//! 48 MiB (under the per-file size limit), 400 MiB per place at most, 8 s in all: `/`,
//! `/dev/shm`, `/tmp`, `$TMPDIR` and the working folder (the scratch folder without bwrap):
//! 2 GiB at most, files named `grader-adversarial-rs-fill-writable-*`. On a tmpfs each
//! byte is memory. Once it has said what it wrote, it removes its files from `/` and
//! `/dev/shm` (nothing else would clean them where they are the host's). Must score 0 (the code is the stub): the places are read-only or capped,
//! and what is written counts against the test's own memory bound.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const FILE: usize = 48 << 20;
const PER_PLACE: usize = 400 << 20;
const BLOCK: usize = 4 << 20;

fn fill(dir: &Path, place: usize, start: Instant) -> (usize, Option<String>) {
    let block = vec![0x5Au8; BLOCK];
    let mut written = 0;
    for index in 0.. {
        if written >= PER_PLACE {
            break;
        }
        let path = dir.join(format!("grader-adversarial-rs-fill-writable-{place}-{index}.bin"));
        let mut file = match std::fs::File::create(&path) {
            Ok(file) => file,
            Err(error) => return (written, Some(error.to_string())),
        };
        let _ = file.write_all(b"GRADER-ADVERSARIAL-MARKER rs-fill-writable\n");
        for _ in 0..FILE / BLOCK {
            if start.elapsed() > Duration::from_secs(8) {
                return (written, Some("out of time".to_string()));
            }
            if let Err(error) = file.write_all(&block) {
                return (written, Some(error.to_string()));
            }
            written += BLOCK;
        }
    }
    (written, None)
}

fn hog() {
    let start = Instant::now();
    let mut places: Vec<PathBuf> = ["/", "/dev/shm", "/tmp"].map(PathBuf::from).to_vec();
    places.push(std::env::temp_dir());
    places.push(PathBuf::from("."));
    let mut total = 0;
    for (number, place) in places.iter().enumerate() {
        let (written, stopped) = fill(place, number, start);
        total += written;
        say!(
            "GRADER-ADVERSARIAL-MARKER rs-fill-writable: {} MiB into {}; stopped: {stopped:?}",
            written >> 20,
            place.display()
        );
    }
    say!("GRADER-ADVERSARIAL-MARKER rs-fill-writable: {} MiB in all", total >> 20);
    for (number, place) in places.iter().enumerate().take(2) {
        for index in 0..PER_PLACE / FILE + 1 {
            let name = format!("grader-adversarial-rs-fill-writable-{number}-{index}.bin");
            let _ = std::fs::remove_file(place.join(name));
        }
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(hog);
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
