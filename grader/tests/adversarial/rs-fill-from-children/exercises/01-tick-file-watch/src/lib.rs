//! ATTACK: rs-fill-from-children (bounded). 24 child processes each write one 48 MiB file
//! (under the per-file size limit) into `/dev/shm`, `/tmp` or the working folder, whichever
//! takes it, hold it 4 s and remove it (nothing else would clean `/dev/shm` where it is the
//! host's), then stay alive 20 s: about 1.1 GiB at once for the test, from processes each
//! far under every per-process limit. Children are named `grader-adversarial-marker-rs-fill-from-children`
//! ($0 of `sh -c`), files `grader-adversarial-rs-fill-from-children-*`. Must score 0 (the
//! code is the stub): the test's tree and its files share one bound.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const CHILDREN: usize = 24;
const SCRIPT: &str = "for d in /dev/shm /tmp \"$TMPDIR\" .; do \
    f=\"$d/grader-adversarial-rs-fill-from-children-$1.bin\"; \
    if { echo 'GRADER-ADVERSARIAL-MARKER rs-fill-from-children'; head -c 50331648 /dev/zero; } > \"$f\" 2>/dev/null; \
    then echo \"$d\"; sleep 4; rm -f \"$f\"; sleep 20; exit 0; fi; rm -f \"$f\"; done; echo none";

fn hog() {
    let start = Instant::now();
    let mut children = Vec::new();
    for index in 0..CHILDREN {
        let spawned = Command::new("sh")
            .args(["-c", SCRIPT, "grader-adversarial-marker-rs-fill-from-children"])
            .arg(index.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(_) => break,
        }
    }
    let mut wrote = Vec::new();
    for child in &mut children {
        let mut line = String::new();
        if let Some(out) = child.stdout.as_mut() {
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line);
        }
        wrote.push(line.trim().to_string());
    }
    let written = wrote.iter().filter(|w| !w.is_empty() && *w != "none").count();
    say!(
        "GRADER-ADVERSARIAL-MARKER rs-fill-from-children: {written} of {} children wrote 48 MiB each after {:?}: {wrote:?}",
        children.len(),
        start.elapsed()
    );
    std::thread::sleep(Duration::from_secs(3));
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
