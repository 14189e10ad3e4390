//! The course proves itself: every reference solution scores full marks, every stub scores
//! zero, every wrong variant loses exactly the tests it declares, and three runs agree.
//! This drives the real binary, the way CI and instructors run it.

use assert_cmd::Command;

#[test]
fn every_variant_of_every_exercise_scores_what_it_should() {
    let output = Command::cargo_bin("grader")
        .unwrap()
        .args(["verify", "--repeat", "3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "verify failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all as expected"), "{stdout}");
    // Every exercise of the course took part, each with a solution, a stub and at least
    // one wrong variant.
    for number in ["01", "02", "03", "04", "05", "06"] {
        for variant in ["solution", "stub", "wrong/"] {
            assert!(
                stdout
                    .lines()
                    .any(|l| l.starts_with(number) && l.contains(variant)),
                "no `{variant}` row for exercise {number}:\n{stdout}"
            );
        }
    }
}
