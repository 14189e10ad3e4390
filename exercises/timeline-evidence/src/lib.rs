//! The evidence format: what the harness's `check!` (in `timeline-check`) reports to the
//! grader about a run, one signed line on the test process's standard output.
//!
//! Under the grader (`TIMELINE_EVIDENCE` set), the grader writes a secret and a nonce on
//! the test process's standard input. The harness takes them before `main`, before any
//! code under test runs, and signs every piece of evidence
//! with the secret (HMAC-SHA256). The signed payload names the test's module (the batch's
//! `batch::<student key>::<suite>`) and carries the nonce, so evidence is good only for the
//! student and the process it was issued to ([`Evidence::binding`]). Evidence goes to the
//! real standard output as one line, past libtest's output capture. Code under test never
//! sees the secret through the environment, and a line it prints cannot carry a valid
//! signature. The grader accepts one piece of evidence per test: a second one for the same
//! test marks it as tampered.
//!
//! This crate holds the format alone (serde, HMAC-SHA256), so the grader reads evidence
//! without building the harness and its runtime.

use std::fmt;

mod rendered;

pub use rendered::{BLOCKED_LIMIT, TIES_NOTE, WALL_LIMIT_ENV, has_ties, line_ended, stamp_of};

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// When set (to anything), `check!` writes signed evidence to stdout instead of asserting
/// (the same name as `timeline::EVIDENCE_ENV`; a test of `timeline-check` holds them equal).
pub const EVIDENCE_ENV: &str = "TIMELINE_EVIDENCE";

/// Starts an evidence line on stdout: `<mark><hex signature> <json>`.
pub const EVIDENCE_MARK: &str = "\u{1e}timeline-evidence ";

/// What one `check!` observed, as the grader reads it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The test file's stem (`tick_watch` for `tests/tick_watch.rs`).
    pub suite: String,
    /// The test function's name.
    pub test: String,
    /// `timeline::Run::render`: the text compared with the snapshot.
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
    /// the order the test declared (`timeline::Run::in_printed_order`):
    /// a difference then carries `timeline::TIES_NOTE` when the run has such lines.
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
    /// What the test checks besides the timeline, as it declared it.
    #[serde(default)]
    pub checks: Checks,
}

/// What a test checks besides its printed timeline, as it declared it to `capture`: the
/// switch lives with the test, so a student's `cargo test` and the grader agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    /// Blocking the executor fails the test (`Options::forbid_blocking`).
    #[serde(default)]
    pub blocking: bool,
    /// Tasks, jobs or lines left after the return fail the test, after this grace period of
    /// virtual time, in milliseconds (`Options::expect_cleanup`).
    #[serde(default)]
    pub cleanup_ms: Option<u64>,
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

/// How a hung capture was stuck. The codes ([`Hang::code`]) are stable: evidence,
/// results and feedback use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hang {
    /// (a) The executor was stuck inside one poll, its thread computing: a loop that
    /// never reaches an `.await`.
    BusyLoop,
    /// (b) The executor was stuck inside one poll, its thread asleep: a blocking call
    /// (`std::thread::sleep`, a blocking lock, channel or I/O, joining a thread) that never
    /// returned.
    BlockingCall,
    /// (c) The executor kept polling but the virtual clock never advanced: tasks wake
    /// themselves at once (a `yield_now` loop, a future or stream that wakes itself and
    /// returns `Pending`), so the runtime is never idle and the paused clock never jumps.
    SelfWaking,
    /// The executor was idle but the virtual clock held still: a `spawn_blocking` job
    /// (which holds the paused clock while it runs) never finished.
    BlockingJob,
    /// The virtual clock kept moving: the code makes progress, but needs too much real
    /// time per step (a heavy computation between `.await`s).
    Slow,
    /// Stuck inside one poll; whether computing or asleep could not be read.
    StuckInPoll,
}

impl Hang {
    /// Every class, in declaration order.
    pub const ALL: [Hang; 6] = [
        Hang::BusyLoop,
        Hang::BlockingCall,
        Hang::SelfWaking,
        Hang::BlockingJob,
        Hang::Slow,
        Hang::StuckInPoll,
    ];

    /// The stable code: `busy_loop`, `blocking_call`, `self_waking`, `blocking_job`,
    /// `slow`, `stuck_in_poll`.
    pub fn code(self) -> &'static str {
        match self {
            Hang::BusyLoop => "busy_loop",
            Hang::BlockingCall => "blocking_call",
            Hang::SelfWaking => "self_waking",
            Hang::BlockingJob => "blocking_job",
            Hang::Slow => "slow",
            Hang::StuckInPoll => "stuck_in_poll",
        }
    }

    /// The class of a code ([`Hang::code`]).
    pub fn from_code(code: &str) -> Option<Hang> {
        Hang::ALL.into_iter().find(|hang| hang.code() == code)
    }
}

impl fmt::Display for Hang {
    /// What was seen and where to look, for a student.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Hang::BusyLoop => {
                "the executor was stuck inside one poll, computing: a loop that never reaches \
                 `.await` keeps every task (and the clock) from moving. Look for such a loop"
            }
            Hang::BlockingCall => {
                "the executor was stuck inside one poll, asleep: a blocking call \
                 (std::thread::sleep, a blocking lock, channel or I/O, joining a thread) never \
                 returned. Await the async version instead"
            }
            Hang::SelfWaking => {
                "the executor kept polling but the virtual clock never advanced: tasks wake \
                 themselves at once (a `yield_now` loop, a future or stream that wakes itself \
                 and returns `Pending`), so the runtime is never idle and the paused clock never \
                 jumps. Wait on a timer or a channel instead of waking yourself"
            }
            Hang::BlockingJob => {
                "the executor was idle but the virtual clock held still: a `spawn_blocking` \
                 job holds the paused clock while it runs, and one never finished"
            }
            Hang::Slow => {
                "the virtual clock kept moving, too slowly: the code needs too much real time \
                 per step (a heavy computation between `.await`s)"
            }
            Hang::StuckInPoll => {
                "the executor was stuck inside one poll: a loop that never reaches `.await`, \
                 or a blocking call that never returns"
            }
        })
    }
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
            checks: Checks::default(),
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
