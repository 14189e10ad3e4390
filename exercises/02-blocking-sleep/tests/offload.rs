//! Visible tests for part 2: a blocking job moved off the executor.
//!
//! On tokio's paused clock, time stands still while a `spawn_blocking` job runs (the
//! runtime cannot know how long the job will take, so it does not jump ahead), so a
//! ticker could not tick during the job even in a correct solution. The proof that the
//! executor stays free uses no timer instead: a heartbeat task that only yields. The job
//! the test hands to `offload` blocks its thread until it has counted the heartbeats. Run
//! off the executor, it sees them at once; run on the executor, it is alone there, sees
//! none, and gives up after two seconds of real time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use exercise_02::offload;
use timeline::say;
use timeline_check::{capture, check};

const LIMIT: Duration = Duration::from_secs(60);

/// Real time the blocking job waits for the heartbeats before it gives up.
const PATIENCE: Duration = Duration::from_secs(2);

/// Prints `heartbeat 1` to `heartbeat {beats}`, yielding to the executor before each and
/// counting each in `seen`. Then it keeps yielding, silently, until `stop` is set: a
/// solution that runs the job on a thread of its own leaves the runtime idle otherwise,
/// and an idle paused clock would jump to the test's time limit.
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
/// [`PATIENCE`] has passed) and says what it saw. It prints nothing, so its lines can
/// never race the heartbeats'.
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
fn heartbeats_go_on_while_the_job_blocks() {
    let run = capture(LIMIT, async {
        let seen = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let beating = tokio::spawn(heartbeat(3, Arc::clone(&seen), Arc::clone(&stop)));
        let result = offload("render", wait_for_heartbeats(3, seen)).await;
        stop.store(true, Ordering::SeqCst);
        beating.await.expect("the heartbeat task does not panic");
        result
    });
    check!(run);
}
