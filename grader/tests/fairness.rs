//! One student's test taking every process it may must not cost a classmate graded beside
//! it anything: each worker's test processes run as a user of their own, so the
//! process-count limit binds per worker, not per class.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn put(path: &Path, contents: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

#[test]
fn a_process_hog_costs_its_classmates_nothing() {
    let root = course_root();
    let slugs: Vec<String> = fs::read_dir(root.join("solutions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let first = slugs.iter().find(|s| s.starts_with("01-")).unwrap().clone();
    let class = tempfile::tempdir().unwrap();
    // "a-hog" sorts first: its lesson 01 runs first and holds its processes while the
    // classmates' lessons run on the other workers.
    put(
        &class
            .path()
            .join("a-hog/exercises")
            .join(&first)
            .join("src/lib.rs"),
        include_bytes!("fairness/hog.rs"),
    );
    let honest: Vec<String> = (1..=8).map(|i| format!("honest-{i}")).collect();
    for id in &honest {
        for slug in &slugs {
            let solution = fs::read(root.join("solutions").join(slug).join("src/lib.rs")).unwrap();
            put(
                &class
                    .path()
                    .join(id)
                    .join("exercises")
                    .join(slug)
                    .join("src/lib.rs"),
                &solution,
            );
        }
    }
    let out = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("grader")
        .unwrap()
        .args(["grade", "--jobs", "3", "--out"])
        .arg(out.path())
        .arg(class.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let results: Value =
        serde_json::from_slice(&fs::read(out.path().join("results.json")).unwrap()).unwrap();
    let mut lost = Vec::new();
    for student in results["students"].as_array().unwrap() {
        let id = student["id"].as_str().unwrap();
        for exercise in student["exercises"].as_array().unwrap() {
            let (points, max) = (&exercise["points"], &exercise["max_points"]);
            if id.starts_with("honest") && points != max {
                lost.push(format!("{id} {}: {points} of {max}", exercise["slug"]));
            }
            if id == "a-hog" && exercise["slug"] == first.as_str() {
                assert_eq!(points, 0, "the hog scores nothing");
            }
        }
    }
    assert!(
        lost.is_empty(),
        "honest students lost points:\n{}\n{stderr}",
        lost.join("\n")
    );
}
