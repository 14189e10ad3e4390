//! The adversarial corpus, end to end: every folder of `tests/adversarial/` is one hostile
//! student (a row of the threat table in the shared notes), graded by the real `grader`
//! binary in one batch with three honest students (the reference solutions, copied at run
//! time), the way a class is graded; an attack on the whole batch (`solo` in `ATTACKS`) gets
//! a batch of its own with the honest students, so that it cannot hide what the others did.
//! The test then checks, from `results.json`, the feedback files and the machine itself,
//! that every attack:
//!
//! - scores 0 on the exercise it attacks, or is rejected with a message saying why
//!   (`ATTACKS` gives the words the feedback must contain and the leaks it must not);
//! - left the grader running (exit code 0, a complete report) within the overall limit;
//! - changed nothing outside the grader's staging area: the course trees (`exercises/`,
//!   `solutions/`, `grader/course/`) of the checkout the grader runs from and of the
//!   well-known `/work/main` (any change to lesson 1's folders, and any file carrying the
//!   marker anywhere), a sentinel folder in `/tmp`, `/tmp` itself and `$HOME`;
//! - left no process running (every process an attack starts carries
//!   `grader-adversarial-marker` in its command line), and made no network connection (the
//!   test listens on 127.0.0.1 and writes the port into the network attack);
//! - left every honest student at full marks.
//!
//! The attacks are bounded so that they are safe for the machine even when a defence is
//! missing (300 processes, 4 GiB of memory, 2 GiB of disk, 1 GiB of output, 60 s of CPU).
//! Whatever they manage to write carries `GRADER-ADVERSARIAL-MARKER <attack>`: the test
//! reports it, then restores the course files it finds marked and removes its own files
//! and processes, even when an assertion fails.
//!
//! It runs with the rest of the suite (about 80 s). To run it alone, or in parts:
//!
//! ```console
//! cargo test -p grader --test adversarial -- --nocapture
//! GRADER_ADVERSARIAL_ONLY=busy-loop,fork-bomb cargo test ...   # some attacks only
//! GRADER_ADVERSARIAL_KEEP=1 cargo test ...   # keep the class and the reports, print where
//! GRADER_ADVERSARIAL_SANDBOX=limits cargo test ...   # grade with `--sandbox limits`
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// Every file an attack writes carries this, followed by the attack's name.
const MARKER: &str = "GRADER-ADVERSARIAL-MARKER";
/// Every process an attack starts carries this in its command line (then `-<attack>`).
const PROCESS_MARKER: &str = "grader-adversarial-marker";
/// A folder outside the staging area that attacks try to write into; holds a sentinel.
const OUTSIDE: &str = "/tmp/grader-adversarial-outside";
/// Prefix of the files attacks may leave in `/tmp` or `$HOME`.
const STRAY_PREFIX: &str = "grader-adversarial-";
/// Course checkouts the attacks guess by absolute path (besides the one they find).
const ROOT_GUESSES: [&str; 1] = ["/work/main"];
/// A fake secret in the grader's environment (env-secrets must not get it out).
const SECRET_ENV: &str = "GRADER_ADVERSARIAL_FAKE_SECRET";
/// The whole grading run must end within this.
const OVERALL: Duration = Duration::from_secs(600);
/// Largest feedback file accepted (the output flood must not reach it).
const MAX_FEEDBACK: u64 = 256 * 1024;
/// Real time one test may take under the grader, with start-up slack (the default limit
/// is 10 s).
const TEST_WALL_MS: f64 = 12_000.0;
/// The honest students.
const HONEST: [&str; 3] = ["honest-1", "honest-2", "honest-3"];
/// Comma-separated attack names: grade only these (with the honest students).
const ONLY_ENV: &str = "GRADER_ADVERSARIAL_ONLY";
/// Set to keep the class and the reports after the test.
const KEEP_ENV: &str = "GRADER_ADVERSARIAL_KEEP";
/// Set to pass `--sandbox <value>` to the grader (e.g. `limits`, the fallback without bwrap).
const SANDBOX_ENV: &str = "GRADER_ADVERSARIAL_SANDBOX";
/// The placeholder the network attack's port replaces.
const PORT_PLACEHOLDER: &str = "const PORT: u16 = 0;";

const LESSON_1: &str = "01-tick-file-watch";
/// The course folders of the attacked exercise: any change there fails the test, marked
/// or not (elsewhere only marked changes do, so that engineers editing other lessons in
/// a shared checkout while this runs do not fail it).
const ATTACKED_TREES: [&str; 3] = [
    "exercises/01-tick-file-watch",
    "solutions/01-tick-file-watch",
    "grader/course/01-tick-file-watch",
];

