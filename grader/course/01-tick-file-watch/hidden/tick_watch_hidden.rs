//! Hidden tests for lesson 1: the same behaviour with other periods and another moment for
//! the file to appear, so output copied from the visible snapshots does not pass.

use std::path::Path;
use std::time::Duration;

use exercise_01::{tick, tick_until_exists};
use timeline::say;
use timeline_check::{capture, check, within};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn create_after(path: &Path, delay: Duration) {
    let path = path.to_path_buf();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        std::fs::write(&path, b"").expect("test creates the file");
    });
}

#[test]
fn tick_keeps_any_period() {
    let run = capture(secs(2.0), tick(secs(0.45)));
    check!(run);
}

#[test]
fn fast_polls_see_the_file_between_slow_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other-name.log");
    // Ticks at 0, 0.7, 1.4, 2.1; polls every 0.2 s; the file appears at 1.85 s, so the poll
    // at 2.0 s sees it, before the tick at 2.1 s.
    // The ticker must be stopped, not only silent: nothing of it alive 0.5 s after.
    let stopped = within(secs(30.0)).expect_cleanup(secs(0.5));
    let run = capture(stopped, async {
        create_after(&path, secs(1.85));
        tick_until_exists(&path, secs(0.7), secs(0.2)).await;
        say!("returned");
        tokio::time::sleep(secs(2.0)).await;
        say!("2 s later");
    });
    check!(run);
}
