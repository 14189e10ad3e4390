//! The attacks of the corpus and what each must come to, and the names and limits the
//! test shares with them.

use super::*;

/// Every file an attack writes carries this, followed by the attack's name.
pub(crate) const MARKER: &str = "GRADER-ADVERSARIAL-MARKER";
/// Every process an attack starts carries this in its command line (then `-<attack>`).
pub(crate) const PROCESS_MARKER: &str = "grader-adversarial-marker";
/// A folder outside the staging area that attacks try to write into; holds a sentinel.
pub(crate) const OUTSIDE: &str = "/tmp/grader-adversarial-outside";
/// Prefix of the files attacks may leave in `/tmp` or `$HOME`.
pub(crate) const STRAY_PREFIX: &str = "grader-adversarial-";
/// Course checkouts the attacks guess by absolute path (besides the one they find).
pub(crate) const ROOT_GUESSES: [&str; 1] = ["/work/main"];
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
pub(crate) const HONEST: [&str; 3] = ["honest-1", "honest-2", "honest-3"];
/// Comma-separated attack names: grade only these (with the honest students).
pub(crate) const ONLY_ENV: &str = "GRADER_ADVERSARIAL_ONLY";
/// Set to keep the class and the reports after the test.
pub(crate) const KEEP_ENV: &str = "GRADER_ADVERSARIAL_KEEP";
/// Set to pass `--sandbox <value>` to the grader (e.g. `limits`, the fallback without bwrap).
pub(crate) const SANDBOX_ENV: &str = "GRADER_ADVERSARIAL_SANDBOX";
/// The placeholder the network attack's port replaces.
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
];

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
}
