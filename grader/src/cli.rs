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

    /// Test processes run at once (default: eight per core; they mostly wait).
    #[arg(long, short, global = true, value_name = "N")]
    pub jobs: Option<usize>,

    /// How test processes are confined: bwrap when it works here (auto), bwrap or fail,
    /// or resource limits only.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub sandbox: crate::confine::sandbox::Choice,

    /// Real time one test may take, in seconds, in every lesson (default: exercise.toml's
    /// `time_limit`, else 10 s). Mainly for tests of the grader.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    pub test_limit: Option<f64>,

    /// Real time one student's lesson may take in all, in seconds, re-runs after a crash
    /// included (default: three times the lesson's test limit). Tests it leaves no time
    /// for are reported as not run.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    pub lesson_budget: Option<f64>,

    /// Wall-clock limit, in seconds, of one compiler run on a student's crate (a lesson's
    /// test crate gets 3 s more per student it holds). CPU time, memory and processes are
    /// bounded too.
    #[arg(long, global = true, value_name = "SECS", default_value_t = crate::confine::compiler::DEFAULT_LIMIT.as_secs())]
    pub compile_limit: u64,

    /// How progress is shown on stderr: a bar, plain lines (logs), or GitHub Actions'
    /// groups and error annotations. `auto`: GitHub Actions' when GITHUB_ACTIONS=true, else a
    /// bar on a terminal, else plain lines.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub progress: crate::present::Style,

    /// The grader binary, which cargo runs as the compiler wrapper (set by `main`, not a
    /// flag).
    #[arg(skip)]
    pub wrapper: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// A positive number of seconds.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e6 => Ok(s),
        _ => Err(format!(
            "`{text}` is not a number of seconds (a positive number, e.g. 2 or 0.5)"
        )),
    }
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
    /// Grade a class: build and test every submission, write the gradebook, results and
    /// feedback. Exits 0 whenever grading completed, whatever the scores.
    Grade {
        /// A folder with one entry per student (the entry's name is the student id): a
        /// folder (a copy of the student's workspace, or just its exercises/), a .zip or a
        /// .tar.gz. Without it, the bundled demo class is graded.
        #[arg(value_name = "SUBMISSIONS")]
        submissions: Option<PathBuf>,
        /// Only these exercises (number, slug or package name); repeatable.
        #[arg(long, short, value_name = "EXERCISE")]
        exercise: Vec<String>,
        /// Only these students (their ids); repeatable.
        #[arg(long, short, value_name = "ID")]
        student: Vec<String>,
        /// Where to write gradebook.csv, results.json, junit.xml and feedback/.
        #[arg(long, short, default_value = "grades", value_name = "DIR")]
        out: PathBuf,
        /// Also write Gradescope's results.json per student (gradescope/<id>/results.json).
        #[arg(long)]
        gradescope: bool,
        /// Reuse the verdicts a previous (possibly interrupted) run into the same --out
        /// folder stored, and grade only what is missing.
        #[arg(long)]
        resume: bool,
        /// Run every test N times; tests whose results differ are marked flaky.
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
