//! Hidden tests for part 2: the same proof as `tests/offload.rs` (a heartbeat task that
//! needs no timer keeps going while the blocking job waits for it), with another name and
//! another number of heartbeats.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use exercise_02::offload;
use timeline::say;
use timeline_check::{capture, check};

const LIMIT: Duration = Duration::from_secs(60);

/// Real time the blocking job waits for the heartbeats before it gives up.
const PATIENCE: Duration = Duration::from_secs(2);

/// Prints `heartbeat 1` to `heartbeat {beats}`, yielding before each and counting each
/// in `seen`; then yields silently until `stop` is set, so that the runtime never goes
/// idle (an idle paused clock would jump to the time limit) while a job runs elsewhere.
async fn heartbeat(beats: usize, seen: Arc<AtomicUsize>, stop: Arc<AtomicBool>) {
    for i in 1..=beats {
        tokio::task::yield_now().await;
        say!("heartbeat {i}");
        seen.fetch_add(1, Ordering::SeqCst);
    }
    while !stop.load(Ordering::SeqCst) {
        tokio::task::yield_now().await;
    }
}

/// A blocking job: holds its thread until `beats` heartbeats have been counted (or
/// [`PATIENCE`] has passed) and says what it saw. It prints nothing.
fn wait_for_heartbeats(beats: usize, seen: Arc<AtomicUsize>) -> impl FnOnce() -> String {
    move || {
        let start = Instant::now();
        loop {
            let count = seen.load(Ordering::SeqCst);
            if count >= beats {
                return format!("saw {count} heartbeats");
            }
            if start.elapsed() >= PATIENCE {
                return format!("gave up: saw {count} heartbeats");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[test]
fn five_heartbeats_go_on_while_another_job_blocks() {
    let run = capture(LIMIT, async {
        let seen = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let beating = tokio::spawn(heartbeat(5, Arc::clone(&seen), Arc::clone(&stop)));
        let result = offload("resize", wait_for_heartbeats(5, seen)).await;
        stop.store(true, Ordering::SeqCst);
        beating.await.expect("the heartbeat task does not panic");
        result
    });
    check!(run);
}
