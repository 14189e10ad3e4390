//! Hidden tests for lesson 1: the same behaviour with other periods and another moment for
//! the file to appear, so output copied from the visible snapshots does not pass.

use std::path::Path;
use std::time::Duration;

use exercise_01::{tick, tick_until_exists, wait_for};
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

#[test]
fn wait_for_sees_a_file_that_is_already_there_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ready.flag");
    std::fs::write(&path, b"").expect("test creates the file");
    // The first check comes before any pause: `exists!` at 0 s, not after 0.8 s.
    let run = capture(secs(30.0), async {
        wait_for(&path, secs(0.8)).await;
        say!("returned");
    });
    check!(run);
}

#[test]
fn a_file_that_comes_before_the_second_tick_gets_one_tick() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("early.txt");
    // Ticks every 2.5 s, polls every 0.4 s; the file appears at 0.3 s, so the poll at
    // 0.4 s sees it, long before the second tick. The ticker must be stopped, not only
    // silent: nothing of it alive 0.5 s after.
    let stopped = within(secs(30.0)).expect_cleanup(secs(0.5));
    let run = capture(stopped, async {
        create_after(&path, secs(0.3));
        tick_until_exists(&path, secs(2.5), secs(0.4)).await;
        say!("returned");
    });
    check!(run);
}
