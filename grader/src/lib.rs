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
//!                        verdict       a pure function of the outcome and the snapshots
//!                           |
//!                           v
//!                        report        gradebook.csv, results.json, junit.xml, feedback
//! ```
//!
//! [`pipeline`] ties stage -> build -> run -> verdict together (tests start as soon as a
//! lesson's binary is linked); [`grade`] adds discovery, the cache and the reports;
//! [`verify`] and [`bless`] use the pipeline on the course's own stubs, solutions, wrong
//! and right variants. [`pair`] names a (student, lesson) pair, [`outcome`] says what
//! became of it.

pub mod bless;
pub mod build;
pub mod cache;
pub mod cli;
pub mod compiler;
pub mod course;
pub mod demo;
pub mod discover;
pub mod grade;
pub mod outcome;
pub mod pair;
pub mod pipeline;
pub mod process;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod scan;
pub mod snapshot;
pub mod stage;
pub mod submission;
pub mod verdict;
pub mod verify;

mod app;

pub use app::run;
