//! Visible tests for lesson 1. Each runs on a paused clock (`timeline_check::capture`), so the
//! printed times are exact and every run is the same. The file is created by a task of
//! the test at a virtual time that no tick and no poll falls on (x.25 s), so whether a
//! poll sees it never depends on which of two simultaneous events runs first.

use std::path::{Path, PathBuf};
use std::time::Duration;

use exercise_01::{tick, tick_until_exists, wait_for};
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(30);

/// The ticker must stop when the file appears: one second after the test's code returns,
/// no task of it may be alive (a ticker only muted by a flag still is), and a line
/// printed meanwhile shows after the return.
fn stopped() -> Options {
    within(LIMIT).expect_cleanup(secs(1.0))
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Creates `path` after `delay` of virtual time, with plain `std::fs` (instant, and not a
/// `spawn_blocking` job, which would hold the paused clock).
fn create_after(path: &Path, delay: Duration) {
    let path = path.to_path_buf();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        std::fs::write(&path, b"").expect("test creates the file");
    });
}

fn fresh_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("watched.txt")
}

#[test]
fn tick_prints_at_once_and_then_every_period() {
    let run = capture(secs(1.0), tick(secs(0.3)));
    check!(run);
}

#[test]
fn wait_for_prints_exists_at_the_first_poll_that_sees_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_path(&dir);
    let run = capture(LIMIT, async {
        create_after(&path, secs(1.25));
        wait_for(&path, secs(0.5)).await;
    });
    check!(run);
}

#[test]
fn ticks_until_the_file_appears() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_path(&dir);
    let run = capture(stopped(), async {
        create_after(&path, secs(2.25));
        tick_until_exists(&path, secs(1.0), secs(0.5)).await;
    });
    check!(run);
}

#[test]
fn returns_right_after_the_file_appears_and_the_ticker_stops() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_path(&dir);
    let run = capture(stopped(), async {
        create_after(&path, secs(3.35));
        tick_until_exists(&path, secs(1.0), secs(0.1)).await;
        say!("returned");
        // A ticker left running would print again in the next three seconds.
        tokio::time::sleep(secs(3.0)).await;
        say!("3 s later");
    });
    check!(run);
}
