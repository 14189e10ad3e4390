//! ATTACK: drop-panic. Panics from `Drop` during shutdown, three ways: a spawned task
//! holding a value whose `Drop` panics when the runtime is shut down, the same value left
//! in a thread-local so its destructor panics when the test's thread exits (Rust aborts
//! the whole process then, after `check!` has run), and a panic while already unwinding
//! (an abort). Must score 0 (the code prints a wrong timeline), the grader must report the
//! crash as a failed test and carry on.

use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

use timeline::say;

#[derive(Debug)]
struct Grenade(&'static str);

impl Drop for Grenade {
    fn drop(&mut self) {
        panic!("GRADER-ADVERSARIAL-MARKER drop-panic: {}", self.0);
    }
}

thread_local! {
    static PINNED: RefCell<Option<Grenade>> = const { RefCell::new(None) };
}

fn arm() {
    // Goes off when the runtime drops the task at shutdown.
    let grenade = Grenade("a task dropped at runtime shutdown");
    tokio::spawn(async move {
        let _held = grenade;
        std::future::pending::<()>().await;
    });
    // Goes off when the test's thread exits.
    PINNED.with(|slot| *slot.borrow_mut() = Some(Grenade("a thread-local at thread exit")));
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    arm();
    say!("tock");
    let _ = period;
    std::future::pending::<()>().await;
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    arm();
    let _ = (path, poll);
    // A panic while this value's `Drop` panics again during unwinding: an abort.
    let _second = Grenade("while unwinding");
    panic!("GRADER-ADVERSARIAL-MARKER drop-panic: first panic");
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    arm();
    let _ = (path, tick_period, poll);
    say!("exists?");
}
