//! The grader works in a folder of its own inside the target folder cargo would use:
//! `CARGO_TARGET_DIR` when set (a relative one meaning the caller's folder), not the
//! checkout's `target/`. The class is one student whose lesson is refused before it is
//! built, so the batch is staged (the lock and the workspace written) but nothing compiles.
//! A target folder the test users could not reach is refused before any work.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use assert_cmd::Command;

/// A temporary folder others may enter, as the test users must (tempfile makes it 0700).
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn class_of_one_refused(class: &Path) {
    let src = class.join("eve/exercises/01-tick-file-watch/src");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        src.join("lib.rs"),
        "pub const SECRET: &str = include_str!(\"/etc/hostname\");\n",
    )
    .unwrap();
}

fn run_grade(work: &Path, target: &str) -> std::process::Output {
    let class = work.join("class");
    class_of_one_refused(&class);
    Command::cargo_bin("grader")
        .unwrap()
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .args(["grade", "-e", "01", "--out", "out"])
        .arg(&class)
        .output()
        .unwrap()
}

fn grade(work: &Path, target: &str) -> String {
    let output = run_grade(work, target);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "grade failed:\n{stderr}");
    stderr
}

fn assert_works_in(grader: &Path, stderr: &str) {
    for made in ["grader.lock", "stage/Cargo.toml", "stage/Cargo.lock"] {
        assert!(
            grader.join(made).is_file(),
            "no {made} in {}:\n{stderr}",
            grader.display()
        );
    }
}

#[test]
fn an_absolute_cargo_target_dir_holds_the_grader_s_work() {
    let work = open_tempdir();
    let target = work.path().join("elsewhere");
    let stderr = grade(work.path(), target.to_str().unwrap());
    assert_works_in(&target.join("grader"), &stderr);
}

#[test]
fn a_relative_cargo_target_dir_is_the_caller_s() {
    let work = open_tempdir();
    let stderr = grade(work.path(), "relative-target");
    assert_works_in(&work.path().join("relative-target/grader"), &stderr);
}

#[test]
fn a_target_dir_the_test_users_cannot_reach_is_refused_before_any_work() {
    if !rustix::process::getuid().is_root() {
        eprintln!(
            "NOT CHECKED: the tests run as the grader's own user when it is not root, so any \
             target folder it can use is reachable; run as root to check the refusal"
        );
        return;
    }
    let work = open_tempdir();
    let private = work.path().join("private");
    fs::create_dir(&private).unwrap();
    fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
    let output = run_grade(work.path(), private.join("target").to_str().unwrap());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("is inside {} (mode 700)", private.display()))
            && stderr.contains("CARGO_TARGET_DIR"),
        "{stderr}"
    );
    assert!(
        !private.join("target/grader").exists(),
        "nothing was staged"
    );
    assert!(!work.path().join("out").exists(), "no report was written");
}
