//! The grader: builds student submissions of the tokio exercises, runs the tests on a
//! paused clock, and decides every verdict from evidence it checks itself.
//!
//! # Layout
//!
//! ```text
//!  submissions/          discover      one Submission per entry (archives streamed, capped)
//!       |                   |
//!       v                   v
//!  batch of ~100 ---->   stage         one crate per student, one test crate per lesson
//!                           |          (scan: refused code never reaches the compiler)
//!                           v
//!                        build         cargo; every rustc confined by `compiler`
//!                           |          (bwrap, unprivileged, limits); errors traced
//!                           |          to their author
//!                           v
//!                        run           a process per (student, lesson), confined by
//!                           |          `sandbox` (uid, prlimit, bwrap, cgroup) and
//!                           |          `process` (limits, caps); signed evidence read
//!                           v
//!                        outcome       exactly one per Pair: refused | not compiled |
//!                           |          ran | not run
//!                           v
//!                        verdict       a pure function of the outcome and the snapshots,
//!                           |          with the symptoms each failed run shows
//!                           v
//!                        report        gradebook.csv, results.json, junit.xml, feedback
//!                                      (every sentence a student reads, in English or
//!                                      Russian)
//! ```
//!
//! The tree shows the layers:
//!
//! - [`pipeline`]: the steps above, each one module, and the values that flow between them
//!   ([`pipeline::pair`] names a (student, lesson) pair, [`pipeline::outcome`] says what
//!   became of it). Tests start as soon as a lesson's binary is linked.
//! - [`confine`]: what keeps untrusted code in its place (source scan, confined compiler,
//!   sandboxed test processes, time and output limits).
//! - [`report`]: every file a grading run writes, rendered from one report.
//! - [`commands`]: [`commands::grade`] adds discovery, the cache and the reports to the
//!   pipeline; [`commands::verify`] and [`commands::bless`] run it on the course's own stubs,
//!   solutions, wrong and right variants; they return values and report progress through
//!   [`pipeline::Progress`]. [`cli`] parses the command line; the binary prints, and
//!   [`present`] shows progress (a bar, plain lines, or GitHub Actions' commands).

pub mod cli;
pub mod commands;
pub mod confine;
pub mod course;
pub mod fingerprint;
pub mod pipeline;
pub mod present;
pub mod report;
pub mod snapshot;

mod app;

pub use app::run;
