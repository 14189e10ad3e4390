//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Grades the tokio exercises deterministically, on a virtual clock.
#[derive(Debug, Parser)]
#[command(name = "grader", version, about, long_about = None)]
pub struct Cli {
    /// The course workspace (holding exercises/, solutions/, grader/). Defaults to the one
    /// this grader was built from.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Test processes run at once (default: the number of cores).
    #[arg(long, short, global = true, value_name = "N")]
    pub jobs: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the course itself: solutions pass every test, stubs fail every test, each
    /// wrong variant fails exactly the tests it declares, results identical across runs.
    Verify {
        /// Only these exercises (number, slug or package name); repeatable.
        #[arg(long, short, value_name = "EXERCISE")]
        exercise: Vec<String>,
        /// Run every test this many times and require identical results.
        #[arg(long, default_value_t = 1, value_name = "N")]
        repeat: usize,
    },
    /// Write every snapshot (visible and hidden) from the reference solutions.
    Bless {
        /// Only these exercises (number, slug or package name); repeatable.
        #[arg(long, short, value_name = "EXERCISE")]
        exercise: Vec<String>,
    },
}
