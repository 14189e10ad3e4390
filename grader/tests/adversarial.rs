//! The adversarial corpus, end to end: every folder of `tests/adversarial/` is one hostile
//! student (a row of `ATTACKS` in `adversarial/table.rs`), graded by the real `grader`
//! binary in one batch with two honest students (the reference solutions, copied at run
//! time), the way a class is graded; an attack on the whole batch (`solo` in `ATTACKS`) gets
//! a batch of its own with the honest students, so that it cannot hide what the others did.
//! The test then checks, from `results.json`, the feedback files and the machine itself,
//! that every attack:
//!
//! - scores 0 on the exercise it attacks, or is rejected with a message saying why
//!   (`ATTACKS` gives the words the feedback must contain and the leaks it must not), and
//!   does not report, in its own words, that it reached its goal (`GOT THROUGH`);
//! - left the grader running (exit code 0, a complete report) within the overall limit,
//!   its own peak memory under a fixed bound (1 GiB), and a batch of its own within
//!   `SOLO_BUDGET`;
//! - changed nothing outside the grader's staging area: the course trees (`exercises/`,
//!   `solutions/`, `grader/course/`) of the checkout the grader runs from and of every
//!   other checkout found on the machine as the attacks find them (walking up, and a
//!   bounded scan from `/`): any change to lesson 1's folders of the grader's checkout,
//!   and any file carrying the marker anywhere; this run's own sentinel folder (a fresh
//!   temporary folder, writable by anyone, whose path the test writes into the attacks);
//!   and files named for this run in `/tmp`, `$TMPDIR` and `$HOME`;
//! - left no process running (every process an attack starts carries
//!   `grader-adversarial-<run>-marker` in its command line), and made no network
//!   connection (the test listens on 127.0.0.1 and writes the port into the attacks);
//! - left every honest student at full marks, with nothing an attacker wrote in their
//!   feedback.
//!
//! Each run names what attacks write and start after itself (see `RunNames`), so two runs
//! at once do not see each other. The attacks are bounded so that they are safe for the
//! machine even when a defence is missing (300 processes, 4 GiB of memory, 2 GiB of disk,
//! 1 GiB of output, 60 s of CPU). Whatever they manage to write carries
//! `GRADER-ADVERSARIAL-MARKER <attack>`: the test reports it, then restores the course
//! files it finds marked and removes its own files and processes, even when an assertion
//! fails. Attacks in `PENDING_DEFENCE` get through the grader of today and are not graded
//! unless asked for. Grader options that lower the limits the test waits for go in
//! `EXTRA_ARGS`.
//!
//! It runs with the rest of the suite (about two minutes). To run it alone, or in parts:
//!
//! ```console
//! cargo test -p grader --test adversarial -- --nocapture
//! GRADER_ADVERSARIAL_ONLY=busy-loop,fork-bomb cargo test ...   # some attacks only
//! GRADER_ADVERSARIAL_KEEP=1 cargo test ...   # keep the class and the reports, print where
//! GRADER_ADVERSARIAL_SANDBOX=limits cargo test ...   # grade with `--sandbox limits`
//! GRADER_ADVERSARIAL_PENDING=report cargo test ...   # grade pending attacks too, report them
//! GRADER_ADVERSARIAL_PENDING=strict cargo test ...   # ... and fail on them
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
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

