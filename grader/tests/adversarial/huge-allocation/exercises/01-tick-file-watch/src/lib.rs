//! ATTACK: huge-allocation. Asks for 64 GiB in one `Vec` (more than this machine has, so
//! it fails at once even without a limit; `try_reserve_exact`, never touched), then grows
//! real memory in 64 MiB steps, writing every byte, up to 4 GiB or 8 s of real time,
//! whichever comes first; one test at a time. Must score 0 (the code is the stub): with a
//! memory limit the growth is refused (or the process is killed and reported as a crash),
//! and the grader is never the one that runs out of memory.

use std::path::Path;
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const HUGE: usize = 64 << 30;
const MOST: usize = 4 << 30;
const STEP: usize = 64 << 20;

fn hog() {
    let mut huge: Vec<u8> = Vec::new();
    let reserved = huge.try_reserve_exact(HUGE).map_err(|e| e.to_string());
    drop(huge);
    let start = Instant::now();
    let mut held: Vec<Vec<u8>> = Vec::new();
    let mut total = 0;
    let mut refused = None;
    while total < MOST && start.elapsed() < Duration::from_secs(8) {
        let mut chunk: Vec<u8> = Vec::new();
        if let Err(error) = chunk.try_reserve_exact(STEP) {
            refused = Some(error.to_string());
            break;
        }
        chunk.resize(STEP, 0xA5);
        held.push(chunk);
        total += STEP;
    }
    say!(
        "GRADER-ADVERSARIAL-MARKER huge-allocation: 64 GiB at once: {:?}; grew to {} MiB; refused: {refused:?}",
        reserved.map(|()| "granted"),
        total >> 20
    );
    drop(held);
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