/// What an attack must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 0 points on the attacked exercise (not graded and not compiled count as 0).
    Zero,
    /// Every hidden test of the exercise fails, so it stays below full marks (the threat
    /// table's residual risk: visible tests can be hard-coded).
    HiddenFail,
}

/// One row: an attack folder and what must become of it.
#[derive(Debug)]
struct Attack {
    /// The folder in `tests/adversarial/`, also the student id.
    name: &'static str,
    /// The exercise it attacks.
    slug: &'static str,
    /// The score it must get.
    expect: Expect,
    /// Words its feedback must contain (case-insensitive), all of them.
    mention: &'static [&'static str],
    /// Text its feedback must not contain: what the attack tries to leak.
    forbid: &'static [&'static str],
    /// Graded in a batch of its own (with the honest students): an attack on the whole
    /// batch, which would hide what every other attack did.
    solo: bool,
}

const fn zero(
    name: &'static str,
    mention: &'static [&'static str],
    forbid: &'static [&'static str],
) -> Attack {
    Attack {
        name,
        slug: LESSON_1,
        expect: Expect::Zero,
        mention,
        forbid,
        solo: false,
    }
}

/// An attack on the whole batch: graded in a batch of its own.
const fn solo(name: &'static str) -> Attack {
    Attack {
        solo: true,
        ..zero(name, &[], &[])
    }
}

/// The expectation of every attack in the corpus (each folder has exactly one row).
const ATTACKS: &[Attack] = &[
    // Forged verdicts.
    zero("forged-exit-0", &["exit"], &[]),
    zero("forged-evidence-file", &[], &[]),
    zero("forged-evidence-api", &[], &[]),
    // Environment tampering.
    zero("env-set-var", &["set_var"], &[]),
    zero("unsafe-allow-override", &["unsafe_code"], &[]),
    zero("env-secrets", &["env!"], &[]),
    zero("env-macro-path", &["env!"], &["Reference solution."]),
    // Reading what the build should not see.
    zero("include-path-solution", &["#[path"], &[]),
    zero(
        "include-hidden-snapshots",
        &["include_str"],
        &["returned after 4.000s"],
    ),
    zero(
        "include-hidden-tests",
        &["include_str"],
        &["other-name.log"],
    ),
    zero("include-etc-passwd", &["include_bytes"], &["root:x:0:0"]),
    // Links and archives.
    zero("symlink-lib", &["link"], &[]),
    zero("symlink-src-dir", &["link"], &[]),
    zero("zip-slip", &["link"], &[]),
    // The student's own manifest, build script, tests, CI.
    zero("build-rs-extra-dep", &["Cargo.toml", "build.rs"], &[]),
    zero("edit-tests", &["tests/tick_watch.rs"], &[]),
    // Writing and reading where it should not.
    zero("write-course-files", &[], &[]),
    zero("write-outside-sentinel", &[], &[]),
    zero("read-other-student", &[], &["Reference solution."]),
    solo("sabotage-other-students"),
    solo("abort-class-grading"),
    // Time.
    zero("busy-loop", &["timeout"], &[]),
    zero("infinite-await", &["did not finish"], &[]),
    // Processes.
    zero("fork-bomb", &[], &[]),
    zero("escape-process-group", &[], &[]),
    zero("escape-setsid", &[], &[]),
    // Resources.
    zero("output-flood", &[], &[]),
    zero("huge-allocation", &[], &[]),
    zero("stack-overflow", &["overflow"], &[]),
    zero("disk-fill", &[], &[]),
    zero("thread-late-writes", &[], &[]),
    zero("drop-panic", &[], &[]),
    // Network.
    zero("network-loopback", &[], &[]),
    // Hard-coding the visible tests: the residual risk.
    Attack {
        name: "hard-code-visible",
        slug: LESSON_1,
        expect: Expect::HiddenFail,
        mention: &[],
        forbid: &[],
        solo: false,
    },
];