// Part of the normal suite (about a minute): every attack is bounded so it is safe even
// where a defence is missing, and the grader confines it anyway.
#[test]
fn every_attack_scores_zero_and_harms_nobody() {
    let root = course_root();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adversarial");
    check_corpus_matches_table(&corpus);

    let attacks = selected_attacks();
    let mode = pending_mode();
    let keep = std::env::var_os(KEEP_ENV).is_some();
    let work = tempfile::Builder::new()
        .prefix("adversarial-class-")
        .disable_cleanup(keep)
        .tempdir()
        .unwrap();
    // The sentinel folder outside the staging area: this run's own, writable by anyone,
    // so that only the sandbox keeps an attack out of it.
    let outside = tempfile::Builder::new()
        .prefix("adversarial-outside-")
        .tempdir()
        .unwrap();
    fs::set_permissions(outside.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let listener = Listener::start();
    let run = RunNames {
        id: format!("r{}t{}", std::process::id(), nanos() % 1_000_000_000),
        outside: outside.path().to_path_buf(),
        port: listener.port,
    };

    // The machine before: course trees, the sentinel, no strays, no processes of this run.
    let mut guard = Guard::default();
    guard.run = Some(run.clone());
    for checkout in checkouts(&root) {
        let tree = course_tree(&checkout);
        guard.trees.push((checkout, tree));
    }
    let sentinel = format!("sentinel {} {}\n", std::process::id(), nanos());
    let sentinel_path = run.outside.join("sentinel.txt");
    fs::write(&sentinel_path, &sentinel).unwrap();
    fs::set_permissions(&sentinel_path, fs::Permissions::from_mode(0o666)).unwrap();
    let before = marked_processes(&run);
    assert!(
        before.is_empty(),
        "processes of this run already alive: {before:?}"
    );
    let secret = format!("fake-secret-{}-{}", std::process::id(), nanos());

    // Every class is written before the first run: an attack that rewrites the course's
    // solutions must not reach the honest students of a later batch.
    let batches: Vec<(Batch, PathBuf, PathBuf)> = plan_batches(&attacks, mode)
        .into_iter()
        .enumerate()
        .map(|(number, batch)| {
            let class = work.path().join(format!("class-{number}"));
            build_class(&root, &corpus, &class, &batch.attacks, &run);
            (batch, class, work.path().join(format!("out-{number}")))
        })
        .collect();
    let mut graded: Vec<Graded> = Vec::new();
    let mut leftovers: Vec<Leftover> = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    for (batch, class, out) in batches {
        graded.push(grade(batch, &class, out, &secret));
        // What is still running once the grader has exited, before anything is cleaned.
        leftovers.extend(marked_processes(&run));
        guard.kill_leftovers();
        // Course files an attack rewrote are put back before the next batch is graded.
        for change in guard.restore_trees() {
            if !changes.iter().any(|c| c.what == change.what) {
                changes.push(change);
            }
        }
    }

    // The machine after, before anything is cleaned up.
    let connections = listener.stop();
    let mut strays = outside_changes(&run, &sentinel);
    strays.extend(stray_files(&run));
    clean_strays(&run);

    let mut verdict = Verdict::default();
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{:<26} {:<19} {:<11} {:>6}  {:<24} verdict",
        "attack", "exercise", "expected", "score", "statuses"
    );
    for batch in &graded {
        let who = batch.who();
        let mut batch_problems = Vec::new();
        check_batch(batch, &who, &secret, &mut batch_problems);
        // A batch of one attack: whatever went wrong in it is that attack's doing.
        let alone = batch.attacks.len() == 1;
        if !alone {
            verdict.file(batch.report_only, None, std::mem::take(&mut batch_problems));
        }
        let results = batch.results.as_ref().unwrap_or(&Value::Null);
        for attack in &batch.attacks {
            let row = judge(attack, results, &batch.out);
            let mut problems = row.problems;
            if alone {
                problems.append(&mut batch_problems);
            }
            if !batch.output.status.success() || batch.results.is_none() {
                problems.push(format!("the grader did not finish {who} (see above)"));
            }
            for change in changes.iter().chain(&strays) {
                if change.attack.as_deref() == Some(attack.name) {
                    problems.push(format!("changed outside the staging area: {}", change.what));
                }
            }
            for process in &leftovers {
                if process.attack(&run).as_deref() == Some(attack.name) {
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
                match (problems.is_empty(), batch.report_only) {
                    (true, false) => "PASS",
                    (false, false) => "FAIL",
                    (true, true) => "PASS (pending: holds now)",
                    (false, true) => "GETS THROUGH (pending)",
                }
            );
            for line in &row.said {
                verdict.notes.push(format!("{}: said {line}", attack.name));
            }
            if batch.report_only && problems.is_empty() {
                verdict.notes.push(format!(
                    "{} holds now: remove it from PENDING_DEFENCE",
                    attack.name
                ));
            }
            verdict.file(batch.report_only, Some(attack.name), problems);
        }
    }
    unowned_findings(
        &run,
        &changes,
        &strays,
        &leftovers,
        &connections,
        &mut verdict,
    );
    print_summary(&attacks, mode, keep, &work, &graded, &table, &verdict);
    drop(guard);
    assert!(
        verdict.failures.is_empty(),
        "{} failure(s) in the adversarial corpus; see the summary above",
        verdict.failures.len()
    );
}

/// What the test found: failures fail it; what pending attacks did is only reported.
#[derive(Debug, Default)]
struct Verdict {
    failures: Vec<String>,
    pending: Vec<String>,
    notes: Vec<String>,
}

impl Verdict {
    fn file(&mut self, report_only: bool, attack: Option<&str>, problems: Vec<String>) {
        let problems = problems.into_iter().map(|p| match attack {
            Some(name) => format!("{name}: {p}"),
            None => p,
        });
        if report_only {
            self.pending.extend(problems);
        } else {
            self.failures.extend(problems);
        }
    }
}

/// Changes, processes and connections no attack of the corpus owns.
fn unowned_findings(
    run: &RunNames,
    changes: &[Change],
    strays: &[Change],
    leftovers: &[Leftover],
    connections: &[String],
    verdict: &mut Verdict,
) {
    let concurrent: Vec<&str> = changes
        .iter()
        .filter(|c| c.concurrent)
        .map(|c| c.what.as_str())
        .collect();
    if !concurrent.is_empty() {
        verdict.notes.push(format!(
            "{} unmarked change(s) outside lesson 1 during the run, probably another engineer's \
             (left alone), e.g. {}",
            concurrent.len(),
            concurrent[..concurrent.len().min(3)].join("; ")
        ));
    }
    for change in changes.iter().chain(strays) {
        match &change.attack {
            None if change.concurrent => {}
            None => verdict.failures.push(format!(
                "changed outside the staging area, by no known attack: {}",
                change.what
            )),
            Some(name) if !ATTACKS.iter().any(|a| a.name == name) => {
                verdict
                    .failures
                    .push(format!("changed by `{name}`: {}", change.what));
            }
            Some(_) => {}
        }
    }
    for process in leftovers {
        if process.attack(run).is_none() {
            verdict.failures.push(format!(
                "left running after the grader exited: pid {} `{}`",
                process.pid, process.cmdline
            ));
        }
    }
    for connection in connections {
        if !ATTACKS
            .iter()
            .any(|a| connection.contains(&format!("{MARKER} {}", a.name)))
        {
            verdict.failures.push(format!(
                "a connection reached the test's listener: {connection:?}"
            ));
        }
    }
}

fn print_summary(
    attacks: &[&Attack],
    mode: PendingMode,
    keep: bool,
    work: &tempfile::TempDir,
    graded: &[Graded],
    table: &str,
    verdict: &Verdict,
) {
    println!(
        "\n== adversarial corpus: {} of {} attacks, {} grader run(s), {} honest students in each ==\n",
        graded.iter().map(|b| b.attacks.len()).sum::<usize>(),
        ATTACKS.len(),
        graded.len(),
        HONEST.len(),
    );
    if attacks.len() < ATTACKS.len() {
        println!("PARTIAL RUN ({ONLY_ENV}): the other attacks were not graded\n");
    }
    let skipped: Vec<&str> = attacks
        .iter()
        .filter(|a| {
            !graded
                .iter()
                .any(|b| b.attacks.iter().any(|g| g.name == a.name))
        })
        .map(|a| a.name)
        .collect();
    if !skipped.is_empty() {
        println!(
            "not graded, pending a defence (PENDING_DEFENCE; {PENDING_ENV}=report to grade them): {}\n",
            skipped.join(", ")
        );
    }
    if mode == PendingMode::Strict {
        println!("{PENDING_ENV}=strict: pending attacks graded like the others\n");
    }
    if keep {
        println!("classes and reports kept in {}\n", work.path().display());
    }
    if let Ok(sandbox) = std::env::var(SANDBOX_ENV) {
        println!("graded with --sandbox {sandbox}\n");
    }
    println!("{table}");
    for batch in graded {
        println!(
            "grader run over {} attack(s){}: {} in {:.0} s, grader peak memory {}, largest child {}",
            batch.attacks.len(),
            if batch.report_only {
                " (pending, report only)"
            } else {
                ""
            },
            batch.output.status,
            batch.elapsed.as_secs_f64(),
            batch
                .peak_memory()
                .map_or("not recorded".to_string(), |b| format!("{} MiB", b >> 20)),
            batch.process_peaks.iter().max_by_key(|(_, b)| **b).map_or(
                "none seen".to_string(),
                |(n, b)| format!("{n} {} MiB", b >> 20)
            ),
        );
    }
    println!();
    for (title, lines) in [
        ("notes", &verdict.notes),
        (
            "PENDING attacks that get through today (not failures)",
            &verdict.pending,
        ),
        ("FAILURES", &verdict.failures),
    ] {
        if !lines.is_empty() {
            println!("{title} ({}):", lines.len());
            for line in lines {
                println!("  - {}", line.replace('\n', "\n    "));
            }
            println!();
        }
    }
}

/// Grades one class with the real grader binary.
fn grade(batch: Batch, class: &Path, out: PathBuf, secret: &str) -> Graded {
    let sampler = MemorySampler::start();
    let started = Instant::now();
    let mut grader = Command::cargo_bin("grader").unwrap();
    grader
        .arg("grade")
        .arg(class)
        .arg("--out")
        .arg(&out)
        .args(["-j", "2"])
        .args(EXTRA_ARGS);
    if let Some(sandbox) = std::env::var_os(SANDBOX_ENV) {
        grader.arg("--sandbox").arg(sandbox);
    }
    let output = grader
        .env(SECRET_ENV, secret)
        .env_remove("TIMELINE_EVIDENCE")
        .env_remove("GRADER_KEEP_WORK")
        .timeout(OVERALL)
        .output()
        .expect("the grader starts");
    let elapsed = started.elapsed();
    let process_peaks = sampler.stop();
    let results = fs::read_to_string(out.join("results.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    Graded {
        attacks: batch.attacks,
        report_only: batch.report_only,
        out,
        output,
        elapsed,
        results,
        process_peaks,
    }
}

/// One grader run over a class.
#[derive(Debug)]
struct Graded {
    /// The attacks in the class (the honest students are always there too).
    attacks: Vec<&'static Attack>,
    /// Pending attacks: what they do is reported, not asserted.
    report_only: bool,
    /// The `--out` folder.
    out: PathBuf,
    /// How the grader ended, and what it printed.
    output: std::process::Output,
    /// How long it took.
    elapsed: Duration,
    /// `results.json`, if it could be read.
    results: Option<Value>,
    /// Peak resident memory per process name, of everything the grader started.
    process_peaks: BTreeMap<String, u64>,
}

impl Graded {
    /// The batch in words.
    fn who(&self) -> String {
        match self.attacks.as_slice() {
            [one] if one.solo => format!("the batch of {}", one.name),
            _ if self.report_only => "the batch of pending attacks".to_string(),
            _ => "the main batch".to_string(),
        }
    }

    /// The grader's own peak memory, as it recorded it in results.json.
    fn peak_memory(&self) -> Option<u64> {
        self.results.as_ref()?["grader_peak_rss_bytes"].as_u64()
    }
}

/// What must hold of a whole grader run: it finished in time, wrote its reports, held
/// its own memory within a fixed bound, kept feedback small and secrets and attackers'
/// words out of it, and gave every honest student full marks.
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
    // Waiting for another grader run's lock (a second run of this test, a teammate's)
    // is not the attack's doing.
    let waited = String::from_utf8_lossy(&batch.output.stderr).contains(LOCK_WAIT);
    let solo = batch.attacks.len() == 1 && batch.attacks[0].solo;
    if solo && !waited && batch.elapsed > SOLO_BUDGET {
        failures.push(format!(
            "{who} took {:.0} s, more than the {} s a batch of one attack may take",
            batch.elapsed.as_secs_f64(),
            SOLO_BUDGET.as_secs()
        ));
    }
    for (name, bytes) in &batch.process_peaks {
        let bound = if ["rustc", "cargo"].contains(&name.as_str()) {
            COMPILER_MEMORY_BOUND
        } else {
            PROCESS_MEMORY_BOUND
        };
        if *bytes > bound {
            failures.push(format!(
                "{who}: a `{name}` process the grader started held {} MiB, more than {} MiB",
                bytes >> 20,
                bound >> 20
            ));
        }
    }
    let Some(results) = &batch.results else {
        failures.push(format!("{who}: no readable results.json"));
        return;
    };
    match batch.peak_memory() {
        Some(bytes) if bytes > GRADER_MEMORY_BOUND => failures.push(format!(
            "{who}: the grader's own peak memory was {} MiB, more than {} MiB",
            bytes >> 20,
            GRADER_MEMORY_BOUND >> 20
        )),
        Some(_) => {}
        None => failures.push(format!(
            "{who}: results.json does not record the grader's peak memory"
        )),
    }
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
        let text = fs::read_to_string(&path).unwrap_or_default();
        if text.contains(secret) {
            failures.push(format!(
                "{}: contains the grader's environment secret",
                path.display()
            ));
        }
        // An honest student's feedback shows nothing an attacker wrote (a compiler error
        // of the shared test crate quoting an attacker's code, say).
        let honest = HONEST
            .iter()
            .any(|id| path.file_stem().is_some_and(|stem| stem == *id));
        if honest && let Some(attacker) = marked_by(text.as_bytes()) {
            failures.push(format!(
                "{}: shows what `{attacker}` wrote ({who})",
                path.display()
            ));
        }
    }
}

