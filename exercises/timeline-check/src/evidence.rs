//! What [`check!`](crate::check!) does with a run: a snapshot assertion for a student, a
//! piece of signed evidence for the grader.
//!
//! Under the grader (`TIMELINE_EVIDENCE` set), the grader writes a secret on the test
//! process's standard input. The harness reads it before any code under test runs (the
//! first [`capture`](crate::capture) does) and signs every piece of evidence with it
//! (HMAC-SHA256). Evidence goes to the real standard output as one line, past libtest's
//! output capture. Code under test never sees the secret through the environment, and a
//! line it prints cannot carry a valid signature. The grader accepts one piece of evidence
//! per test: a second one for the same test marks it as tampered.

use std::fmt::Debug;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use timeline::Run;

/// When set (to anything), `check!` writes signed evidence to stdout instead of asserting.
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
    /// [`Run::render`]: the text compared with the snapshot.
    pub rendered: String,
    /// The blocking diagnosis, if the run blocked the executor.
    pub blocking: Option<String>,
    /// Real time the run took, in milliseconds.
    pub wall_ms: f64,
}

impl Evidence {
    /// The name of a test's snapshot (and its key): `<suite>__<test>`.
    pub fn file_stem(suite: &str, test: &str) -> String {
        format!("{suite}__{test}")
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

/// The grader's secret, read once from stdin (empty when not grading).
fn secret() -> &'static [u8] {
    static SECRET: OnceLock<Vec<u8>> = OnceLock::new();
    SECRET.get_or_init(|| {
        let mut line = String::new();
        if grading() {
            let _ = std::io::stdin().lock().read_line(&mut line);
        }
        line.trim().as_bytes().to_vec()
    })
}

/// Takes the grader's secret before any code under test can run. Called by [`crate::capture`].
pub(crate) fn prepare() {
    let _ = secret();
}

/// What the `check!` macro must do next.
#[derive(Debug)]
pub enum CheckMode {
    /// Assert this rendered run against the insta snapshot.
    Snapshot(String),
    /// Nothing: the run was written as evidence for the grader.
    Recorded,
}

/// Decides between asserting and recording; called by [`check!`](crate::check!).
#[doc(hidden)]
pub fn check_mode<T: Debug>(file: &str, test: &str, run: &Run<T>) -> CheckMode {
    let rendered = run.render();
    let blocking = run.transcript.blocking().map(|b| b.to_string());
    if !grading() {
        if let Some(diagnosis) = &blocking {
            eprintln!("note: {diagnosis}\n");
        }
        return CheckMode::Snapshot(rendered);
    }
    let evidence = Evidence {
        suite: suite_of(file),
        test: test.to_string(),
        rendered,
        blocking,
        wall_ms: run.wall().as_secs_f64() * 1000.0,
    };
    // One write of one line on the locked real stdout: libtest's capture of `println!`
    // does not see it, and other threads' lines do not cut into it.
    let line = evidence.to_line(secret());
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(line.as_bytes());
    let _ = stdout.flush();
    CheckMode::Recorded
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