// Part of the normal suite (about 80 s): every attack is bounded so it is safe even where
// a defence is missing, and the grader confines it anyway.
#[test]
fn every_attack_scores_zero_and_harms_nobody() {
    let root = course_root();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adversarial");
    check_corpus_matches_table(&corpus);

    let attacks = selected_attacks();
    let work = tempfile::Builder::new()
        .prefix("adversarial-class-")
        .disable_cleanup(std::env::var_os(KEEP_ENV).is_some())
        .tempdir()
        .unwrap();

    // The machine before: course trees, the sentinel folder, no strays, no processes.
    let mut guard = Guard::default();
    for checkout in checkouts(&root) {
        let tree = course_tree(&checkout);
        guard.trees.push((checkout, tree));
    }
    clean_strays();
    fs::create_dir_all(OUTSIDE).unwrap();
    let sentinel = format!("sentinel {} {}\n", std::process::id(), nanos());
    fs::write(Path::new(OUTSIDE).join("sentinel.txt"), &sentinel).unwrap();
    let before = marked_processes();
    assert!(
        before.is_empty(),
        "processes from an earlier run are still alive: {before:?}"
    );
    let listener = Listener::start();
    let secret = format!("fake-secret-{}-{}", std::process::id(), nanos());

    // One batch with every attack but the solo ones, then one batch per solo attack; the
    // honest students are in every batch.
    let mut batches: Vec<Vec<&Attack>> =
        vec![attacks.iter().copied().filter(|a| !a.solo).collect()];
    batches.retain(|batch| !batch.is_empty());
    batches.extend(attacks.iter().filter(|a| a.solo).map(|a| vec![*a]));
    // Every class is written before the first run: an attack that rewrites the course's
    // solutions must not reach the honest students of a later batch.
    let batches: Vec<(Vec<&Attack>, PathBuf, PathBuf)> = batches
        .into_iter()
        .enumerate()
        .map(|(number, batch)| {
            let class = work.path().join(format!("class-{number}"));
            build_class(&root, &corpus, &class, &batch, listener.port);
            (batch, class, work.path().join(format!("out-{number}")))
        })
        .collect();
    let mut graded: Vec<Graded> = Vec::new();
    let mut leftovers: Vec<Leftover> = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    for (batch, class, out) in batches {
        let started = Instant::now();
        let mut grader = Command::cargo_bin("grader").unwrap();
        grader
            .arg("grade")
            .arg(&class)
            .arg("--out")
            .arg(&out)
            .args(["-j", "2"]);
        if let Some(sandbox) = std::env::var_os(SANDBOX_ENV) {
            grader.arg("--sandbox").arg(sandbox);
        }
        let output = grader
            .env(SECRET_ENV, &secret)
            .env_remove("TIMELINE_EVIDENCE")
            .env_remove("GRADER_KEEP_WORK")
            .timeout(OVERALL)
            .output()
            .expect("the grader starts");
        let elapsed = started.elapsed();
        // What is still running once the grader has exited, before anything is cleaned.
        leftovers.extend(marked_processes());
        guard.kill_leftovers();
        // Course files an attack rewrote are put back before the next batch is graded.
        for change in guard.restore_trees() {
            if !changes.iter().any(|c| c.what == change.what) {
                changes.push(change);
            }
        }
        let results = fs::read_to_string(out.join("results.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        graded.push(Graded {
            attacks: batch,
            out,
            output,
            elapsed,
            results,
        });
    }

    // The machine after, before anything is cleaned up.
    let connections = listener.stop();
    let mut strays = outside_changes(&sentinel);
    strays.extend(stray_files());
    clean_strays();

    let mut failures: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{:<26} {:<19} {:<11} {:>6}  {:<24} verdict",
        "attack", "exercise", "expected", "score", "statuses"
    );
    for batch in &graded {
        let who = match batch.attacks.as_slice() {
            [one] if one.solo => format!("the batch of {}", one.name),
            _ => "the main batch".to_string(),
        };
        check_batch(batch, &who, &secret, &mut failures);
        let results = batch.results.as_ref().unwrap_or(&Value::Null);
        for attack in &batch.attacks {
            let row = judge(attack, results, &batch.out);
            let mut problems = row.problems;
            if !batch.output.status.success() || batch.results.is_none() {
                problems.push(format!("the grader did not finish {who} (see above)"));
            }
            for change in changes.iter().chain(&strays) {
                if change.attack.as_deref() == Some(attack.name) {
                    problems.push(format!("changed outside the staging area: {}", change.what));
                }
            }
            for process in &leftovers {
                if process.attack().as_deref() == Some(attack.name) {
                    problems.push(format!(
                        "left a process running after the grader exited: pid {} `{}`",
                        process.pid, process.cmdline
                    ));
                }
            }
            for connection in connections
                .iter()
                .filter(|c| c.contains(&format!("{MARKER} {}", attack.name)))
            {
                problems.push(format!(
                    "reached the test's listener on 127.0.0.1: {connection:?}"
                ));
            }
            let _ = writeln!(
                table,
                "{:<26} {:<19} {:<11} {:>6}  {:<24} {}",
                attack.name,
                attack.slug,
                match attack.expect {
                    Expect::Zero => "0",
                    Expect::HiddenFail => "hidden fail",
                },
                row.score,
                row.statuses,
                if problems.is_empty() { "PASS" } else { "FAIL" }
            );
            for line in &row.said {
                notes.push(format!("{}: said {line}", attack.name));
            }
            failures.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{}: {p}", attack.name)),
            );
        }
    }

    // Whatever no attack owns.
    let concurrent: Vec<&str> = changes
        .iter()
        .filter(|c| c.concurrent)
        .map(|c| c.what.as_str())
        .collect();
    if !concurrent.is_empty() {
        notes.push(format!(
            "{} unmarked change(s) outside lesson 1 during the run, probably another engineer's \
             (left alone), e.g. {}",
            concurrent.len(),
            concurrent[..concurrent.len().min(3)].join("; ")
        ));
    }
    for change in changes.iter().chain(&strays) {
        match &change.attack {
            None if change.concurrent => {}
            None => failures.push(format!(
                "changed outside the staging area, by no known attack: {}",
                change.what
            )),
            Some(name) if !ATTACKS.iter().any(|a| a.name == name) => {
                failures.push(format!("changed by `{name}`: {}", change.what));
            }
            Some(_) => {}
        }
    }
    for process in &leftovers {
        if process.attack().is_none() {
            failures.push(format!(
                "left running after the grader exited: pid {} `{}`",
                process.pid, process.cmdline
            ));
        }
    }
    for connection in &connections {
        if !ATTACKS
            .iter()
            .any(|a| connection.contains(&format!("{MARKER} {}", a.name)))
        {
            failures.push(format!(
                "a connection reached the test's listener: {connection:?}"
            ));
        }
    }

    println!(
        "\n== adversarial corpus: {} of {} attacks, {} grader run(s), {} honest students in each ==\n",
        attacks.len(),
        ATTACKS.len(),
        graded.len(),
        HONEST.len(),
    );
    if attacks.len() < ATTACKS.len() {
        println!("PARTIAL RUN ({ONLY_ENV}): the other attacks were not graded\n");
    }
    if std::env::var_os(KEEP_ENV).is_some() {
        println!("classes and reports kept in {}\n", work.path().display());
    }
    if let Ok(sandbox) = std::env::var(SANDBOX_ENV) {
        println!("graded with --sandbox {sandbox}\n");
    }
    println!("{table}");
    for batch in &graded {
        println!(
            "grader run over {} attack(s): {} in {:.0} s",
            batch.attacks.len(),
            batch.output.status,
            batch.elapsed.as_secs_f64()
        );
    }
    println!();
    if !notes.is_empty() {
        println!("notes:");
        for note in &notes {
            println!("  - {note}");
        }
        println!();
    }
    if !failures.is_empty() {
        println!("FAILURES ({}):", failures.len());
        for failure in &failures {
            println!("  - {}", failure.replace('\n', "\n    "));
        }
    }
    drop(guard);
    assert!(
        failures.is_empty(),
        "{} failure(s) in the adversarial corpus; see the summary above",
        failures.len()
    );
}

