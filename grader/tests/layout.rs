//! Each student's exercises are built as modules of one crate (one compiler run per
//! student), against the lessons' given code compiled once for the class. Code that needs
//! a crate root of its own, and every exercise of a student whose combined crate does not
//! compile, is built per exercise instead, given code included: the layout never changes
//! a grade, and a compile error costs only the exercise it is in.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn solution(slug: &str) -> String {
    fs::read_to_string(root().join("solutions").join(slug).join("src/lib.rs")).unwrap()
}

fn hand_in(class: &Path, id: &str, slug: &str, lib: &str) {
    let path = class
        .join(id)
        .join("exercises")
        .join(slug)
        .join("src/lib.rs");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, lib).unwrap();
}

const ONE: &str = "01-tick-file-watch";
const TWO: &str = "02-blocking-sleep";
const THREE: &str = "03-gather";

#[test]
fn the_crate_layout_never_changes_a_grade() {
    let class = tempfile::tempdir().unwrap();
    let class = class.path();
    // Correct, and uses paths from the crate root (found by reading the code).
    let rooted = "\nfn _ticks() -> impl std::future::Future<Output = ()> {\n    crate::tick(std::time::Duration::from_secs(1))\n}\n";
    hand_in(class, "rooted", ONE, &(solution(ONE) + rooted));
    hand_in(class, "rooted", TWO, &solution(TWO));
    // Correct, with a root path the reading misses (`crate ::`): the combined crate does
    // not compile, so each exercise is built on its own.
    let spaced = "\nfn _ticks() -> impl std::future::Future<Output = ()> {\n    crate ::tick(std::time::Duration::from_secs(1))\n}\n";
    hand_in(class, "spaced", ONE, &(solution(ONE) + spaced));
    hand_in(class, "spaced", TWO, &solution(TWO));
    // Lesson 01 correct, lesson 02 does not compile.
    hand_in(class, "typo", ONE, &solution(ONE));
    hand_in(
        class,
        "typo",
        TWO,
        &(solution(TWO) + "\nfn broken() -> u32 { \"not a number\" }\n"),
    );
    // Correct, with an inherent impl on a type of the lesson's given code: legal only in
    // the crate that defines the type, so it needs the given code compiled in its own
    // crate, not the class's shared copy.
    let inherent = "\nimpl Device {\n    pub fn _shout(&self) -> String {\n        format!(\"{self:?}!\")\n    }\n}\n";
    hand_in(class, "inherent", THREE, &(solution(THREE) + inherent));
    hand_in(class, "plain", THREE, &solution(THREE));
    // Both correct: the plain combined case.
    hand_in(class, "plain", ONE, &solution(ONE));
    hand_in(class, "plain", TWO, &solution(TWO));

    let out = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("grader")
        .unwrap()
        .args(["grade", "-e", "01", "-e", "02", "-e", "03", "--out"])
        .arg(out.path())
        .arg(class)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let results: Value =
        serde_json::from_slice(&fs::read(out.path().join("results.json")).unwrap()).unwrap();
    let score = |id: &str, slug: &str| -> (u64, u64, bool) {
        let student = results["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap();
        let exercise = student["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["slug"] == slug)
            .unwrap();
        (
            exercise["points"].as_u64().unwrap(),
            exercise["max_points"].as_u64().unwrap(),
            exercise["compiled"].as_bool().unwrap(),
        )
    };
    for id in ["rooted", "spaced", "plain"] {
        for slug in [ONE, TWO] {
            let (points, max, _) = score(id, slug);
            assert_eq!(points, max, "{id} {slug}");
        }
    }
    for id in ["inherent", "plain"] {
        let (points, max, _) = score(id, THREE);
        assert_eq!(points, max, "{id} {THREE}");
    }
    let (points, max, _) = score("typo", ONE);
    assert_eq!(points, max, "the typo in 02 costs nothing in 01");
    assert_eq!(score("typo", TWO), (0, max_of(&results, TWO), false));
    let feedback = fs::read_to_string(out.path().join("feedback/typo.md")).unwrap();
    assert!(
        feedback.contains("exercises/02-blocking-sleep/src/lib.rs"),
        "the error names the student's own file:\n{feedback}"
    );
}

fn max_of(results: &Value, slug: &str) -> u64 {
    results["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == slug)
        .unwrap()["max_points"]
        .as_u64()
        .unwrap()
}
