//! Confinement: what keeps untrusted code from reaching beyond its own grade.
//!
//! [`scan`] refuses source that reaches for what no exercise needs before it is compiled;
//! [`compiler`] confines every rustc of a staged crate; [`sandbox`] confines every test
//! process (uid, prlimit, bwrap, cgroup); [`process`] bounds its time and output.

pub mod compiler;
pub mod process;
pub mod sandbox;
pub mod scan;
