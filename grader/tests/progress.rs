//! Progress reaches a CI log as lines: GitHub Actions' workflow commands when
//! `GITHUB_ACTIONS=true` (or `--progress github`), plain lines otherwise. The class is one
//! student whose lesson is refused before it is built, so nothing compiles.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use assert_cmd::Command;

fn grade(work: &Path, args: &[&str], github_actions: bool) -> String {
    // The test users must reach the target folder: tempfile makes its folder 0700.
    fs::set_permissions(work, fs::Permissions::from_mode(0o755)).unwrap();
    let src = work.join("class/eve/exercises/01-tick-file-watch/src");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        src.join("lib.rs"),
        "pub const SECRET: &str = include_str!(\"/etc/hostname\");\n",
    )
    .unwrap();
    let mut command = Command::cargo_bin("grader").unwrap();
    command
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("GITHUB_ACTIONS")
        .args(["grade", "class", "-e", "01", "--out", "out"])
        .args(args);
    if github_actions {
        command.env("GITHUB_ACTIONS", "true");
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "grade failed:\n{stderr}");
    stderr
}

fn assert_github(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let group = lines
        .iter()
        .position(|l| *l == "::group::Grading a batch of 1 submission(s)")
        .unwrap_or_else(|| panic!("no group:\n{stderr}"));
    let error = lines
        .iter()
        .position(|l| {
            l.starts_with(
                "::error file=exercises/01-tick-file-watch/src/lib.rs,title=eve%3A 01-tick-file-watch 0/",
            ) && l.contains("::refused: ")
        })
        .unwrap_or_else(|| panic!("no error annotation:\n{stderr}"));
    let end = lines
        .iter()
        .position(|l| *l == "::endgroup::")
        .unwrap_or_else(|| panic!("group not closed:\n{stderr}"));
    assert!(group < error && error < end, "{stderr}");
}

#[test]
fn github_actions_gets_groups_and_error_annotations() {
    let work = tempfile::tempdir().unwrap();
    assert_github(&grade(work.path(), &[], true));
}

#[test]
fn progress_github_is_chosen_by_flag_too() {
    let work = tempfile::tempdir().unwrap();
    assert_github(&grade(work.path(), &["--progress", "github"], false));
}

#[test]
fn a_plain_log_has_counts_and_no_workflow_commands() {
    let work = tempfile::tempdir().unwrap();
    let stderr = grade(work.path(), &[], false);
    assert!(stderr.contains("building 1 submission(s)\n"), "{stderr}");
    assert!(
        stderr.contains("graded a batch of 1 submission(s), 1 student-exercise(s)\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("::"), "{stderr}");
}
