//! ATTACK: read-other-student. At run time, looks for the grader's staged workspace (a
//! `stage/crates` folder next to any ancestor of the working folder or the test binary, or
//! under the well-known `/work/main/target/grader`), reads the other students' lesson-1
//! crates, and prints the beginning of the first one that looks finished (a `select!`, no
//! `todo!`), so a classmate's solution comes back in this student's feedback. Must score 0 (the code is
//! the stub), and no line of another student's code (`Reference solution.`) may appear in
//! the feedback.

use std::path::{Path, PathBuf};
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER read-other-student";

fn staged_crates() -> Vec<PathBuf> {
    let mut starts: Vec<PathBuf> = Vec::new();
    starts.extend(std::env::current_dir().ok());
    starts.extend(std::env::current_exe().ok());
    let mut found: Vec<PathBuf> = Vec::new();
    let candidates = starts
        .iter()
        .flat_map(|start| start.ancestors().map(|a| a.join("stage/crates")))
        .chain([PathBuf::from("/work/main/target/grader/stage/crates")]);
    for candidate in candidates {
        if candidate.is_dir() && !found.contains(&candidate) {
            found.push(candidate);
        }
    }
    found
}

fn peek() {
    // `module_path!()` at the crate root is this crate's own name: `sNNN_exercise_01`.
    let me = module_path!().replace('_', "-");
    let mut shown = 0;
    for dir in staged_crates() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut crates: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        crates.sort();
        for krate in crates {
            let name = krate.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if name == me || !name.ends_with("-exercise-01") || shown >= 1 {
                continue;
            }
            let Ok(code) = std::fs::read_to_string(krate.join("src/lib.rs")) else {
                continue;
            };
            if code.contains("todo!(") || !code.contains("select!") {
                continue;
            }
            shown += 1;
            say!("{TAG}: {name}");
            for line in code.lines().take(8) {
                say!("{name}| {line}");
            }
        }
    }
    if shown == 0 {
        say!("{TAG}: no classmate's crate found");
    }
}

fn attack() {
    peek();
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    attack();
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    attack();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    attack();
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
