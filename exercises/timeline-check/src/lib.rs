//! `timeline-check`: check what a captured run printed.
//!
//! Tests run the code under test with [`capture`] and end with [`check!`]:
//!
//! ```ignore
//! use timeline_check::{capture, check};
//!
//! #[test]
//! fn ticks() {
//!     let run = capture(Duration::from_secs(10), exercise_01::tick(Duration::from_secs(1)));
//!     check!(run);
//! }
//! ```
//!
//! Lines printed at the same virtual instant are compared as a multiset: the run shows
//! them sorted by text, so every order tokio may choose renders the same. A test whose
//! lesson teaches that order declares it: `check!(run.in_printed_order())`.
//!
//! When a student runs `cargo test`, `check!` compares with an insta snapshot file. Under the
//! grader it prints evidence signed with a secret the grader hands the test process, which
//! this crate takes before `main`, before any code under test runs, and then confines the
//! process (Linux: no programs start, its memory is unreadable from `/proc`). This crate is
//! a dev-dependency only: code under test cannot name it, so it cannot sign anything.

mod check;
mod confine;
mod meter;
mod secret;
mod snapshot;

use std::future::Future;
use std::time::Duration;

pub use check::{CheckMode, check_mode};
pub use secret::Handed;
pub use snapshot::{compare, contents, diff, snapshot_path};
pub use timeline::{
    BLOCKED_LIMIT, Hang, Options, Outcome, Run, TIES_NOTE, Ties, WALL_LIMIT_ENV, has_ties,
};
pub use timeline_evidence::{Binding, Checks, EVIDENCE_ENV, EVIDENCE_MARK, Evidence, Left};

/// What `check!` does for a student: fails the test, with the diff and what to do, unless
/// `rendered` is the snapshot of `test` (see [`snapshot_path`]). Never writes a snapshot.
#[doc(hidden)]
#[track_caller]
pub fn assert_snapshot(manifest_dir: &str, file: &str, test: &str, rendered: &str, ties: Ties) {
    let path = snapshot_path(std::path::Path::new(manifest_dir), file, test);
    if let Err(failure) = compare(&path, test, rendered, ties) {
        panic!("{failure}");
    }
}

/// Runs `future` on a paused clock and records what it prints: [`timeline::capture`].
/// Under grading it first makes sure the grader's secret was taken before `main` and the
/// process confined, and fails the test loudly if not.
///
/// `options` is the virtual-time limit (a `Duration`), or [`Options`] with the checks the
/// lesson asks for, declared by the test so that `cargo test` and the grader agree:
///
/// ```ignore
/// let run = capture(Options::within(LIMIT).forbid_blocking(), sum("A", &[1, 2], step));
/// let run = capture(Options::within(LIMIT).expect_cleanup(Duration::from_secs(1)), job);
/// ```
///
/// The executor's thread is read through this crate's meter (CPU time and voluntary
/// sleeps, for the blocking check and the class of a hang), and under grading a hang is
/// recorded as signed evidence with its class.
pub fn capture<F: Future>(options: impl Into<Options>, future: F) -> Run<F::Output> {
    check::prepare();
    let mut options: Options = options.into();
    options.meter = meter::meter();
    options.report_hang = Some(check::report_hang);
    timeline::capture(options, future)
}

/// A virtual-time limit, as tests write it: [`Options::within`].
pub fn within(limit: Duration) -> Options {
    Options::within(limit)
}

/// The name of the function this macro is expanded in (the test's name).
#[doc(hidden)]
#[macro_export]
macro_rules! __function_name {
    () => {{
        fn f() {}
        fn type_name_of<T>(_: T) -> &'static str {
            ::std::any::type_name::<T>()
        }
        let mut name = type_name_of(f).strip_suffix("::f").unwrap_or("");
        while let Some(rest) = name.strip_suffix("::{{closure}}") {
            name = rest;
        }
        name.rsplit("::").next().unwrap_or(name)
    }};
}

/// Checks a [`Run`] against the test's snapshot.
///
/// When a student runs `cargo test`, this compares the run with the test's insta snapshot
/// (`tests/snapshots/<file>__<test>.snap`, named after the test function) and fails with a
/// diff; it never writes or accepts a snapshot, whatever `INSTA_*` says. If the code
/// blocked, the diagnosis is printed first. Under the grader (`TIMELINE_EVIDENCE` set), it asserts
/// nothing and prints the run as signed evidence, which the grader compares with its own
/// pristine copy of the snapshot.
#[cfg(not(feature = "grading"))]
#[macro_export]
macro_rules! check {
    ($run:expr) => {{
        let run = &$run;
        let test = $crate::__function_name!();
        match $crate::check_mode(::std::file!(), ::std::module_path!(), test, run) {
            $crate::CheckMode::Snapshot(rendered, ties) => {
                $crate::assert_snapshot(
                    ::std::env!("CARGO_MANIFEST_DIR"),
                    ::std::file!(),
                    test,
                    &rendered,
                    ties,
                );
            }
            $crate::CheckMode::Recorded => {}
        }
    }};
}

/// Records a [`Run`] as signed evidence for the grader (see the other `check!`).
///
/// The grader builds tests with this crate's `grading` feature: every student's copy of
/// every test then expands to one call instead of an insta assertion, which took about a
/// third of the compile time of a class's test binaries.
#[cfg(feature = "grading")]
#[macro_export]
macro_rules! check {
    ($run:expr) => {
        $crate::record(
            ::std::file!(),
            ::std::module_path!(),
            $crate::__function_name!(),
            &$run,
        )
    };
}

/// What [`check!`] does in the grader's build: prints the evidence. Outside the grader
/// (no secret on the way) it fails the test, saying so, rather than pass unchecked.
#[doc(hidden)]
pub fn record<T: std::fmt::Debug>(file: &str, module: &str, test: &str, run: &Run<T>) {
    if let CheckMode::Snapshot(..) = check_mode(file, module, test, run) {
        panic!(
            "timeline-check was built with its `grading` feature, which only records evidence \
             for the grader; run the tests without that feature to compare snapshots"
        );
    }
}
