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

/// A blocking job that waits for `beats` heartbeats like [`wait_for_heartbeats`], then
/// panics with a message that says how many it saw.
fn panic_after_heartbeats(beats: usize, seen: Arc<AtomicUsize>) -> impl FnOnce() -> u32 {
    move || {
        let outcome = wait_for_heartbeats(beats, seen)();
        panic!("the job failed ({outcome})")
    }
}

#[test]
fn a_job_that_panics_makes_offload_panic_without_finishing() {
    let run = capture(LIMIT, async {
        let seen = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let beating = tokio::spawn(heartbeat(2, Arc::clone(&seen), Arc::clone(&stop)));
        let job = panic_after_heartbeats(2, seen);
        // On a task of its own, so that its panic is a value here, whatever message wraps
        // the job's (`resume_unwind`, `unwrap` and `expect` on the `JoinError` all keep it).
        let offloading = tokio::spawn(async move { offload("crunch", job).await });
        let outcome = offloading.await;
        stop.store(true, Ordering::SeqCst);
        beating.await.expect("the heartbeat task does not panic");
        match outcome {
            Ok(value) => format!("offload returned {value} instead of panicking"),
            Err(error) if error.is_panic() => {
                let panic = error.into_panic();
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                if message.contains("the job failed (saw 2 heartbeats)") {
                    "offload panicked with the job's message".to_string()
                } else {
                    format!("offload panicked, but its message is not the job's: {message}")
                }
            }
            Err(_) => "offload was cancelled".to_string(),
        }
    });
    check!(run);
}
