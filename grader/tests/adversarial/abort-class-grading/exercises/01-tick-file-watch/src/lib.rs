//! ATTACK: abort-class-grading. Tries to stop the grading of the whole class rather than
//! to cheat: from its working folder it finds the grader's work folder (the parent of this
//! run's `run-N` folder) and puts a plain file where each of the next 100 runs' folders
//! (`run-<N+1>`, ...) would go, so the grader cannot create them. Graded in a batch of its
//! own with the honest students. Must score 0 (the code is the stub), the grader must
//! still finish and write every report, and the honest students keep full marks.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER abort-class-grading";

fn number(name: &str) -> Option<usize> {
    name.strip_prefix("run-")?.parse().ok()
}

fn block_later_runs() {
    let Ok(cwd) = std::env::current_dir() else {
        return;
    };
    // .../run-R/run-INDEX/{all,alone-K}/scratch
    let unit: Option<PathBuf> = cwd
        .ancestors()
        .find(|a| {
            a.file_name().and_then(|n| n.to_str()).and_then(number).is_some()
                && a.parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
                    .and_then(number)
                    .is_some()
        })
        .map(Path::to_path_buf);
    let Some(unit) = unit else {
        say!("{TAG}: no run folder above {}", cwd.display());
        return;
    };
    let index = unit.file_name().and_then(|n| n.to_str()).and_then(number).unwrap_or(0);
    let Some(runs) = unit.parent() else {
        return;
    };
    let mut blocked = 0;
    for later in index + 1..=index + 100 {
        let path = runs.join(format!("run-{later}"));
        if !path.exists() && std::fs::write(&path, format!("{TAG}\n")).is_ok() {
            blocked += 1;
        }
    }
    say!("{TAG}: blocked {blocked} later runs in {}", runs.display());
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(block_later_runs);
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
