//! The attacks of the corpus and what each must come to, and the names and limits the
//! test shares with them.

use super::*;

/// Every file an attack writes carries this, followed by the attack's name.
pub(crate) const MARKER: &str = "GRADER-ADVERSARIAL-MARKER";
/// Written in an attack's source, stands for the run's sentinel folder outside the staging
/// area (a fresh temporary folder per run, holding a sentinel file, writable by anyone):
/// the test puts the real path in when it writes the class, so no attack names a fixed
/// path.
pub(crate) const OUTSIDE_PLACEHOLDER: &str = "@GRADER_OUTSIDE@";
/// Prefix of the files attacks may leave in `/tmp`, `$TMPDIR` or `$HOME`, and of the
/// process marker (`grader-adversarial-marker-<attack>` in an attack's command lines):
/// the test adds the run's id to every occurrence in an attack's source
/// (`grader-adversarial-<id>-`), so two runs at once never see each other's.
pub(crate) const STRAY_PREFIX: &str = "grader-adversarial-";
/// How deep and how wide the test (and the attacks) scan the file system for course
/// checkouts.
pub(crate) const SCAN_DEPTH: usize = 3;
pub(crate) const SCAN_FOLDERS: usize = 20_000;
/// Extra arguments for every `grader grade` the test runs, in one place: the limits the
/// test waits for, lower than the defaults so the suite stays within its time. A test's
/// wall-clock limit of 5 s (honest tests take milliseconds; the default is 10 s) also
/// makes the per-lesson budget 15 s; a compile limit of 20 s (an honest student's crate
/// compiles in 1-3 s on a loaded 2-core machine; the default is 60 s).
pub(crate) const EXTRA_ARGS: &[&str] = &["--test-limit", "5", "--compile-limit", "20"];
/// Attacks that get through the grader, until the defence named beside each lands: not
/// graded by default (`GRADER_ADVERSARIAL_PENDING=report` grades them and reports,
/// `=strict` grades them like any other). Empty now: every attack of the corpus is held.
pub(crate) const PENDING_DEFENCE: &[&str] = &[];
/// An attack's own report that it reached its bounded goal (held the memory, started the
/// processes, read the secret): a failure wherever it appears in the attack's feedback.
pub(crate) const GOT_THROUGH: &str = "GOT THROUGH";
/// `GRADER_ADVERSARIAL_PENDING`: `report` or `strict` (see [`PENDING_DEFENCE`]).
pub(crate) const PENDING_ENV: &str = "GRADER_ADVERSARIAL_PENDING";
/// The grader's own peak memory (`grader_peak_rss_bytes` in results.json), per run.
pub(crate) const GRADER_MEMORY_BOUND: u64 = 1 << 30;
/// The compiler processes the grader starts (`rustc`, `cargo`), as the test samples their
/// resident memory: a class this small never needs more, an attack on the compiler does.
pub(crate) const COMPILER_MEMORY_BOUND: u64 = 2 << 30;
/// Any other process the grader starts (a test process and its children): above the
/// 4 GiB address-space limit each test process has, so only a missing limit crosses it.
pub(crate) const PROCESS_MEMORY_BOUND: u64 = 9 << 29;
/// Real time a batch of its own (one attack and the honest students) may take: an attack
/// on time (crashes that make every test run again, a slow compile) shows up here.
pub(crate) const SOLO_BUDGET: Duration = Duration::from_secs(30);
/// What the grader prints when it waits for another run's lock (that time is not held
/// against an attack's budget).
pub(crate) const LOCK_WAIT: &str = "Another grader run is using";
/// A fake secret in the grader's environment (env-secrets must not get it out).
pub(crate) const SECRET_ENV: &str = "GRADER_ADVERSARIAL_FAKE_SECRET";
/// The whole grading run must end within this.
pub(crate) const OVERALL: Duration = Duration::from_secs(600);
/// Largest feedback file accepted (the output flood must not reach it).
pub(crate) const MAX_FEEDBACK: u64 = 256 * 1024;
/// Real time one test may take under the grader, with start-up slack (the default limit
/// is 10 s).
pub(crate) const TEST_WALL_MS: f64 = 12_000.0;
/// The honest students.
pub(crate) const HONEST: [&str; 2] = ["honest-1", "honest-2"];
/// Comma-separated attack names: grade only these (with the honest students).
pub(crate) const ONLY_ENV: &str = "GRADER_ADVERSARIAL_ONLY";
/// Set to keep the class and the reports after the test.
pub(crate) const KEEP_ENV: &str = "GRADER_ADVERSARIAL_KEEP";
/// Set to pass `--sandbox <value>` to the grader (e.g. `limits`, the fallback without bwrap).
pub(crate) const SANDBOX_ENV: &str = "GRADER_ADVERSARIAL_SANDBOX";
/// The placeholder the port of the test's listener replaces in an attack's source.
pub(crate) const PORT_PLACEHOLDER: &str = "const PORT: u16 = 0;";