/// One grader run over a class.
#[derive(Debug)]
struct Graded {
    /// The attacks in the class (the honest students are always there too).
    attacks: Vec<&'static Attack>,
    /// The `--out` folder.
    out: PathBuf,
    /// How the grader ended, and what it printed.
    output: std::process::Output,
    /// How long it took.
    elapsed: Duration,
    /// `results.json`, if it could be read.
    results: Option<Value>,
}

/// What must hold of a whole grader run: it finished, wrote its reports, kept feedback
/// small and secrets out of it, and gave every honest student full marks.
fn check_batch(batch: &Graded, who: &str, secret: &str, failures: &mut Vec<String>) {
    if !batch.output.status.success() {
        failures.push(format!(
            "the grader did not finish {who} cleanly ({}) after {:.0} s; stderr ends with:\n{}",
            batch.output.status,
            batch.elapsed.as_secs_f64(),
            tail(&String::from_utf8_lossy(&batch.output.stderr), 20)
        ));
    }
    if batch.elapsed >= OVERALL {
        failures.push(format!(
            "the grader ran past the overall limit of {} s in {who}",
            OVERALL.as_secs()
        ));
    }
    let Some(results) = &batch.results else {
        failures.push(format!("{who}: no readable results.json"));
        return;
    };
    for id in HONEST {
        let Some(student) = student(results, id) else {
            failures.push(format!("{id} (honest), {who}: missing from results.json"));
            continue;
        };
        for exercise in student["exercises"].as_array().into_iter().flatten() {
            let (got, max) = (&exercise["points"], &exercise["max_points"]);
            if got != max || exercise["submitted"] != true {
                failures.push(format!(
                    "{id} (honest), {who}: {} got {got} / {max} ({})",
                    exercise["slug"].as_str().unwrap_or("?"),
                    statuses(exercise)
                ));
            }
        }
    }
    for entry in fs::read_dir(batch.out.join("feedback"))
        .into_iter()
        .flatten()
    {
        let path = entry.unwrap().path();
        let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if size > MAX_FEEDBACK {
            failures.push(format!(
                "{}: {size} bytes of feedback (more than {MAX_FEEDBACK})",
                path.display()
            ));
        }
        if fs::read_to_string(&path).is_ok_and(|t| t.contains(secret)) {
            failures.push(format!(
                "{}: contains the grader's environment secret",
                path.display()
            ));
        }
    }
}

