//! What [`check!`](crate::check!) does with a run: a snapshot assertion for a student, a
//! piece of signed evidence for the grader.
//!
//! Under the grader (`TIMELINE_EVIDENCE` set), the grader writes a secret and a nonce on
//! the test process's standard input. The harness takes them before `main`
//! ([`crate::secret`]), before any code under test runs, and signs every piece of evidence
//! with the secret (HMAC-SHA256). The signed payload names the test's module (the batch's
//! `batch::<student key>::<suite>`) and carries the nonce, so evidence is good only for the
//! student and the process it was issued to ([`Evidence::binding`]). Evidence goes to the
//! real standard output as one line, past libtest's output capture. Code under test never
//! sees the secret through the environment, and a line it prints cannot carry a valid
//! signature. The grader accepts one piece of evidence per test: a second one for the same
//! test marks it as tampered.

use std::fmt::Debug;
use std::io::Write;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use timeline::{Hang, Run};

/// When set (to anything), `check!` writes signed evidence to stdout instead of asserting.
pub const EVIDENCE_ENV: &str = timeline::EVIDENCE_ENV;

/// Starts an evidence line on stdout: `<mark><hex signature> <json>`.
pub const EVIDENCE_MARK: &str = "\u{1e}timeline-evidence ";

/// What one `check!` observed, as the grader reads it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The test file's stem (`tick_watch` for `tests/tick_watch.rs`).
    pub suite: String,
    /// The test function's name.
    pub test: String,
    /// [`Run::render`]: the text compared with the snapshot.
    pub rendered: String,
    /// The blocking diagnosis, if the run blocked the executor.
    pub blocking: Option<String>,
    /// Real time the run took, in milliseconds.
    pub wall_ms: f64,
    /// `module_path!()` where `check!` expanded: `batch::<student key>::<suite>` in the
    /// grader's batch binary.
    pub module: String,
    /// The nonce the grader handed the process that signed this evidence.
    pub nonce: String,
    /// Whether `rendered` shows lines of one instant sorted (the default) rather than in
    /// the order the test declared ([`Run::in_printed_order`](timeline::Run::in_printed_order)):
    /// a difference then carries [`timeline::TIES_NOTE`] when the run has such lines.
    #[serde(default)]
    pub ties_sorted: bool,
    /// Real time the executor's thread was held inside polls, in milliseconds
    /// (`Run::executor_held`): a blocking call or a long computation on the executor.
    /// Counted the same whether or not the test forbids blocking.
    #[serde(default)]
    pub held_ms: f64,
    /// Whether `held_ms` reached `timeline::BLOCKED_LIMIT` (the executor was blocked).
    /// Where the test forbids blocking, `rendered` then ends with `timeline::BLOCKED_LINE`.
    #[serde(default)]
    pub blocked: bool,
    /// What was left after the return, when the test expects cleanup and the code
    /// returned (`None` otherwise); also rendered at the end of `rendered`.
    #[serde(default)]
    pub leftovers: Option<Left>,
    /// The test hung: the watchdog stopped it, and this is the class it saw. `rendered`
    /// then says only `=> hung (<code>)`.
    #[serde(default)]
    pub hang: Option<Hang>,
}

/// What a run left after the return (`timeline::Leftovers`, counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Left {
    /// Virtual time the run was let go on after the return, in milliseconds.
    pub grace_ms: u64,
    /// Lines printed after the return.
    pub lines: usize,
    /// Tasks still alive on the runtime after the grace period.
    pub tasks: usize,
    /// Blocking jobs the test handed out (`timeline::job`) still held or running then.
    pub jobs: usize,
}

/// What evidence must be bound to, to count for a process the grader started.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    /// The student's key in the batch (`s001`).
    pub key: &'a str,
    /// The nonce handed to the process.
    pub nonce: &'a str,
}

impl Evidence {
    /// The name of a test's snapshot (and its key): `<suite>__<test>`.
    pub fn file_stem(suite: &str, test: &str) -> String {
        format!("{suite}__{test}")
    }

    /// Why this (validly signed) evidence does not belong to `binding`, in words; `None`
    /// when it does: the nonce is the process's and the module is the student's copy of
    /// the evidence's own suite (`<crate>::<key>::<suite>`, possibly deeper).
    pub fn binding(&self, binding: Binding<'_>) -> Option<String> {
        if self.nonce != binding.nonce {
            return Some(format!(
                "evidence for `{}` was issued to another test process",
                self.test
            ));
        }
        let mut path = self.module.split("::").skip(1);
        let (key, suite) = (path.next(), path.next());
        if key != Some(binding.key) {
            return Some(format!(
                "evidence for `{}` came from another student's copy of the tests (`{}`)",
                self.test, self.module
            ));
        }
        if suite != Some(self.suite.as_str()) {
            return Some(format!(
                "evidence for `{}` names suite `{}` but came from module `{}`",
                self.test, self.suite, self.module
            ));
        }
        None
    }

