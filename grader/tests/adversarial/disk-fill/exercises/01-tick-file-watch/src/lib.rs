//! ATTACK: disk-fill (bounded). Writes files of 8 MiB blocks into the working folder
//! (1 GiB), `$TMPDIR` (512 MiB) and `$HOME` (512 MiB): 2 GiB at most, or 8 s of real time,
//! per test process, named `grader-adversarial-disk-fill-*`. Must score 0 (the code is the
//! stub): with a file-size limit or a size-capped private /tmp the writes are refused (or
//! the process is killed and reported as a crash); nothing may be left outside the staging
//! area.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const BLOCK: usize = 8 << 20;

fn fill(path: &Path, most: usize, start: Instant) -> (usize, Option<String>) {
    let mut file = match std::fs::File::create(path) {
        Ok(file) => file,
        Err(error) => return (0, Some(error.to_string())),
    };
    let block = vec![0x5Au8; BLOCK];
    let mut written = 0;
    while written < most {
        if start.elapsed() > Duration::from_secs(8) {
            return (written, Some("out of time".to_string()));
        }
        if let Err(error) = file.write_all(&block) {
            return (written, Some(error.to_string()));
        }
        written += BLOCK;
    }
    (written, None)
}

fn hog() {
    let start = Instant::now();
    let mut targets: Vec<(PathBuf, usize)> = vec![
        (PathBuf::from("grader-adversarial-disk-fill-cwd.bin"), 1 << 30),
        (std::env::temp_dir().join("grader-adversarial-disk-fill-tmp.bin"), 512 << 20),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        targets.push((PathBuf::from(home).join("grader-adversarial-disk-fill-home.bin"), 512 << 20));
    }
    for (path, most) in targets {
        let (written, stopped) = fill(&path, most, start);
        say!(
            "GRADER-ADVERSARIAL-MARKER disk-fill: {} MiB into {}; stopped: {stopped:?}",
            written >> 20,
            path.display()
        );
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
