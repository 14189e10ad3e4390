//! ATTACK: sabotage-other-students. Lowers classmates' grades from inside its own test
//! process, for at most 8 s of real time:
//! 1. kills every other process running a test binary of the same grader run (same
//!    folder as this binary, named `batch-*`), so their tests crash;
//! 2. in the grader's work folder (the parent of this run's `run-N` folder), plants a
//!    directory in place of every evidence file of every later run (`all`, then the
//!    `alone-*` reruns; the order of runs is read from the staged suites), so the harness
//!    cannot write their evidence there.
//! Must score 0 (the code is the stub), and every honest student graded in the same batch
//! must still get full marks.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use timeline::say;

const TAG: &str = "GRADER-ADVERSARIAL-MARKER sabotage-other-students";

fn number(name: &str) -> Option<usize> {
    name.strip_prefix("run-")?.parse().ok()
}

/// The grader's units in run order, as (exercise's suite folder, student key): exercise by
/// exercise, students in key order, as the staged suites list them (`batch.rs`).
fn staged_units(cwd: &Path) -> Vec<(PathBuf, String)> {
    let Some(suites) = cwd
        .ancestors()
        .map(|a| a.join("stage/suites"))
        .find(|s| s.is_dir())
    else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&suites)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    folders.sort();
    let mut units = Vec::new();
    for folder in folders {
        let batch = std::fs::read_to_string(folder.join("batch.rs")).unwrap_or_default();
        for line in batch.lines() {
            if let Some(key) = line.strip_prefix("mod ").and_then(|r| r.split(' ').next()) {
                units.push((folder.clone(), key.to_string()));
            }
        }
    }
    units
}

/// `<suite>__<test>` of every test of one staged suite folder, in the grader's order.
fn stems_of(suite: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(suite.join("common"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut stems = Vec::new();
    for path in files {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut marked = false;
        for line in text.lines().map(str::trim) {
            if line == "#[test]" {
                marked = true;
            } else if marked {
                if let Some(name) = line.strip_prefix("fn ").and_then(|r| r.split('(').next()) {
                    stems.push(format!("{stem}__{name}"));
                }
                marked = false;
            }
        }
    }
    stems
}

/// Plants directories where the later runs will want to write their evidence files.
fn plant_traps() -> usize {
    let Ok(cwd) = std::env::current_dir() else {
        return 0;
    };
    // .../run-R/run-INDEX/{all,alone-K}/scratch
    let Some(unit) = cwd
        .ancestors()
        .find(|a| {
            a.file_name().and_then(|n| n.to_str()).and_then(number).is_some()
                && a.parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
                    .and_then(number)
                    .is_some()
        })
        .map(Path::to_path_buf)
    else {
        return 0;
    };
    let index = unit.file_name().and_then(|n| n.to_str()).and_then(number).unwrap_or(0);
    let Some(runs) = unit.parent().map(Path::to_path_buf) else {
        return 0;
    };
    let units = staged_units(&cwd);
    let mut planted = 0;
    // Every later run's first process first, then the runs of single tests after a crash.
    for pass in 0..2 {
        for (later, (suite, _key)) in units.iter().enumerate().skip(index + 1) {
            let stems = stems_of(suite);
            let subs: Vec<String> = if pass == 0 {
                vec!["all".to_string()]
            } else {
                (0..stems.len()).map(|k| format!("alone-{k}")).collect()
            };
            for sub in subs {
                let evidence = runs.join(format!("run-{later}")).join(sub).join("evidence");
                for stem in &stems {
                    let trap = evidence.join(format!("{stem}.json")).join("trap");
                    planted += usize::from(std::fs::create_dir_all(trap).is_ok());
                }
            }
        }
    }
    planted
}

/// Kills the other test processes of this grader run; returns how many kills were sent.
fn kill_classmates(until: Instant) -> usize {
    let Ok(me) = std::env::current_exe() else {
        return 0;
    };
    let Some(folder) = me.parent().map(Path::to_path_buf) else {
        return 0;
    };
    let own = std::process::id().to_string();
    let mut kills = 0;
    while Instant::now() < until {
        let Ok(processes) = std::fs::read_dir("/proc") else {
            break;
        };
        for process in processes.filter_map(|e| e.ok()) {
            let pid = process.file_name().to_string_lossy().into_owned();
            if pid == own || !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(exe) = std::fs::read_link(process.path().join("exe")) else {
                continue;
            };
            let sibling = exe.parent() == Some(folder.as_path())
                && exe.file_name().is_some_and(|n| n.to_string_lossy().starts_with("batch-"));
            if sibling {
                let killed = std::process::Command::new("kill")
                    .args(["-KILL", &pid])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                kills += usize::from(killed);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    kills
}

fn sabotage() {
    let until = Instant::now() + Duration::from_secs(8);
    let planted = plant_traps();
    let kills = kill_classmates(until);
    say!("{TAG}: planted {planted} evidence traps, killed {kills} classmates' test processes");
}

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(sabotage);
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
