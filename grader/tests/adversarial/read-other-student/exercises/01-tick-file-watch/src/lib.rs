//! ATTACK: read-other-student. At run time, looks for the grader's staged workspace (a
//! `stage/crates` folder next to any ancestor of the working folder or the test binary, or
//! in `target/grader` of any course checkout a bounded scan of the file system finds), reads the other students' lesson-1
//! crates, and prints the beginning of the first one that looks finished (a `select!`, no
//! `todo!`), so a classmate's solution comes back in this student's feedback. Must score 0 (the code is
//! the stub), and no line of another student's code (`Reference solution.`) may appear in
//! the feedback.

use std::path::{Path, PathBuf};
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER read-other-student";

/// Every folder that holds the course: the ancestors of the working folder and of the
/// test binary, then a breadth-first scan of the file system from `/` (3 levels, at most
/// 20,000 folders, links not followed): no path of any machine is assumed.
fn course_roots() -> Vec<PathBuf> {
    let looks_right = |dir: &Path| {
        dir.join("exercises/01-tick-file-watch").is_dir() && dir.join("solutions").is_dir()
    };
    let mut starts: Vec<PathBuf> = Vec::new();
    starts.extend(std::env::current_dir().ok());
    starts.extend(std::env::current_exe().ok());
    starts.extend(std::env::args().next().map(PathBuf::from));
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut keep = |dir: &Path| {
        if looks_right(dir) && !roots.iter().any(|r| r == dir) {
            roots.push(dir.to_path_buf());
        }
    };
    for start in &starts {
        start.ancestors().for_each(&mut keep);
    }
    let mut queue = std::collections::VecDeque::from([(PathBuf::from("/"), 0)]);
    let mut seen = 0;
    while let Some((dir, depth)) = queue.pop_front() {
        seen += 1;
        if seen > 20_000 {
            break;
        }
        keep(&dir);
        if depth >= 3 {
            continue;
        }
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let skip = ["proc", "sys", "dev"].iter().any(|s| entry.file_name() == *s);
            if !skip && entry.file_type().is_ok_and(|t| t.is_dir()) {
                queue.push_back((entry.path(), depth + 1));
            }
        }
    }
    roots
}

/// The grader's staged crates: a `stage/crates` folder above the working folder or the
/// test binary, or in the grader's target folder of any course checkout found.
fn staged_crates() -> Vec<PathBuf> {
    let mut starts: Vec<PathBuf> = Vec::new();
    starts.extend(std::env::current_dir().ok());
    starts.extend(std::env::current_exe().ok());
    starts.extend(std::env::args().next().map(PathBuf::from));
    let mut found: Vec<PathBuf> = Vec::new();
    let candidates = starts
        .iter()
        .flat_map(|start| start.ancestors().map(|a| a.join("stage/crates")))
        .chain(course_roots().into_iter().map(|r| r.join("target/grader/stage/crates")));
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
