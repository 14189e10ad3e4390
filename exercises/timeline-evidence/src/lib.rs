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