pub(crate) const LESSON_1: &str = "01-tick-file-watch";
/// The course folders of the attacked exercise: any change there fails the test, marked
/// or not (elsewhere only marked changes do, so that engineers editing other lessons in
/// a shared checkout while this runs do not fail it).
pub(crate) const ATTACKED_TREES: [&str; 3] = [
    "exercises/01-tick-file-watch",
    "solutions/01-tick-file-watch",
    "grader/course/01-tick-file-watch",
];

/// What an attack must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// 0 points on the attacked exercise (not graded and not compiled count as 0).
    Zero,
    /// Every hidden test of the exercise fails, so it stays below full marks (the threat
    /// table's residual risk: visible tests can be hard-coded).
    HiddenFail,
}

/// One row: an attack folder and what must become of it.
#[derive(Debug)]
pub(crate) struct Attack {
    /// The folder in `tests/adversarial/`, also the student id.
    pub(crate) name: &'static str,
    /// The exercise it attacks.
    pub(crate) slug: &'static str,
    /// The score it must get.
    pub(crate) expect: Expect,
    /// Words its feedback must contain (case-insensitive), all of them.
    pub(crate) mention: &'static [&'static str],
    /// Text its feedback must not contain: what the attack tries to leak.
    pub(crate) forbid: &'static [&'static str],
    /// Graded in a batch of its own (with the honest students): an attack on the whole
    /// batch, which would hide what every other attack did.
    pub(crate) solo: bool,
}

pub(crate) const fn zero(
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
pub(crate) const fn solo(name: &'static str) -> Attack {
    Attack {
        solo: true,
        ..zero(name, &[], &[])
    }
}

/// The expectation of every attack in the corpus (each folder has exactly one row).
pub(crate) const ATTACKS: &[Attack] = &[
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
    // Evidence: the secret taken by code that runs before `capture`, programs started from
    // the test process, its memory read; time amplified through the re-runs after a crash.
    zero("ev-stdin-before-capture", &[], &[]),
    zero("ev-stdin-thread-to-eof", &[], &[]),
    zero("ev-rerun-current-exe", &[], &[]),
    zero("ev-rerun-proc-self-exe", &[], &[]),
    zero("ev-rerun-argv0", &[], &[]),
    zero("ev-spawn-helper", &[], &[]),
    zero("ev-proc-self-mem", &[], &[]),
    zero("ev-proc-pid-mem", &[], &[]),
    zero("ev-crash-late", &["budget"], &[]),
    zero("ev-crash-then-hang", &["budget"], &[]),
    // The compiler: a lesson that does not fit the tests costs only its author; limits
    // and crashes of the compiler are the author's verdict; what the compiler can read.
    solo("cc-renamed-function"),
    solo("cc-changed-signature"),
    solo("cc-post-mono-assert"),
    solo("cc-trait-through-generic"),
    zero(
        "cc-const-eval-loop",
        &["compiler gave up", "still compiling"],
        &[],
    ),
    zero("cc-token-doubling", &["compiler gave up"], &[]),
    zero("cc-deep-nesting", &["compiler gave up"], &[]),
    zero("cc-type-recursion", &[], &[]),
    zero(
        "cc-indirect-include-solution",
        &["couldn't read"],
        &["Reference solution."],
    ),
    zero(
        "cc-indirect-hidden-tests",
        &["couldn't read"],
        &["other-name.log"],
    ),
    zero(
        "cc-indirect-host-files",
        &["couldn't read"],
        &["root:x:0:0"],
    ),
    Attack {
        name: "cc-indirect-classmates",
        slug: LESSON_1,
        expect: Expect::Zero,
        mention: &["couldn't read"],
        forbid: &["Reference solution."],
        solo: true,
    },
    // A test's resources beyond its own process: many processes, threads, tmpfs fills.
    zero("rs-process-memory", &[], &[]),
    zero("rs-thread-memory", &[], &[]),
    zero("rs-fill-writable", &[], &[]),
    zero("rs-fill-from-children", &[], &[]),
    // Red team, kind 1: code under test runs before the harness takes its secret.
    zero("secret-forge-hmac", &[], &[]),
    zero("stdin-relay-classmate", &[], &[]),
    // Kind 2: errors only the batch's test crate sees.
    zero("suite-post-mono-assert", &[], &[]),
    zero("suite-signature-change", &[], &[]),
    // Kind 3: the compiler, crashed or held.
    zero("rustc-nested-closures", &[], &[]),
    zero("rustc-nested-types", &[], &[]),
    zero("rustc-const-memory", &[], &[]),
    solo("rustc-const-spin"),
    // Kind 3b: host files and environment at compile time, by other names.
    zero("include-renamed-use", &[], &["other-name.log"]),
    zero("path-attr-from-macro", &[], &[]),
    zero("env-renamed-secret", &[], &[]),
    // Kind 4: memory and tasks a per-process limit does not count.
    zero("tmpfs-outside-tmp", &[], &[]),
    zero("memory-children", &[], &[]),
    zero("thread-swarm", &[], &[]),
    // Kind 5: intake.
    zero("folder-sparse-files", &[], &[]),
    zero("tgz-long-names", &[], &[]),
    // Kind 6: time, by crashing late so that every test runs again.
    solo("crash-late-rerun"),
    solo("exit-late-rerun"),
];

/// What becomes of the attacks in [`PENDING_DEFENCE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PendingMode {
    /// Not graded (the default).
    Skip,
    /// Graded in batches of their own; what they do is reported, not asserted.
    Report,
    /// Graded like every other attack.
    Strict,
}

