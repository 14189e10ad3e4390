//! Partial regrades and shards, end to end: a one-student regrade into the class's `--out`
//! leaves every other row and feedback file as it was; two shards merge into the gradebook
//! of one run; verdicts of another course or grader are refused, never mixed.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const LESSON: &str = "03-gather";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn hand_in(class: &Path, id: &str, lib: &str) {
    let path = class
        .join(id)
        .join("exercises")
        .join(LESSON)
        .join("src/lib.rs");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, lib).unwrap();
}

/// Runs the grader; returns (success, stdout + stderr).
fn grader(args: &[&str], paths: &[&Path]) -> (bool, String) {
    let mut command = Command::cargo_bin("grader").unwrap();
    command.args(args);
    for path in paths {
        command.arg(path);
    }
    let output = command.output().unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn grade(class: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["grade", "-e", LESSON];
    args.extend_from_slice(extra);
    args.push("--out");
    let (ok, text) = grader(&args, &[out, class]);
    assert!(ok, "grade {extra:?} failed:\n{text}");
}

/// The students of a results.json without real-time figures.
fn students(out: &Path) -> Value {
    let mut results: Value = serde_json::from_str(&read(&out.join("results.json"))).unwrap();
    let mut students = results["students"].take();
    for student in students.as_array_mut().unwrap() {
        for exercise in student["exercises"].as_array_mut().unwrap() {
            for test in exercise["tests"].as_array_mut().unwrap() {
                test["duration_ms"] = Value::Null;
            }
        }
    }
    students
}

fn row<'a>(gradebook: &'a str, id: &str) -> &'a str {
    gradebook
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap_or_else(|| panic!("no row for {id} in\n{gradebook}"))
}

#[test]
fn shards_merge_to_one_run_and_a_partial_regrade_touches_only_its_cells() {
    let work = tempfile::tempdir().unwrap();
    let class = work.path().join("class");
    let solution = read(&root().join("solutions").join(LESSON).join("src/lib.rs"));
    let stub = read(&root().join("exercises").join(LESSON).join("src/lib.rs"));
    hand_in(&class, "ann", &solution);
    hand_in(&class, "bob", &stub);
    hand_in(&class, "cid", &solution);
    hand_in(&class, "dan", &format!("{stub}\nfn broken( {{\n"));

    let whole = work.path().join("whole");
    grade(&class, &whole, &[]);
    let (one, two, merged) = (
        work.path().join("one"),
        work.path().join("two"),
        work.path().join("merged"),
    );
    grade(&class, &one, &["--shard", "1/2"]);
    grade(&class, &two, &["--shard", "2/2"]);
    assert_eq!(students(&one).as_array().unwrap().len(), 2);

    let (ok, text) = grader(&["merge"], &[&one]);
    assert!(!ok && text.contains("shard(s) 2/2 missing"), "{text}");
    let (ok, text) = grader(&["merge", "--out"], &[&merged, &two, &one]);
    assert!(ok, "merge failed:\n{text}");
    let gradebook = read(&whole.join("gradebook.csv"));
    assert_eq!(read(&merged.join("gradebook.csv")), gradebook);
    assert_eq!(students(&merged), students(&whole));
    for id in ["ann", "bob", "cid", "dan"] {
        let feedback = format!("feedback/{id}.md");
        assert_eq!(
            read(&merged.join(&feedback)),
            read(&whole.join(&feedback)),
            "{id}"
        );
    }

    // Bob hands in the solution after all: only his cell changes.
    let others: Vec<(String, String)> = ["ann", "cid", "dan"]
        .iter()
        .map(|id| {
            (
                id.to_string(),
                read(&whole.join(format!("feedback/{id}.md"))),
            )
        })
        .collect();
    hand_in(&class, "bob", &solution);
    grade(&class, &whole, &["-s", "bob"]);
    let regraded = read(&whole.join("gradebook.csv"));
    assert_eq!(
        regraded.lines().count(),
        gradebook.lines().count(),
        "{regraded}"
    );
    for id in ["ann", "cid", "dan"] {
        assert_eq!(row(&regraded, id), row(&gradebook, id));
    }
    assert_eq!(
        row(&regraded, "bob"),
        row(&regraded, "ann").replacen("ann", "bob", 1)
    );
    for (id, before) in others {
        assert_eq!(
            read(&whole.join(format!("feedback/{id}.md"))),
            before,
            "{id}"
        );
    }

    // Verdicts of another course are never mixed in.
    let path = whole.join("results.json");
    let mut results: Value = serde_json::from_str(&read(&path)).unwrap();
    results["source"]["versions"]["course"] = Value::from("0000000000000000");
    fs::write(&path, serde_json::to_string(&results).unwrap()).unwrap();
    let (ok, text) = grader(
        &["grade", "-e", LESSON, "-s", "ann", "--out"],
        &[&whole, &class],
    );
    assert!(
        !ok,
        "a regrade over another course's verdicts is refused:\n{text}"
    );
    assert!(text.contains("different versions"), "{text}");
    assert_eq!(
        read(&whole.join("gradebook.csv")),
        regraded,
        "nothing was written"
    );
}