/// The names a run hands out: the sentinel path, the run's id on every stray name and on
/// the process marker, the port; nothing else of the source changes.
#[test]
fn an_attack_s_source_is_localised_to_its_run() {
    let run = RunNames {
        id: "r1t2".into(),
        outside: PathBuf::from("/scratch/adversarial-outside-x"),
        port: 4242,
    };
    // The sentinel path as the corpus writes it (`OUTSIDE_PLACEHOLDER`), and a stray name.
    let source = format!(
        "const OUTSIDE: &str = \"{OUTSIDE_PLACEHOLDER}\";\n\
         const PORT: u16 = 0;\n\
         let log = \"logs/grader-adversarial-late.log\";\n\
         .arg0(\"grader-adversarial-marker-fork-bomb\")\n\
         // GRADER-ADVERSARIAL-MARKER fork-bomb\n"
    );
    assert_eq!(
        run.localise(&source),
        "const OUTSIDE: &str = \"/scratch/adversarial-outside-x\";\n\
         const PORT: u16 = 4242;\n\
         let log = \"logs/grader-adversarial-r1t2-late.log\";\n\
         .arg0(\"grader-adversarial-r1t2-marker-fork-bomb\")\n\
         // GRADER-ADVERSARIAL-MARKER fork-bomb\n"
    );
    let leftover = Leftover {
        pid: 1,
        cmdline: "grader-adversarial-r1t2-marker-fork-bomb --exact".into(),
    };
    assert_eq!(leftover.attack(&run).as_deref(), Some("fork-bomb"));
    let other_run = RunNames {
        id: "r9t9".into(),
        ..run.clone()
    };
    assert_eq!(leftover.attack(&other_run), None);
}

