//! Both confinement paths grade the same: resource limits only, and bwrap where it works
//! (where it does not, asking for it is a clear error, not a silent downgrade).

use assert_cmd::Command;

fn verify_lesson_one(sandbox: &str) -> std::process::Output {
    Command::cargo_bin("grader")
        .unwrap()
        .args(["--sandbox", sandbox, "verify", "--exercise", "01"])
        .output()
        .unwrap()
}

#[test]
fn limits_only_grades_the_course_as_expected() {
    let output = verify_lesson_one("limits");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("all as expected"), "{stdout}");
    assert!(
        stderr.contains("not asked for (--sandbox limits)"),
        "{stderr}"
    );
}

#[test]
fn bwrap_grades_the_course_as_expected_or_says_why_it_cannot() {
    let output = verify_lesson_one("bwrap");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        assert!(stdout.contains("all as expected"), "{stdout}");
        assert!(stderr.contains("bwrap: no network"), "{stderr}");
    } else {
        assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
        assert!(
            stderr.contains("--sandbox bwrap was asked for, but bwrap"),
            "{stderr}"
        );
    }
}
