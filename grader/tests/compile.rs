//! A lesson's tests are compiled once for the whole class, but a lesson that does not fit
//! them costs only its author: an honest mistake (a renamed function), an error the tests
//! only meet when they instantiate a student's generic code, or a compiler that gives up
//! (a limit) zeroes that student's lesson alone, with their own errors only; the
//! classmates keep full marks and never see another student's code or errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

const ONE: &str = "01-tick-file-watch";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn solution() -> String {
    fs::read_to_string(root().join("solutions").join(ONE).join("src/lib.rs")).unwrap()
}

fn hand_in(class: &Path, id: &str, lib: &str) {
    let path = class
        .join(id)
        .join("exercises")
        .join(ONE)
        .join("src/lib.rs");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, lib).unwrap();
}

/// Grades `class` (lesson 01) with `args`; returns each student's (points, max) and
/// feedback.
fn grade(class: &Path, args: &[&str]) -> (Value, impl Fn(&str) -> String) {
    let out = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("grader")
        .unwrap()
        .args(["grade", "-e", "01"])
        .args(args)
        // A build that never ends fails the test instead of hanging it.
        .timeout(Duration::from_secs(300))
        .arg("--out")
        .arg(out.path())
        .arg(class)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let results: Value =
        serde_json::from_slice(&fs::read(out.path().join("results.json")).unwrap()).unwrap();
    let dir = out.keep();
    let feedback =
        move |id: &str| fs::read_to_string(dir.join("feedback").join(format!("{id}.md"))).unwrap();
    (results, feedback)
}

fn points(results: &Value, id: &str) -> (u64, u64) {
    let student = results["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no student {id} in results.json"));
    let lesson = student["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == ONE)
        .unwrap();
    (
        lesson["points"].as_u64().unwrap(),
        lesson["max_points"].as_u64().unwrap(),
    )
}

#[test]
fn a_renamed_function_costs_only_its_author() {
    let class = tempfile::tempdir().unwrap();
    let class = class.path();
    let renamed = solution().replace("pub async fn tick(", "pub async fn tick_renamed(");
    assert_ne!(
        renamed,
        solution(),
        "the solution has a `pub async fn tick(`"
    );
    let renamed = renamed.replace("tick(tick_period)", "tick_renamed(tick_period)");
    hand_in(class, "renamer", &renamed);
    hand_in(class, "classmate-a", &solution());
    hand_in(class, "classmate-b", &solution());

    let (results, feedback) = grade(class, &[]);
    let (got, _) = points(&results, "renamer");
    assert_eq!(got, 0, "{}", feedback("renamer"));
    let own = feedback("renamer");
    assert!(
        own.contains("tick"),
        "the renamer is told what broke: {own}"
    );
    assert!(own.contains("error"), "{own}");
    for classmate in ["classmate-a", "classmate-b"] {
        let (got, max) = points(&results, classmate);
        let text = feedback(classmate);
        assert_eq!(got, max, "{classmate} keeps full marks: {text}");
        for leak in ["tick_renamed", "renamer", "error[", "unresolved"] {
            assert!(
                !text.contains(leak),
                "{classmate}'s feedback shows `{leak}`: {text}"
            );
        }
    }
}

#[test]
fn errors_met_only_by_the_tests_and_compiler_limits_cost_only_their_authors() {
    let class = tempfile::tempdir().unwrap();
    let class = class.path();
    // Compiles alone; fails when the tests instantiate `tick::<Duration>`, in this file,
    // not at a line of the test crate.
    let generic = solution().replace(
        "pub async fn tick(period: Duration) {",
        "pub async fn tick<P: Into<Duration>>(period: P) {\n    \
         const { assert!(std::mem::size_of::<P>() == 1, \"GENERIC-SECRET\") };\n    \
         let period: Duration = period.into();",
    );
    assert_ne!(
        generic,
        solution(),
        "the solution has `pub async fn tick(period: Duration)`"
    );
    hand_in(class, "generic", &generic);
    // The compiler never ends: stopped at the limit.
    let forever = solution()
        + "\n#[allow(long_running_const_eval)]\npub const FOREVER: u64 = {\n    \
           let mut i: u64 = 1;\n    while i != 0 { i = i.wrapping_mul(3) | 1; }\n    i\n};\n";
    hand_in(class, "forever", &forever);
    hand_in(class, "classmate", &solution());

    let started = Instant::now();
    let (results, feedback) = grade(class, &["--compile-limit", "5"]);
    assert!(
        started.elapsed() < Duration::from_secs(240),
        "the limit bounds the build: {:?}",
        started.elapsed()
    );
    assert_eq!(points(&results, "generic").0, 0, "{}", feedback("generic"));
    assert!(
        feedback("generic").contains("GENERIC-SECRET"),
        "{}",
        feedback("generic")
    );
    assert_eq!(points(&results, "forever").0, 0, "{}", feedback("forever"));
    let gave_up = feedback("forever");
    assert!(
        gave_up.contains("the compiler gave up on your code") && gave_up.contains("5 s"),
        "{gave_up}"
    );
    let (got, max) = points(&results, "classmate");
    let text = feedback("classmate");
    assert_eq!(got, max, "{text}");
    for leak in ["GENERIC-SECRET", "gave up", "FOREVER", "error"] {
        assert!(
            !text.contains(leak),
            "the classmate's feedback shows `{leak}`: {text}"
        );
    }
}