/// Pending attacks are left out, graded alone for a report, or graded like the others;
/// solo attacks always get a batch of their own.
#[test]
fn batches_follow_the_pending_mode() {
    let pending = ATTACKS
        .iter()
        .find(|a| PENDING_DEFENCE.contains(&a.name) && !a.solo);
    let plain = ATTACKS
        .iter()
        .find(|a| !PENDING_DEFENCE.contains(&a.name) && !a.solo)
        .unwrap();
    let solo = ATTACKS
        .iter()
        .find(|a| !PENDING_DEFENCE.contains(&a.name) && a.solo)
        .unwrap();
    let mut chosen = vec![plain, solo];
    chosen.extend(pending);
    let shape = |mode| -> Vec<(Vec<&str>, bool)> {
        plan_batches(&chosen, mode)
            .into_iter()
            .map(|b| (b.attacks.iter().map(|a| a.name).collect(), b.report_only))
            .collect()
    };
    let Some(pending) = pending else {
        // Every defence has landed: nothing is pending.
        assert_eq!(
            shape(PendingMode::Skip),
            [(vec![plain.name], false), (vec![solo.name], false)]
        );
        return;
    };
    assert_eq!(
        shape(PendingMode::Skip),
        [(vec![plain.name], false), (vec![solo.name], false)]
    );
    assert_eq!(
        shape(PendingMode::Report),
        [
            (vec![plain.name], false),
            (vec![solo.name], false),
            (vec![pending.name], true)
        ]
    );
    assert_eq!(
        shape(PendingMode::Strict),
        [
            (vec![plain.name, pending.name], false),
            (vec![solo.name], false)
        ]
    );
}
