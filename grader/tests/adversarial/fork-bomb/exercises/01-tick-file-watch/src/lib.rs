//! ATTACK: fork-bomb (bounded). Starts as many `sleep 30` processes as it can, up to 300,
//! each named `grader-adversarial-marker-fork-bomb` (argv[0]) so the test can find them,
//! and never waits for them. A real fork bomb would not stop at 300; this one does, so the
//! machine is safe even without a process limit. Must score 0 (the code is the stub), and
//! no process may outlive the grader.

use std::path::Path;
use std::os::unix::process::CommandExt as _;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const MOST: usize = 300;

fn bomb() {
    let mut started = 0;
    let mut refused = None;
    while started < MOST {
        let spawned = Command::new("sleep")
            .arg0("grader-adversarial-marker-fork-bomb")
            .arg("30")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            // The handle is dropped: nobody waits for the child.
            Ok(_child) => started += 1,
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
    }
    say!("GRADER-ADVERSARIAL-MARKER fork-bomb: started {started} of {MOST} processes; refused: {refused:?}");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(bomb);
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
