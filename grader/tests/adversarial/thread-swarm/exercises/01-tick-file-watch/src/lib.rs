//! ATTACK: thread-swarm (kind 4: tasks). Starts 400 threads (64 KiB stacks) that all wait
//! on one barrier-like latch for up to 2 s: tasks count against a pids limit and a
//! process-count limit the same as processes, and cost kernel memory each. Says `GOT
//! THROUGH` when 300 or more were alive at once. Bounded: 400 threads, 2 s. Must score 0.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER thread-swarm";

fn swarm() {
    let alive = Arc::new(AtomicUsize::new(0));
    let mut started = 0;
    let mut handles = Vec::new();
    for _ in 0..400 {
        let alive = Arc::clone(&alive);
        let spawned = std::thread::Builder::new()
            .name("grader-adversarial-marker-thread-swarm".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                alive.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_secs(2));
            });
        match spawned {
            Ok(handle) => {
                started += 1;
                handles.push(handle);
            }
            Err(_) => break,
        }
    }
    let deadline = Instant::now() + Duration::from_millis(1500);
    while alive.load(Ordering::SeqCst) < started && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let most = alive.load(Ordering::SeqCst);
    for handle in handles {
        let _ = handle.join();
    }
    let verdict = if most >= 300 { "GOT THROUGH: " } else { "" };
    say!("{TAG}: {verdict}{most} threads alive at once ({started} started)");
    eprintln!("{TAG}: {verdict}{most} threads alive at once");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(swarm);
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
