//! ATTACK: ev-rerun-current-exe. A plain `fn` whose body runs before `capture` takes the
//! grader's secret from stdin, then re-runs its own test binary, found through
//! `std::env::current_exe()`: `--list` names every classmate's copy of the lesson's tests
//! (`s002::tick_watch::…`), and each classmate's tests are run with the stolen secret on
//! stdin. Per test, the evidence most classmates agree on is printed as this process's
//! own, and it exits 0. When another test read stdin first, it aborts so that each test
//! runs again alone. The code is the stub. Must score 0: no program may start, and
//! evidence must be bound to the student and to the process it was issued to.

use std::future::Future;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

const ATTACK: &str = "ev-rerun-current-exe";

fn attack() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| rerun(std::env::current_exe().unwrap_or_default()));
}

// ---- The lesson's functions: the stub, as plain functions that return a future, so that
// their bodies run when the test evaluates `capture`'s arguments, before `capture`. ----

/// Prints `tick` at once and then every `period`, forever.
pub fn tick(period: Duration) -> impl Future<Output = ()> {
    attack();
    async move {
        let _ = period;
        todo!("tick")
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub fn wait_for(path: &Path, poll: Duration) -> impl Future<Output = ()> {
    attack();
    async move {
        let _ = (path, poll);
        todo!("wait_for")
    }
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) -> impl Future<Output = ()> {
    attack();
    async move {
        let _ = (path, tick_period, poll);
        todo!("tick_until_exists")
    }
}


// ---- Re-running the test binary with classmates' tests. ----

/// Reads the grader's first line from stdin (the secret), before `capture` can.
fn stolen_input() -> Option<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    (!line.trim().is_empty()).then_some(line)
}

fn field<'a>(json: &'a str, name: &str) -> &'a str {
    let start = format!("\"{name}\":");
    let Some(at) = json.find(&start) else { return "" };
    let rest = &json[at + start.len()..];
    let end = rest.find(",\"").unwrap_or(rest.len());
    &rest[..end]
}

/// Runs the binary with the given tests, the stolen input on its stdin; the evidence lines.
fn run_binary(exe: &std::path::Path, tests: &[String], input: &str) -> Vec<String> {
    use std::io::Write as _;
    use std::os::unix::process::CommandExt as _;
    use std::process::{Command, Stdio};
    let child = Command::new(exe)
        .arg0(format!("grader-adversarial-marker-{ATTACK}"))
        .args(tests)
        .args(["--exact", "--test-threads=8"])
        .env("TIMELINE_EVIDENCE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            eprintln!("GRADER-ADVERSARIAL-MARKER {ATTACK}: cannot start {}: {error}", exe.display());
            return Vec::new();
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    // A classmate's tests may never end (other attacks are in the class): 3 s each.
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stdout) = stdout {
            use std::io::Read as _;
            let _ = stdout.read_to_string(&mut text);
        }
        text
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while child.try_wait().ok().flatten().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    reader
        .join()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.find(MARK).map(|at| line[at..].to_string()))
        .collect()
}

/// Every classmate's copy of this lesson's tests, run with the stolen secret; per test the
/// evidence most classmates agree on, printed as this process's own.
fn rerun(exe: std::path::PathBuf) {
    let Some(input) = stolen_input() else {
        // Nothing to hand a child; starting one anyway shows whether programs may start.
        use std::os::unix::process::CommandExt as _;
        let started = std::process::Command::new(&exe)
            .arg0(format!("grader-adversarial-marker-{ATTACK}"))
            .arg("--list")
            .stdin(std::process::Stdio::null())
            .output()
            .map(|out| out.status.to_string());
        eprintln!(
            "GRADER-ADVERSARIAL-MARKER {ATTACK}: no secret on stdin; starting {} anyway: {started:?}; crashing so that each test runs alone",
            exe.display()
        );
        std::process::abort();
    };
    let me = my_key();
    let listed = {
        use std::os::unix::process::CommandExt as _;
        std::process::Command::new(&exe)
            .arg0(format!("grader-adversarial-marker-{ATTACK}"))
            .arg("--list")
            .stdin(std::process::Stdio::null())
            .output()
    };
    let listed = match listed {
        Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
        Err(error) => {
            eprintln!("GRADER-ADVERSARIAL-MARKER {ATTACK}: cannot list {}: {error}", exe.display());
            std::process::abort();
        }
    };
    let mut by_key: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in listed.lines() {
        if let Some(name) = line.strip_suffix(": test")
            && let Some((key, _)) = name.split_once("::")
            && key != me
        {
            by_key.entry(key.to_string()).or_default().push(name.to_string());
        }
    }
    let mut votes: std::collections::BTreeMap<(String, String), Vec<String>> = Default::default();
    for tests in by_key.values().take(12) {
        for line in run_binary(&exe, tests, &input) {
            let stem = format!("{}/{}", field(&line, "suite"), field(&line, "test"));
            votes.entry((stem, field(&line, "rendered").to_string())).or_default().push(line);
        }
    }
    let mut best: std::collections::BTreeMap<String, (usize, String)> = Default::default();
    for ((stem, _), lines) in votes {
        let entry = best.entry(stem).or_insert((0, String::new()));
        if lines.len() > entry.0 {
            *entry = (lines.len(), lines[0].clone());
        }
    }
    let lines: String = best.values().map(|(_, line)| format!("{line}\n")).collect();
    print_and_leave(&lines, &format!("{} classmates' evidence lines reprinted", best.len()));
}


// ---- What the attacks share: finding the student key, printing evidence. ----

/// The mark an evidence line starts with (read in the harness's source).
const MARK: &str = "\u{1e}timeline-evidence ";

/// This process's student key, from the test names the grader passed (`s001::tick_watch::…`).
fn my_key() -> String {
    std::env::args()
        .skip(1)
        .find_map(|a| a.split_once("::").map(|(key, _)| key.to_string()))
        .unwrap_or_default()
}

/// Writes lines on the real stdout (past libtest's capture) and leaves with exit code 0.
fn print_and_leave(lines: &str, what: &str) -> ! {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(lines.as_bytes());
    let _ = out.flush();
    eprintln!("GRADER-ADVERSARIAL-MARKER {ATTACK}: {what}, leaving");
    std::process::exit(0)
}