/// What became of one attack.
#[derive(Debug, Default)]
struct Row {
    /// `points/max` on the attacked exercise, or why there are none.
    score: String,
    /// Test statuses, counted (`fail×4 crash×2`), or `not graded`.
    statuses: String,
    /// What is wrong with it.
    problems: Vec<String>,
    /// The attack's own report lines (`GRADER-ADVERSARIAL-MARKER <attack>: ...`) found in
    /// its feedback: how far it got.
    said: Vec<String>,
}

fn judge(attack: &Attack, results: &Value, out: &Path) -> Row {
    let mut row = Row::default();
    let feedback =
        fs::read_to_string(out.join("feedback").join(format!("{}.md", attack.name))).ok();
    let mut words = feedback.clone().unwrap_or_default();
    let Some(student) = student(results, attack.name) else {
        // Rejected at intake: the reason is in `skipped`.
        let reason = results["skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|s| s.starts_with(&format!("{}:", attack.name)));
        match reason {
            Some(reason) => {
                row.score = "0".into();
                row.statuses = "rejected".into();
                words.push_str(reason);
            }
            None => {
                row.score = "?".into();
                row.statuses = "missing".into();
                row.problems
                    .push("neither graded nor listed as skipped".into());
            }
        }
        check_words(attack, &words, &mut row);
        return row;
    };
    if feedback.is_none() {
        row.problems.push("no feedback file".into());
    }
    let exercise = student["exercises"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["slug"] == attack.slug);
    let Some(exercise) = exercise else {
        row.score = "?".into();
        row.problems
            .push(format!("{} is not in its results", attack.slug));
        return row;
    };
    let points = exercise["points"].as_u64().unwrap_or(u64::MAX);
    let max = exercise["max_points"].as_u64().unwrap_or(0);
    row.score = format!("{points}/{max}");
    row.statuses = statuses(exercise);
    match attack.expect {
        Expect::Zero if points != 0 => row
            .problems
            .push(format!("scored {points}/{max} ({}), not 0", row.statuses)),
        Expect::HiddenFail => {
            let hidden = hidden_tests(results, attack.slug);
            let passed: Vec<&str> = exercise["tests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["status"] == "passed")
                .filter_map(|t| t["name"].as_str())
                .filter(|name| hidden.contains(*name))
                .collect();
            if !passed.is_empty() || points >= max {
                row.problems.push(format!(
                    "scored {points}/{max}; hidden tests passed: {passed:?}"
                ));
            }
        }
        Expect::Zero => {}
    }
    for test in exercise["tests"].as_array().into_iter().flatten() {
        if let Some(ms) = test["duration_ms"].as_f64()
            && ms > TEST_WALL_MS
        {
            row.problems.push(format!(
                "test {} took {ms:.0} ms of real time",
                test["name"].as_str().unwrap_or("?")
            ));
        }
    }
    check_words(attack, &words, &mut row);
    row
}

fn check_words(attack: &Attack, text: &str, row: &mut Row) {
    let lower = text.to_lowercase();
    for word in attack.mention {
        if !lower.contains(&word.to_lowercase()) {
            row.problems
                .push(format!("the feedback does not mention `{word}`"));
        }
    }
    for leak in attack.forbid {
        if text.contains(leak) {
            row.problems
                .push(format!("the feedback leaks what the attack read: `{leak}`"));
        }
    }
    let own = format!("{MARKER} {}:", attack.name);
    let mut said = BTreeSet::new();
    for line in text.lines() {
        if let Some(at) = line.find(&own) {
            // A blocking diagnosis quotes the line in backticks: keep only the line.
            let rest = &line[at + own.len()..];
            let mut line = rest
                .split('`')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            if line.is_empty() {
                continue;
            }
            if line.len() > 160 {
                let cut = (0..=160)
                    .rev()
                    .find(|&i| line.is_char_boundary(i))
                    .unwrap_or(0);
                line.truncate(cut);
                line.push('…');
            }
            said.insert(line);
        }
    }
    row.said = said.into_iter().take(4).collect();
}

fn student<'a>(results: &'a Value, id: &str) -> Option<&'a Value> {
    results["students"]
        .as_array()?
        .iter()
        .find(|s| s["id"] == id)
}

fn hidden_tests(results: &Value, slug: &str) -> BTreeSet<String> {
    results["exercises"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["slug"] == slug)
        .flat_map(|e| e["tests"].as_array().into_iter().flatten())
        .filter(|t| t["hidden"] == true)
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect()
}

