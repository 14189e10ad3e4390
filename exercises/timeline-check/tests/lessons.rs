//! Every lesson has one test binary holding every file of its `tests/`, so that
//! `cargo test -p exercise-NN` runs all of them even when one fails: cargo stops at the
//! first failing test binary, and would hide the tests of the lesson's other files.

use std::fs;
use std::path::{Path, PathBuf};

fn lessons() -> Vec<PathBuf> {
    let exercises = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut lessons: Vec<PathBuf> = fs::read_dir(exercises)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.join("tests").is_dir() && dir.join("src/main.rs").is_file())
        .collect();
    lessons.sort();
    lessons
}

fn test_files(lesson: &Path) -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(lesson.join("tests"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn every_test_file_of_a_lesson_is_in_its_one_test_binary() {
    let lessons = lessons();
    assert!(lessons.len() >= 6, "found {lessons:?}");
    for lesson in lessons {
        let manifest = fs::read_to_string(lesson.join("Cargo.toml")).unwrap();
        let manifest: toml_lite::Manifest = toml_lite::read(&manifest);
        assert!(
            manifest.autotests_off,
            "{}: autotests = false",
            lesson.display()
        );
        assert_eq!(
            manifest.tests,
            ["tests/lesson/main.rs"],
            "{}: one [[test]] target",
            lesson.display()
        );
        let main = fs::read_to_string(lesson.join("tests/lesson/main.rs")).unwrap();
        for file in test_files(&lesson) {
            let line = format!("#[path = \"../{file}.rs\"]\nmod {file};");
            assert!(
                main.contains(&line),
                "{}: tests/lesson/main.rs lacks `{line}`",
                lesson.display()
            );
        }
    }
}

/// Just what the test above reads of a manifest (no TOML parser among the dependencies).
mod toml_lite {
    pub struct Manifest {
        pub autotests_off: bool,
        pub tests: Vec<String>,
    }

    pub fn read(text: &str) -> Manifest {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let tests = lines
            .iter()
            .filter_map(|line| line.strip_prefix("path = \""))
            .filter_map(|rest| rest.strip_suffix('"'))
            .map(str::to_string)
            .collect();
        Manifest {
            autotests_off: lines.contains(&"autotests = false"),
            tests,
        }
    }
}
