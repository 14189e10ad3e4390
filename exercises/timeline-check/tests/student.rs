//! `check!` as a student runs it: it compares with the course's snapshot and nothing in the
//! environment makes it write or accept one. The `fixture_*` tests are ignored; the test
//! below runs them in a child process of this very binary, with insta's own switches set.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use timeline::say;
use timeline_check::{capture, check};

const LIMIT: Duration = Duration::from_secs(10);

async fn start_and_done() {
    say!("start");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
}

#[test]
#[ignore = "a fixture: run by insta_switches_neither_write_nor_accept_a_snapshot"]
fn fixture_matches() {
    let run = capture(LIMIT, start_and_done());
    check!(run);
}

#[test]
#[ignore = "a fixture: run by insta_switches_neither_write_nor_accept_a_snapshot"]
fn fixture_differs_like_a_stub() {
    // The snapshot expects `42`; this run returns `()`, as a stub that does less would.
    let run = capture(LIMIT, start_and_done());
    check!(run);
}

fn snapshots() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn insta_switches_neither_write_nor_accept_a_snapshot() {
    let before = snapshots();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "fixture_"])
        .env("INSTA_UPDATE", "always")
        .env("INSTA_FORCE_PASS", "1")
        // Where insta would look for (and write) snapshots instead of the crate's folder.
        .env("INSTA_WORKSPACE_ROOT", elsewhere.path())
        .env_remove("TIMELINE_EVIDENCE")
        .env_remove("CI")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(101), "{stdout}");
    assert!(stdout.contains("test fixture_matches ... ok"), "{stdout}");
    assert!(
        stdout.contains("test fixture_differs_like_a_stub ... FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    3       │-=> returned after 1.000s: 42"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Fix your code until they match"),
        "{stdout}"
    );
    assert_eq!(snapshots(), before, "a snapshot was written");
    let written = std::fs::read_dir(elsewhere.path()).unwrap().count();
    assert_eq!(written, 0, "insta wrote into INSTA_WORKSPACE_ROOT");
}
