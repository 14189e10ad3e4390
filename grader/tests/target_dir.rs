//! The grader works in a folder of its own inside the target folder cargo would use:
//! `CARGO_TARGET_DIR` when set (a relative one meaning the caller's folder), not the
//! checkout's `target/`. The class is one student whose lesson is refused before it is
//! built, so the batch is staged (the lock and the workspace written) but nothing compiles.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn class_of_one_refused(class: &Path) {
    let src = class.join("eve/exercises/01-tick-file-watch/src");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        src.join("lib.rs"),
        "pub const SECRET: &str = include_str!(\"/etc/hostname\");\n",
    )
    .unwrap();
}

fn grade(work: &Path, target: &str) -> String {
    let class = work.join("class");
    class_of_one_refused(&class);
    let output = Command::cargo_bin("grader")
        .unwrap()
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .args(["grade", "-e", "01", "--out", "out"])
        .arg(&class)
        .output()
        .unwrap();
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
    let work = tempfile::tempdir().unwrap();
    let target = work.path().join("elsewhere");
    let stderr = grade(work.path(), target.to_str().unwrap());
    assert_works_in(&target.join("grader"), &stderr);
}

#[test]
fn a_relative_cargo_target_dir_is_the_caller_s() {
    let work = tempfile::tempdir().unwrap();
    let stderr = grade(work.path(), "relative-target");
    assert_works_in(&work.path().join("relative-target/grader"), &stderr);
}
