//! What [`check!`](crate::check!) does with a run: a snapshot assertion for a student, a
//! piece of signed evidence for the grader (the format is `timeline-evidence`'s).

use std::fmt::Debug;
use std::io::Write;
use std::path::Path;

use timeline::{Hang, Run};
use timeline_evidence::{Checks, EVIDENCE_ENV, Evidence, Left};

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
        checks: Checks {
            blocking: run.blocking_forbidden,
            cleanup_ms: run
                .cleanup_grace
                .map(|grace| u64::try_from(grace.as_millis()).unwrap_or(u64::MAX)),
        },
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
        checks: Checks::default(),
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

    #[test]
    fn the_harness_and_the_format_name_the_same_variable() {
        assert_eq!(timeline_evidence::EVIDENCE_ENV, timeline::EVIDENCE_ENV);
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
            cleanup_grace: None,
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
}
