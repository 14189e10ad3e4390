//! The grader's commands, on top of the pipeline: [`grade`] a class (or a shard of it), [`merge`] shards, [`verify`] the
//! course, [`bless`] its snapshots, [`demo`] a class to try the grader on.

pub mod bless;
pub mod demo;
pub mod grade;
pub mod merge;
pub mod verify;
