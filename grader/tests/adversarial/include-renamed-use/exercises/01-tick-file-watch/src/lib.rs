//! ATTACK: include-renamed-use (kind 3b: host files at compile time). `include_str!` by
//! another name: `use core::include_str as slurp;` then `slurp!(..)`, which no scan for
//! the word `include_str!` sees. It reads lesson 1's hidden tests at the path the grader's
//! stage puts them, relative to this file in the combined crate
//! (`target/grader/stage/crates/<key>/src/exercise_01/lib.rs`, seven folders below the
//! checkout), and prints them in its feedback. Must score 0, and no line of the hidden
//! tests (`other-name.log`) may reach the feedback.
//!
//! Handed out as `grader-adversarial-run` (the test adds its run's id, so every run
//! compiles it afresh: a kept build would hide an attack on the compiler).

use core::include_str as slurp;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER include-renamed-use";
const HIDDEN: &str = slurp!("../../../../../../../grader/course/01-tick-file-watch/hidden/tick_watch_hidden.rs");

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        say!("{TAG}: GOT THROUGH: read {} bytes of the hidden tests", HIDDEN.len());
        for line in HIDDEN.lines().filter(|l| l.contains("log") || l.contains("fn ")).take(6) {
            say!("{TAG}: {line}");
        }
    });
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
