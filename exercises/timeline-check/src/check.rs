//! What [`check!`](crate::check!) does with a run: a snapshot assertion for a student, a
//! piece of signed evidence for the grader (the format is `timeline-evidence`'s).

use std::fmt::Debug;
use std::io::Write;
use std::path::Path;

use timeline::Run;
use timeline_evidence::{EVIDENCE_ENV, Evidence};

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
    /// Assert this rendered run against the insta snapshot.
    Snapshot(String),
    /// Nothing: the run was written as evidence for the grader.
    Recorded,
}

/// Decides between asserting and recording; called by [`check!`](crate::check!).
#[doc(hidden)]
pub fn check_mode<T: Debug>(file: &str, module: &str, test: &str, run: &Run<T>) -> CheckMode {
    let rendered = run.render();
    let blocking = run.transcript.blocking().map(|b| b.to_string());
    if !grading() {
        if let Some(diagnosis) = &blocking {
            eprintln!("note: {diagnosis}\n");
        }
        return CheckMode::Snapshot(rendered);
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
    };
    // One write of one line on the locked real stdout: libtest's capture of `println!`
    // does not see it, and other threads' lines do not cut into it.
    let line = evidence.to_line(&handed.secret);
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
    #[test]
    fn the_harness_and_the_format_name_the_same_variable() {
        assert_eq!(timeline_evidence::EVIDENCE_ENV, timeline::EVIDENCE_ENV);
    }
}
