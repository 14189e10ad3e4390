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
//! It runs with the rest of the suite (about 45 s). To run it alone, or in parts:
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

// The corpus folders live in tests/adversarial/ too; these are the test's own modules.
#[path = "adversarial/class.rs"]
mod class;
#[path = "adversarial/machine.rs"]
mod machine;
#[path = "adversarial/table.rs"]
mod table;
#[path = "adversarial/verdicts.rs"]
mod verdicts;

use class::*;
use machine::*;
use table::*;
use verdicts::*;

// Part of the normal suite (about 45 s): every attack is bounded so it is safe even where
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