pub(crate) fn pending_mode() -> PendingMode {
    match std::env::var(PENDING_ENV).as_deref() {
        Err(_) | Ok("" | "skip") => PendingMode::Skip,
        Ok("report") => PendingMode::Report,
        Ok("strict") => PendingMode::Strict,
        Ok(other) => panic!("{PENDING_ENV}={other}: expected skip, report or strict"),
    }
}

/// One grader run to come: its attacks (the honest students are always there too).
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) attacks: Vec<&'static Attack>,
    /// Pending attacks: reported, not asserted.
    pub(crate) report_only: bool,
}

/// The grader runs: one with every attack but the solo ones, one per solo attack; and,
/// when pending attacks are graded for a report, one per pending attack (one that
/// crashes the whole run must not hide what the others do).
pub(crate) fn plan_batches(attacks: &[&'static Attack], mode: PendingMode) -> Vec<Batch> {
    let pending = |a: &Attack| PENDING_DEFENCE.contains(&a.name) && mode != PendingMode::Strict;
    let asserted: Vec<&'static Attack> = attacks.iter().copied().filter(|a| !pending(a)).collect();
    let together: Vec<&'static Attack> = asserted.iter().copied().filter(|a| !a.solo).collect();
    let mut batches = Vec::new();
    if !together.is_empty() {
        batches.push(Batch {
            attacks: together,
            report_only: false,
        });
    }
    let alone = asserted.iter().filter(|a| a.solo).map(|a| (*a, false));
    let reported = attacks
        .iter()
        .filter(|a| pending(a) && mode == PendingMode::Report)
        .map(|a| (*a, true));
    batches.extend(alone.chain(reported).map(|(a, report_only)| Batch {
        attacks: vec![a],
        report_only,
    }));
    batches
}

/// The attacks to grade: all of them, or those named in `GRADER_ADVERSARIAL_ONLY`.
pub(crate) fn selected_attacks() -> Vec<&'static Attack> {
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

/// Every folder of the corpus has a row, every row has a folder, and there are enough.
pub(crate) fn check_corpus_matches_table(corpus: &Path) {
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
    for name in PENDING_DEFENCE {
        assert!(
            ATTACKS.iter().any(|a| a.name == *name),
            "PENDING_DEFENCE names `{name}`, which is not in ATTACKS"
        );
    }
}
