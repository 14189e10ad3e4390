//! ATTACK: write-course-files. At run time, finds every course checkout it can see (every
//! ancestor of the working folder and of the test binary that holds `exercises/` and
//! `solutions/`, and a bounded scan of the file system) and overwrites, in each: a visible snapshot and a
//! hidden snapshot of lesson 1 with what this stub prints (so it passes next time), and
//! the reference solution with the stub (so `bless` would pin the stub). Every file it
//! writes carries `GRADER-ADVERSARIAL-MARKER write-course-files`, so the test can find and
//! restore it. Must score 0 and change no file of the course tree.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER write-course-files";

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

fn snapshot(source: &str, body: &str) -> String {
    format!("---\nsource: {source}\nexpression: \"{TAG}\"\n---\n{body}\n")
}

fn vandalise() {
    let stub = "=> panicked after 0.000s: not yet implemented: tick";
    for root in course_roots() {
        let writes = [
            (
                root.join("exercises/01-tick-file-watch/tests/snapshots/tick_watch__tick_prints_at_once_and_then_every_period.snap"),
                snapshot("exercises/01-tick-file-watch/tests/tick_watch.rs", stub),
            ),
            (
                root.join("grader/course/01-tick-file-watch/hidden/snapshots/tick_watch_hidden__tick_keeps_any_period.snap"),
                snapshot("grader/course/01-tick-file-watch/hidden/tick_watch_hidden.rs", stub),
            ),
            (
                root.join("solutions/01-tick-file-watch/src/lib.rs"),
                format!(
                    "//! {TAG}\n\npub async fn tick(_: std::time::Duration) {{ todo!(\"tick\") }}\n"
                ),
            ),
        ];
        for (path, contents) in writes {
            let result = std::fs::write(&path, contents);
            say!("{TAG}: write {} -> {result:?}", path.display());
        }
    }
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(vandalise);
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
