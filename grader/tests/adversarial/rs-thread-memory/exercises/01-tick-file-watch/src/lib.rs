//! ATTACK: rs-thread-memory (bounded). Threads instead of processes: 12 threads each grow
//! 256 MiB in 32 MiB steps, writing every byte (3 GiB at most, under the 4 GiB per-process
//! address space, or 8 s), all at once. Must score 0 (the code is the stub): a bound on the
//! test as a whole stops it (or the process is killed and reported as a crash).

use std::path::Path;
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const THREADS: usize = 12;
const EACH: usize = 256 << 20;
const STEP: usize = 32 << 20;

fn grow(start: Instant) -> (Vec<Vec<u8>>, usize) {
    let mut held = Vec::new();
    let mut total = 0;
    while total < EACH && start.elapsed() < Duration::from_secs(8) {
        let mut chunk: Vec<u8> = Vec::new();
        if chunk.try_reserve_exact(STEP).is_err() {
            break;
        }
        chunk.resize(STEP, 0xA5);
        held.push(chunk);
        total += STEP;
    }
    (held, total)
}

fn hog() {
    let start = Instant::now();
    let threads: Vec<_> = (0..THREADS)
        .map(|_| std::thread::spawn(move || grow(start)))
        .collect();
    let mut kept = Vec::new();
    let mut total = 0;
    for thread in threads {
        if let Ok((held, size)) = thread.join() {
            kept.push(held);
            total += size;
        }
    }
    say!(
        "GRADER-ADVERSARIAL-MARKER rs-thread-memory: {THREADS} threads hold {} MiB after {:?}",
        total >> 20,
        start.elapsed()
    );
    std::thread::sleep(Duration::from_secs(2));
    drop(kept);
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