/// `pass×2 fail×4`, or why no test ran.
fn statuses(exercise: &Value) -> String {
    if exercise["submitted"] != true {
        return "not graded".into();
    }
    if exercise["compiled"] != true {
        return "not compiled".into();
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for test in exercise["tests"].as_array().into_iter().flatten() {
        let status = test["status"].as_str().unwrap_or("?").replace('_', " ");
        *counts.entry(status).or_default() += 1;
    }
    counts
        .iter()
        .map(|(status, n)| format!("{status}×{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------
// The class.

/// The attacks to grade: all of them, or those named in `GRADER_ADVERSARIAL_ONLY`.
fn selected_attacks() -> Vec<&'static Attack> {
    let Ok(only) = std::env::var(ONLY_ENV) else {
        return ATTACKS.iter().collect();
    };
    let names: BTreeSet<&str> = only.split(',').map(str::trim).collect();
    for name in &names {
        assert!(
            ATTACKS.iter().any(|a| a.name == *name),
            "{ONLY_ENV}: no attack `{name}`"
        );
    }
    ATTACKS.iter().filter(|a| names.contains(a.name)).collect()
}

/// The checkout the grader under test grades from (it defaults to its own workspace).
fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every folder of the corpus has a row, every row has a folder, and there are enough.
fn check_corpus_matches_table(corpus: &Path) {
    let folders: BTreeSet<String> = fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let rows: BTreeSet<String> = ATTACKS.iter().map(|a| a.name.to_string()).collect();
    assert_eq!(rows.len(), ATTACKS.len(), "an attack is listed twice");
    assert_eq!(
        folders, rows,
        "the corpus folders and the ATTACKS table disagree"
    );
    assert!(ATTACKS.len() >= 20, "the corpus needs at least 20 attacks");
}

/// The corpus as submissions, plus the honest students.
fn build_class(root: &Path, corpus: &Path, class: &Path, attacks: &[&Attack], port: u16) {
    for attack in attacks {
        let from = corpus.join(attack.name);
        let to = class.join(attack.name);
        match attack.name {
            "symlink-lib" => symlink_lib(root, &to),
            "symlink-src-dir" => symlink_src_dir(root, &to),
            "zip-slip" => zip_slip(root, &class.join("zip-slip.zip")),
            _ => copy_tree(&from, &to),
        }
    }
    let network = class.join("network-loopback/exercises/01-tick-file-watch/src/lib.rs");
    if let Ok(source) = fs::read_to_string(&network) {
        assert!(
            source.contains(PORT_PLACEHOLDER),
            "network-loopback has no `{PORT_PLACEHOLDER}` to replace"
        );
        let source = source.replace(PORT_PLACEHOLDER, &format!("const PORT: u16 = {port};"));
        fs::write(&network, source).unwrap();
    }

    for id in HONEST {
        for entry in fs::read_dir(root.join("solutions")).unwrap() {
            let entry = entry.unwrap();
            let slug = entry.file_name();
            copy_tree(
                &entry.path().join("src"),
                &class.join(id).join("exercises").join(&slug).join("src"),
            );
        }
    }
}

/// Copies regular files only (the corpus holds no links; git would not keep them).
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `lib.rs` -> a relative path climbing out of the submission to the real solution.
fn symlink_lib(root: &Path, student: &Path) {
    let src = student.join("exercises/01-tick-file-watch/src");
    fs::create_dir_all(&src).unwrap();
    let solution = root
        .canonicalize()
        .unwrap()
        .join("solutions/01-tick-file-watch/src/lib.rs");
    let src_real = src.canonicalize().unwrap();
    let mut relative: PathBuf = src_real.components().skip(1).map(|_| "..").collect();
    relative.push(solution.strip_prefix("/").unwrap());
    std::os::unix::fs::symlink(&relative, src.join("lib.rs")).unwrap();
    assert!(
        fs::read_to_string(src.join("lib.rs")).is_ok_and(|t| t.contains("Reference solution")),
        "the link {} must reach the real solution",
        relative.display()
    );
}

/// `src` -> the solution's `src` folder (absolute).
fn symlink_src_dir(root: &Path, student: &Path) {
    let exercise = student.join("exercises/01-tick-file-watch");
    fs::create_dir_all(&exercise).unwrap();
    let target = root
        .canonicalize()
        .unwrap()
        .join("solutions/01-tick-file-watch/src");
    std::os::unix::fs::symlink(target, exercise.join("src")).unwrap();
}

/// A .zip whose lib.rs is a link to the solution and whose other entries climb out.
fn zip_slip(root: &Path, archive: &Path) {
    let solution = fs::read(root.join("solutions/01-tick-file-watch/src/lib.rs")).unwrap();
    let mut zip = zip::ZipWriter::new(fs::File::create(archive).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.add_symlink(
        "zip-slip/exercises/01-tick-file-watch/src/lib.rs",
        "../../../../../solutions/01-tick-file-watch/src/lib.rs",
        options,
    )
    .unwrap();
    let escapes = [
        "../../../../tmp/grader-adversarial-outside/zip-slip-climbed.rs".to_string(),
        "/tmp/grader-adversarial-outside/zip-slip-absolute.rs".to_string(),
        format!(
            "zip-slip/exercises/01-tick-file-watch/src/{}tmp/grader-adversarial-outside/zip-slip-inner.rs",
            "../".repeat(12)
        ),
    ];
    for name in escapes {
        zip.start_file(name, options).unwrap();
        zip.write_all(format!("// {MARKER} zip-slip\n").as_bytes())
            .unwrap();
        zip.write_all(&solution).unwrap();
    }
    zip.finish().unwrap();
}

// ---------------------------------------------------------------------------------------
// The machine: course trees, files outside, processes, network.

/// The checkouts whose course trees must not change.
fn checkouts(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.canonicalize().unwrap()];
    for guess in ROOT_GUESSES {
        if let Ok(path) = Path::new(guess).canonicalize()
            && path.join("exercises").is_dir()
            && !found.contains(&path)
        {
            found.push(path);
        }
    }
    found
}

/// Every file of `exercises/`, `solutions/` and `grader/course/`, with its contents.
fn course_tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut tree = BTreeMap::new();
    for top in ["exercises", "solutions", "grader/course"] {
        let walker = walkdir::WalkDir::new(root.join(top))
            .into_iter()
            .filter_entry(|e| e.file_name() != "target");
        for entry in walker.filter_map(Result::ok) {
            if entry.file_type().is_file()
                && let Ok(bytes) = fs::read(entry.path())
            {
                tree.insert(entry.path().to_path_buf(), bytes);
            }
        }
    }
    tree
}

/// One thing changed outside the staging area.
#[derive(Debug)]
struct Change {
    /// In words, with what was done about it.
    what: String,
    /// The attack whose marker it carries (or whose name it bears).
    attack: Option<String>,
    /// Unmarked, outside the attacked exercise's folders: probably another engineer's
    /// edit in a shared checkout, reported but not counted.
    concurrent: bool,
}

/// The attack named after `MARKER` in `text`, if any.
fn marked_by(text: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&text[..text.len().min(1 << 20)]);
    let at = text.find(MARKER)?;
    let name: String = text[at + MARKER.len()..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The attack whose name a stray file's name contains.
fn named_by(name: &str) -> Option<String> {
    ATTACKS
        .iter()
        .filter(|a| name.contains(a.name))
        .max_by_key(|a| a.name.len())
        .map(|a| a.name.to_string())
}

/// Restores course files and removes strays and processes, even if the test panics.
#[derive(Debug, Default)]
struct Guard {
    trees: Vec<(PathBuf, BTreeMap<PathBuf, Vec<u8>>)>,
}

impl Guard {
    /// Compares every course tree with its state before; puts back what an attack marked.
    fn restore_trees(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        for (root, before) in &self.trees {
            let after = course_tree(root);
            let paths: BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
            for path in paths {
                let (old, new) = (before.get(path), after.get(path));
                if old == new {
                    continue;
                }
                let attack = new.and_then(|bytes| marked_by(bytes));
                let shown = path.display();
                // Other engineers may edit the course while this runs (a shared checkout).
                // Every attack marks what it writes, and all of them attack lesson 1: an
                // unmarked change elsewhere is someone else's.
                let concurrent = attack.is_none()
                    && !ATTACKED_TREES
                        .iter()
                        .any(|tree| path.starts_with(root.join(tree)));
                let what = match (old, new, &attack) {
                    (Some(old), Some(_), Some(_)) => {
                        let restored = fs::write(path, old).is_ok();
                        format!("{shown} was overwritten (restored: {restored})")
                    }
                    (None, Some(_), Some(_)) => {
                        let removed = fs::remove_file(path).is_ok();
                        format!("{shown} was created (removed: {removed})")
                    }
                    (Some(_), None, _) => format!("{shown} was deleted (not restored)"),
                    _ => format!("{shown} changed (unmarked, not restored)"),
                };
                changes.push(Change {
                    what,
                    attack,
                    concurrent,
                });
            }
        }
        changes
    }

    fn kill_leftovers(&self) {
        for _ in 0..3 {
            let leftovers = marked_processes();
            if leftovers.is_empty() {
                return;
            }
            let own_session = session_of(std::process::id());
            let leaders: BTreeSet<u32> = leftovers.iter().map(|p| p.pid).collect();
            let mut victims: BTreeSet<u32> = leaders.clone();
            // The children of an escaped session or group leader (the `sleep` under
            // escape-setsid's shell) carry no marker of their own.
            for pid in all_pids() {
                if let Some((group, session)) = group_and_session(pid)
                    && Some(session) != own_session
                    && (leaders.contains(&session) || leaders.contains(&group))
                {
                    victims.insert(pid);
                }
            }
            for pid in victims {
                if let Some(pid) = i32::try_from(pid)
                    .ok()
                    .and_then(rustix::process::Pid::from_raw)
                {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.kill_leftovers();
        let _ = self.restore_trees();
        clean_strays();
    }
}

/// What changed in the sentinel folder.
fn outside_changes(sentinel: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    let sentinel_path = Path::new(OUTSIDE).join("sentinel.txt");
    match fs::read(&sentinel_path) {
        Ok(bytes) if bytes == sentinel.as_bytes() => {}
        Ok(bytes) => changes.push(Change {
            what: format!("{} was overwritten", sentinel_path.display()),
            attack: marked_by(&bytes),
            concurrent: false,
        }),
        Err(_) => changes.push(Change {
            what: format!("{} was removed", sentinel_path.display()),
            attack: None,
            concurrent: false,
        }),
    }
    for entry in fs::read_dir(OUTSIDE).into_iter().flatten().flatten() {
        let path = entry.path();
        if path == sentinel_path {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap_or_default();
        changes.push(Change {
            what: format!("{} was created", path.display()),
            attack: marked_by(&bytes).or_else(|| named_by(&name)),
            concurrent: false,
        });
    }
    changes
}

/// Files the attacks may leave in `/tmp` and `$HOME`.
fn stray_files() -> Vec<Change> {
    stray_paths()
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let mut head = Vec::new();
            if let Ok(file) = fs::File::open(&path) {
                let _ = file.take(4096).read_to_end(&mut head);
            }
            Change {
                what: format!("{} was created ({size} bytes)", path.display()),
                attack: named_by(&name).or_else(|| marked_by(&head)),
                concurrent: false,
            }
        })
        .collect()
}

fn stray_paths() -> Vec<PathBuf> {
    let mut folders = vec![PathBuf::from("/tmp")];
    folders.extend(std::env::var_os("HOME").map(PathBuf::from));
    let mut found = Vec::new();
    for folder in folders {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(STRAY_PREFIX) && entry.path() != Path::new(OUTSIDE) {
                found.push(entry.path());
            }
        }
    }
    found
}

/// Removes the sentinel folder and every stray file: all of them are this test's.
fn clean_strays() {
    let _ = fs::remove_dir_all(OUTSIDE);
    for path in stray_paths() {
        let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
    }
}

/// A process an attack started.
#[derive(Debug)]
struct Leftover {
    pid: u32,
    cmdline: String,
}

impl Leftover {
    fn attack(&self) -> Option<String> {
        let at = self.cmdline.find(PROCESS_MARKER)?;
        let rest = self.cmdline[at + PROCESS_MARKER.len()..].trim_start_matches('-');
        named_by(rest.split_whitespace().next().unwrap_or_default())
    }
}

fn all_pids() -> Vec<u32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// Live processes whose command line carries the marker (zombies do not count).
fn marked_processes() -> Vec<Leftover> {
    let own = std::process::id();
    all_pids()
        .into_iter()
        .filter(|&pid| pid != own)
        .filter_map(|pid| {
            let raw = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
            let cmdline = cmdline.trim().to_string();
            (cmdline.contains(PROCESS_MARKER) && state_of(pid) != Some('Z'))
                .then_some(Leftover { pid, cmdline })
        })
        .collect()
}

/// `/proc/<pid>/stat` fields after the command name.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    Some(after.split_whitespace().map(str::to_string).collect())
}

fn state_of(pid: u32) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

fn group_and_session(pid: u32) -> Option<(u32, u32)> {
    let fields = stat_fields(pid)?;
    Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

fn session_of(pid: u32) -> Option<u32> {
    group_and_session(pid).map(|(_, session)| session)
}

/// A TCP listener on 127.0.0.1 that records every connection until stopped.
#[derive(Debug)]
struct Listener {
    port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    fn start() -> Listener {
        let socket = TcpListener::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let port = socket.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, seen) = (Arc::clone(&stop), Arc::clone(&seen));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match socket.accept() {
                        Ok((mut stream, peer)) => {
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                            let mut buffer = [0u8; 256];
                            let n = stream.read(&mut buffer).unwrap_or(0);
                            let _ = stream.write_all(b"nothing to see here\n");
                            seen.lock().unwrap().push(format!(
                                "from {peer}: {}",
                                String::from_utf8_lossy(&buffer[..n]).trim()
                            ));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            })
        };
        Listener {
            port,
            stop,
            seen,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.seen.lock().unwrap().clone()
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
