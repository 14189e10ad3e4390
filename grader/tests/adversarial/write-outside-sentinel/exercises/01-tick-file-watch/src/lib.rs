//! ATTACK: write-outside-sentinel. Writes outside its scratch folder at run time: overwrites
//! the sentinel file the test left in its sentinel folder (`OUTSIDE`: the test writes this
//! run's path in), creates a file
//! next to it, climbs there with `..` from the working folder, and drops a file in the
//! real `/tmp`. Every file carries `GRADER-ADVERSARIAL-MARKER write-outside-sentinel`.
//! Must score 0 (the code is the stub) and change nothing outside the staging area.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER write-outside-sentinel";
const OUTSIDE: &str = "@GRADER_OUTSIDE@";

fn escape() {
    let climb: PathBuf = std::iter::repeat_n("..", 24)
        .collect::<PathBuf>()
        .join(OUTSIDE.trim_start_matches('/'))
        .join("write-outside-sentinel-climbed.txt");
    let writes = [
        PathBuf::from(OUTSIDE).join("sentinel.txt"),
        PathBuf::from(OUTSIDE).join("write-outside-sentinel-created.txt"),
        climb,
        PathBuf::from("/tmp/grader-adversarial-write-outside-sentinel.txt"),
    ];
    for path in writes {
        let result = std::fs::write(&path, format!("{TAG}\n"));
        say!("{TAG}: write {} -> {result:?}", path.display());
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(escape);
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