    /// The evidence line for stdout, signed with `secret`.
    pub fn to_line(&self, secret: &[u8]) -> String {
        let json = serde_json::to_string(self).expect("evidence serialises");
        format!("{EVIDENCE_MARK}{} {json}\n", sign(secret, json.as_bytes()))
    }

    /// Reads an evidence line back; `None` unless it is well formed and signed with
    /// `secret`.
    pub fn from_line(line: &str, secret: &[u8]) -> Option<Evidence> {
        let rest = line.strip_prefix(EVIDENCE_MARK)?;
        let (signature, json) = rest.split_once(' ')?;
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
        mac.update(json.as_bytes());
        mac.verify_slice(&from_hex(signature)?).ok()?;
        serde_json::from_str(json).ok()
    }
}

fn sign(secret: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether the grader asked for evidence.
fn grading() -> bool {
    std::env::var_os(EVIDENCE_ENV).is_some()
}

/// Under grading, stops the test, loudly, unless the grader's secret was taken safely
/// before `main`. Called by [`crate::capture`] and `check!`.
pub(crate) fn prepare() {
    if grading()
        && let Err(why) = crate::secret::taken()
    {
        refuse(&why);
    }
}

/// Fails the test saying why, on the real stderr too (past libtest's capture), where the
/// grader's report of a test without evidence quotes it.
fn refuse(why: &str) -> ! {
    let _ = writeln!(std::io::stderr().lock(), "{why}");
    panic!("{why}");
}

/// What the `check!` macro must do next.
#[derive(Debug)]
pub enum CheckMode {
    /// Assert this rendered run against the snapshot; the run's order of same-instant
    /// lines says whether a difference carries [`timeline::TIES_NOTE`].
    Snapshot(String, timeline::Ties),
    /// Nothing: the run was written as evidence for the grader.
    Recorded,
}

/// Decides between asserting and recording; called by [`check!`](crate::check!).
#[doc(hidden)]
pub fn check_mode<T: Debug>(file: &str, module: &str, test: &str, run: &Run<T>) -> CheckMode {
    let rendered = run.render();
    let blocking = diagnosis(run);
    if !grading() {
        if let Some(diagnosis) = &blocking {
            eprintln!("note: {diagnosis}\n");
        }
        return CheckMode::Snapshot(rendered, run.ties);
    }
    let handed = crate::secret::taken().unwrap_or_else(|why| refuse(&why));
    let evidence = Evidence {
        suite: suite_of(file),
        test: test.to_string(),
        rendered,
        blocking,
        wall_ms: run.wall().as_secs_f64() * 1000.0,
        module: module.to_string(),
        nonce: handed.nonce.clone(),
        ties_sorted: run.ties == timeline::Ties::Sorted,
        held_ms: run.executor_held.as_secs_f64() * 1000.0,
        blocked: run.blocked(),
        leftovers: run.leftovers.as_ref().map(|left| Left {
            grace_ms: u64::try_from(left.grace.as_millis()).unwrap_or(u64::MAX),
            lines: left.printed.len(),
            tasks: left.tasks,
            jobs: left.jobs,
        }),
        hang: None,
    };
    emit(&evidence, handed);
    CheckMode::Recorded
}

/// Writes one piece of evidence: one write of one line on the locked real stdout, which
/// libtest's capture of `println!` does not see and other threads' lines do not cut into.
fn emit(evidence: &Evidence, handed: &crate::secret::Handed) {
    let line = evidence.to_line(&handed.secret);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(line.as_bytes());
    let _ = stdout.flush();
}

/// What the watchdog calls, under grading, when a capture hung: records evidence of the
/// hang and its class for the test `name` (the test thread's name,
/// `<student>::<suite>::<test>` in the grader's batch binary). Nothing without a secret.
pub(crate) fn report_hang(name: &str, hang: Hang) {
    let Ok(handed) = crate::secret::taken() else {
        return;
    };
    let (path, test) = name.rsplit_once("::").unwrap_or(("", name));
    let suite = path.rsplit("::").next().unwrap_or_default();
    let evidence = Evidence {
        suite: suite.to_string(),
        test: test.to_string(),
        rendered: format!("=> hung ({})", hang.code()),
        blocking: None,
        wall_ms: timeline::wall_limit().as_secs_f64() * 1000.0,
        // What `module_path!()` says in the test's module: the crate, then the path.
        module: format!("hung::{path}"),
        nonce: handed.nonce.clone(),
        ties_sorted: false,
        held_ms: 0.0,
        blocked: false,
        leftovers: None,
        hang: Some(hang),
    };
    emit(&evidence, handed);
}

/// Where the run spent real time while the virtual clock stood still, for the feedback:
/// only when it adds up to `timeline::BLOCKED_LIMIT` or the executor was blocked, so that
/// a correct run stretched by a busy machine (a tenth of a second here and there) is not
/// told it blocked. A blocking job holding the clock (a sleep in `spawn_blocking`) still
/// gets its explanation.
fn diagnosis<T>(run: &Run<T>) -> Option<String> {
    let blocking = run.transcript.blocking()?;
    (run.blocked() || blocking.total >= timeline::BLOCKED_LIMIT).then(|| blocking.to_string())
}

fn suite_of(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> Evidence {
        Evidence {
            suite: "s".into(),
            test: "t".into(),
            rendered: "[  0.000s] a\n=> returned after 0.000s: ()".into(),
            blocking: None,
            wall_ms: 1.5,
            module: "batch::s001::s".into(),
            nonce: "n1".into(),
            ties_sorted: true,
            held_ms: 0.5,
            blocked: false,
            leftovers: None,
            hang: None,
        }
    }

    const MINE: Binding<'static> = Binding {
        key: "s001",
        nonce: "n1",
    };

    #[test]
    fn evidence_of_this_student_and_process_is_bound() {
        assert_eq!(evidence().binding(MINE), None);
        let deeper = Evidence {
            module: "batch::s001::s::inner".into(),
            ..evidence()
        };
        assert_eq!(deeper.binding(MINE), None);
    }

    #[test]
    fn evidence_of_another_process_student_or_suite_is_refused() {
        let other_process = Evidence {
            nonce: "n2".into(),
            ..evidence()
        };
        assert!(
            other_process
                .binding(MINE)
                .unwrap()
                .contains("another test process")
        );
        let classmate = Evidence {
            module: "batch::s002::s".into(),
            ..evidence()
        };
        assert!(classmate.binding(MINE).unwrap().contains("another student"));
        let prefix = Evidence {
            module: "batch::s0011::s".into(),
            ..evidence()
        };
        assert!(prefix.binding(MINE).unwrap().contains("another student"));
        let other_suite = Evidence {
            module: "batch::s001::t".into(),
            ..evidence()
        };
        assert!(other_suite.binding(MINE).unwrap().contains("names suite"));
        let outside = Evidence {
            module: "s".into(),
            ..evidence()
        };
        assert!(outside.binding(MINE).is_some());
    }

    #[test]
    fn the_binding_is_signed() {
        let line = evidence().to_line(b"secret");
        for (from, to) in [("\"n1\"", "\"n2\""), ("s001", "s002")] {
            let edited = line.replace(from, to);
            assert_ne!(edited, line);
            assert_eq!(Evidence::from_line(edited.trim_end(), b"secret"), None);
        }
    }

    fn run_with_gap(gap_ms: u64, held_ms: u64) -> Run<()> {
        let event = |wall_ms| timeline::Event {
            at: std::time::Duration::ZERO,
            wall: std::time::Duration::from_millis(wall_ms),
            text: "line".into(),
        };
        Run {
            outcome: timeline::Outcome::Returned(()),
            transcript: timeline::Transcript {
                events: vec![event(1), event(1 + gap_ms)],
                dropped: 0,
                end_at: std::time::Duration::ZERO,
                end_wall: std::time::Duration::from_millis(2 + gap_ms),
            },
            executor_held: std::time::Duration::from_millis(held_ms),
            blocking_forbidden: false,
            leftovers: None,
            ties: timeline::Ties::Sorted,
        }
    }

    #[test]
    fn the_diagnosis_leaves_out_a_run_stretched_by_a_busy_machine() {
        assert_eq!(diagnosis(&run_with_gap(150, 0)), None);
        let slept = diagnosis(&run_with_gap(1000, 1000)).unwrap();
        assert!(slept.contains("blocked for 1.0 s"), "{slept}");
        // A job holding the clock: the executor was free, the explanation still helps.
        assert!(diagnosis(&run_with_gap(1000, 0)).is_some());
    }

    #[test]
    fn a_signed_line_reads_back() {
        let line = evidence().to_line(b"secret");
        assert!(line.ends_with('\n') && line.lines().count() == 1);
        assert_eq!(
            Evidence::from_line(line.trim_end(), b"secret"),
            Some(evidence())
        );
    }

    #[test]
    fn a_line_signed_with_another_secret_or_edited_is_refused() {
        let line = evidence().to_line(b"secret");
        assert_eq!(Evidence::from_line(line.trim_end(), b"guess"), None);
        let edited = line.replace("[  0.000s] a", "[  0.000s] b");
        assert_eq!(Evidence::from_line(edited.trim_end(), b"secret"), None);
        assert_eq!(Evidence::from_line("test result: ok", b"secret"), None);
    }
}
