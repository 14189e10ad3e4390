//! The grader: builds student submissions of the tokio exercises, runs the tests on a
//! paused clock, and decides every verdict from evidence it checks itself.
//!
//! The pipeline, one module per step: [`stage`] -> [`build`] -> [`run`] -> [`verdict`],
//! tied together in [`pipeline`]. [`verify`] and [`bless`] use it on the course's own
//! stubs, solutions and wrong variants.

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
